#!/bin/bash
# Session 62, call 1: session 61's prepared F(4x4, 3x3) opt-in (…-s61-next-wino-f4.diff, applied in the
# working tree) checked on the GPU: the whole GPU suite first (both forms' cases, the renamed k_wino2_*
# kernels), then bench:winograd-error (the U-Net's distance from an fp32 direct reference: fp16 direct,
# F(2x2, 3x3), F(4x4, 3x3); one call at 512 / 768 px and a 768 px 50-step generation), then bench:unet
# alternating f2 / f4 twice, then whole edits both ways as far as the time goes.
# Here first: npm test; bash bench/device-dist.sh --benches edit,unet,winograd-error .gpu
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-suite.sh
CALL=s62c1; source bench/gpu-edit.sh
FISEDIT_HOME=/tmp/fh-u BENCH_TAG=$CALL timeout -k 5 200 node dist/bench/winograd-error.js > /tmp/logs/winograd-error.log 2>&1; rc=$?
echo "winograd-error ($(( $(date +%s) - T0 )) s): rc $rc"; grep -v '^wrote' /tmp/logs/winograd-error.log | cut -c1-400 | tail -12; save
UNET_OPS='k_wino\|gemm winograd'
unet warm dist
for t in f2-1 f4-1 f2-2 f4-2; do
  case ${t%-*} in f4) export BENCH_WINOGRAD=f4;; *) unset BENCH_WINOGRAD;; esac
  unet $t dist
done
unset BENCH_WINOGRAD
whole whole-f2 dist
BENCH_WINOGRAD=f4 whole whole-f4 dist
echo "done ($(( $(date +%s) - T0 )) s)"
