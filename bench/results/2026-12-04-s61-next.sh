#!/bin/bash
# Prepared in session 61, not run (its device time spent): Winograd's F(4x4, 3x3) as an opt-in
# (…-s61-next-wino-f4.diff: CudaOptions.winograd 'f4', maps from 48 x 48 of sides in fours,
# conv-paths.ts winogradTile; kernels k_wino4_input / _output / _weights; the F(2x2, 3x3) kernels
# renamed k_wino2_*, their union load shared with F(4x4, 3x3)'s input transform; kernels.ts
# WINOGRAD_FORMS; BENCH_WINOGRAD=f4; a CPU test, test/winograd-forms.test.ts, and a GPU case).
# Session 61's call 5 ran that build: bench:unet 768 px 9.20 ms with 'f4' against 9.84 by F(2x2, 3x3)
# in the next process (back to back 9.49 against 9.97, 6.56 against 6.78 J; 512 px 4.54 both), but its
# GPU cases were killed at their 120 s limit before printing (…-s61-call5.log): correctness on the
# GPU is unchecked, of the renamed F(2x2, 3x3) kernels too. So first the whole GPU suite (its usual
# 150 s limit; the diff's F(4x4, 3x3) cases now take one batch item and 320 channels: the cpu's
# reference convolutions of call 5's 52 x 48 x 640 -> 320 at two items, 9.2 GMAC each and four of them,
# were the likely cost); if that runs out of time again, the cause is to find before anything else. Then
# bench:unet alternating three times, then whole edits both ways. The U-Net-level error of 'f4'
# (against F(2x2, 3x3) and BENCH_WINOGRAD=off) is still to measure before any talk of a default.
# Here first: git apply bench/results/2026-12-04-s61-next-wino-f4.diff; npm test;
#   bash bench/device-dist.sh --benches edit,unet .gpu
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-suite.sh
CALL=next; source bench/gpu-edit.sh
UNET_OPS='k_wino\|gemm winograd'
unet warm dist
for t in f2-1 f4-1 f2-2 f4-2 f2-3 f4-3; do
  case ${t%-*} in f4) export BENCH_WINOGRAD=f4;; *) unset BENCH_WINOGRAD;; esac
  unet $t dist
done
unset BENCH_WINOGRAD
whole whole-f2 dist
BENCH_WINOGRAD=f4 whole whole-f4 dist
echo "done ($(( $(date +%s) - T0 )) s)"
