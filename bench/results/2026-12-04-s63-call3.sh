#!/bin/bash
# Session 63, call 3: Winograd over a sparse step's tiles with its output transform writing straight
# into the base (k_wino2_output_blocks: k_wino2_output's bits, then k_overwrite_blocks', in one
# launch; no [N * T, bo, bo, co] outputs in memory), against call 2's code (ab-base: a `git stash
# create` of the working tree without that one line, deb3fa0). The GPU suite (the tile case now writes
# with a residual and undoes the write), bins and whole edits alternating twice, then bench:unet at 768 px
# against d3d0591 (ab-orig) twice: k_wino2_output now shares its arithmetic with the blocks' kernel
# (48 registers where it had 56).
# Here first: bash bench/ab-base.sh d3d0591 && mv ab-base ab-orig; bash bench/ab-base.sh deb3fa0;
# bash bench/device-dist.sh --benches edit,unet .gpu ab-base ab-orig
# Carry [".gpu","dist","ab-base","ab-orig","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-suite.sh
CALL=s63c3; source bench/gpu-edit.sh
bins fused-1 dist
bins unfused-1 ab-base/dist
whole whole-fused-1 dist
whole whole-unfused-1 ab-base/dist
bins fused-2 dist
bins unfused-2 ab-base/dist
whole whole-fused-2 dist
whole whole-unfused-2 ab-base/dist
UNET_OPS='k_wino2_output'
for t in orig-1 new-1 orig-2 new-2; do
  [ $(( $(date +%s) - T0 )) -gt 520 ] && { echo "unet $t skipped: time"; continue; }
  case $t in orig*) d=ab-orig/dist;; *) d=dist;; esac
  FISEDIT_HOME=/tmp/fh-u BENCH_TAG=$CALL-unet-$t BENCH_MATH=fp16 BENCH_SIZES=768 BENCH_PIPELINE=0 timeout -k 5 60 node $d/bench/unet.js > /tmp/logs/unet-$t.log 2>&1; rc=$?
  echo "unet $t ($(( $(date +%s) - T0 )) s): rc $rc $(grep -o '"px":[0-9]*,"batch":2,"msPerCall":[0-9.]*,"msMin":[0-9.]*' /tmp/logs/unet-$t.log) $(grep -o '{"op":"k_wino2_output[^}]*}' /tmp/logs/unet-$t.log | tr '\n' ' ')"; save
done
echo "done ($(( $(date +%s) - T0 )) s)"
