#!/bin/bash
# Session 67, call 1 (prepared in session 66 as …-s66-next-group-affine.sh): GroupNorm's fold (k_group_affine, 61 launches a
# U-Net call, dense or sparse) with less on its critical path (…-s66-next-group-affine.diff): the
# division by the count made before its wait for the partial sums, 1/sqrt of the variance by the
# SFU's rsqrtf in the fp16 build (a double sqrt and division before; the float32 modes keep them:
# inverse_sqrt in storage.cuh), and the second shuffle reduction over the block's four warps' sums
# only (the same bits: the lanes past them added zeros). Expected: a few tenths of a µs a launch
# (~1 ms an edit at best: 61 launches x 50 steps), so the bins' per-op profile (k_group_affine's total
# at ~30%: 0.40 ms of 61 in session 64's probe) says more than the whole edits. The GPU suite first:
# it also runs session 66's driver-api.ts move, not yet run on a GPU.
# Here first: git apply bench/results/2026-12-04-s66-next-group-affine.diff; npm test;
# bash bench/ab-base.sh HEAD; bash bench/device-dist.sh --benches edit .gpu ab-base.
# Carry [".gpu","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-suite.sh
CALL=s67c1; source bench/gpu-edit.sh
for i in 1 2; do
  BENCH_PROBE_BIN=30 BINS_PARTS=probe bins probe30-base-$i ab-base/dist
  BENCH_PROBE_BIN=30 BINS_PARTS=probe bins probe30-new-$i dist
done
whole whole-new-1 dist
whole whole-base-1 ab-base/dist
echo "done ($(( $(date +%s) - T0 )) s)"
