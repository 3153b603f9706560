#!/bin/bash
# Session 61 call 5: Winograd's F(4x4, 3x3) (CudaOptions.winograd 'f4', maps from 48 x 48; new
# kernels k_wino4_input / _output / _weights, the F(2x2, 3x3) ones renamed k_wino2_*) in the working
# tree then (not kept in src: bench/results/2026-12-04-s61-next-wino-f4.diff): the GPU suite's Winograd cases (F(2x2, 3x3)'s as before, F(4x4, 3x3)'s within 2.5x the bound
# and other bits than F(2x2, 3x3)'s), then bench:unet with BENCH_WINOGRAD=f4 against the default in
# the same build, processes of one home alternating twice; then, time left, whole edits with 'f4'.
# Here first: bash bench/device-dist.sh --benches edit,unet .gpu
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-setup.sh
CALL=s61c5; source bench/gpu-edit.sh
FISEDIT_HOME=/tmp/fh-suite timeout -k 10 120 node --test --test-reporter=spec --test-name-pattern=Winograd dist/test/gpu/ops.test.js > /tmp/logs/test-gpu.log 2>&1; echo "rc $?" >> /tmp/logs/test-gpu.log
echo "winograd cases ($(( $(date +%s) - T0 )) s): $(grep -E '^ℹ (pass|fail|skipped)' /tmp/logs/test-gpu.log | tr '\n' ' ')"; grep -E '✖|not ok|AssertionError|bound' /tmp/logs/test-gpu.log | cut -c1-300 | head -8; save
UNET_OPS='k_wino\|gemm winograd'
for t in f2-1 f4-1 f2-2 f4-2; do
  case ${t%-*} in f4) export BENCH_WINOGRAD=f4;; *) unset BENCH_WINOGRAD;; esac
  unet $t dist
done
unset BENCH_WINOGRAD
[ $(( $(date +%s) - T0 )) -lt 190 ] && BENCH_WINOGRAD=f4 whole whole-f4 dist || echo "whole skipped: time"
echo "done ($(( $(date +%s) - T0 )) s)"
