#!/bin/bash
# Prepared in session 63 for a later call (not run). First diff: k_wino2_input_tiles with its blocks' channel slices
# widened for small tiles (…-s63-next-wino-tiles-slices.diff: conv-paths.ts winogradTilesSlice, ~256
# threads a block; at bo = 4 a block had been 32 threads over 32 channels, and APSC gives ~5% masks'
# 96 x 96 convolutions blocks of 4: mask 88's plan, …-s63-apsc-probe.{mjs,log}). The
# dense kernels' PTX is unchanged by it (nvcc -ptx, checked). The GPU suite (the tile case covers bo =
# 4, 8, 12 and 16 at 320 and 640 channels: slices of 160, 64, 32, 32), then bins and whole edits
# alternating with ab-base (the commit before the diff).
# Second diff, for a call of its own after the first has been measured (its bins and whole edits the
# same way): …-s63-next-plan-by-outputs.diff, APSC weighing by outputs the block sizes whose tiles the
# backend convolves by Winograd (Backend.tileBlocksByOutputs), and falling back to dense past 80% of the
# outputs rather than of the gathered volume: the 28.6% bin's mask 268 runs its 96 x 96 convolutions
# in blocks of 4 (46% of the outputs) where it ran them dense; MACs at ~30% 852 -> 797 G
# (…-s63-next-plan-by-outputs-macs.{mjs,log}).
# Here first: git apply bench/results/2026-12-04-s63-next-wino-tiles-slices.diff; npm test;
# bash bench/ab-base.sh HEAD; bash bench/device-dist.sh --benches edit .gpu ab-base
# Carry [".gpu","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-suite.sh
CALL=s64cN; source bench/gpu-edit.sh
for i in 1 2; do
  bins slices-$i dist
  bins base-$i ab-base/dist
  whole whole-slices-$i dist
  whole whole-base-$i ab-base/dist
done
for b in 5 30; do BENCH_PROBE_BIN=$b BINS_PARTS=probe bins probe-$b dist; done
echo "done ($(( $(date +%s) - T0 )) s)"
