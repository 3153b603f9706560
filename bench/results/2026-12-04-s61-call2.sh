#!/bin/bash
# Session 61 call 2: call 1's two keepers together (the working tree: the Winograd products as one
# strided batch, …-s60-next-wino-gemm-strided.diff, and Winograd from 12 x 12 maps, …-s60-next-wino-12x12.diff)
# against HEAD (127a2c6, ab-base): the GPU suite on it, bench:unet alternating three times, bench:winograd
# (its floors now by a strided batch), whole edits.
# Here first: bash bench/ab-base.sh HEAD; bash bench/device-dist.sh --benches edit,unet,winograd .gpu ab-base
# Carry [".gpu","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-suite.sh
CALL=s61c2; source bench/gpu-edit.sh
UNET_OPS='k_wino\|gemm winograd'
unet warm dist
for t in base-1 new-1 base-2 new-2 base-3 new-3; do
  case ${t%-*} in base) d=ab-base/dist;; new) d=dist;; esac
  unet $t $d
done
FISEDIT_HOME=/tmp/fh-u BENCH_TAG=s61c2 timeout -k 5 200 node dist/bench/winograd.js > /tmp/logs/winograd.log 2>&1; rc=$?
echo "winograd ($(( $(date +%s) - T0 )) s): rc $rc"; grep -v '^{' /tmp/logs/winograd.log | tail -4 | cut -c1-1500
save
whole whole dist
echo "done ($(( $(date +%s) - T0 )) s)"
