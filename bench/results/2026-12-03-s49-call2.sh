#!/bin/bash
# Prepared in session 48, not run (its device time was spent): k_tile_conv_wgs, the tile convolution
# with the weights as wgmma's M and a block's 40 or 80 rows as N, for a sparse step's few rows over a
# long K (a ~5% step's 12 x 12 convolutions: 40 rows of 1280 -> 1280, K = 11520), and
# CudaOptions.tileConvolution 'rows' (it for a plan's one-position tiles, the libraries elsewhere).
# First, here: git apply bench/results/2026-12-03-s48-tile-conv-wgs-untested.diff, then
# bash bench/device-dist.sh --benches edit,tile-conv .gpu (compiled with nvcc -Xptxas -v: no spills, no
# wgmma serialisation warnings; the choice and kernel-source tests pass; never run on a GPU).
# 1. The GPU suite: the fused-mode convTilesInto cases now run k_tile_conv_wgs40x64/40x128/80x64/80x128 (4, 6 and 8 splits)
#    (the test asserts each ran), and a 'rows' mode test. Stops on a failure.
# 2. bench:tile-conv at one-position tiles, its graphs' weights in L2 and (BENCH_COLD=on) read from memory, fused (k_tile_conv_wgs where tile-conv.ts's estimate picks
#    it) against the library path; session 48's call 7 had k_tile_conv_wg at 18.8 / 30.2 / 30.4 against
#    16.3 / 17.0 / 23.7 us (40 / 76 / 120 rows of 1280) and 30.4 against 29.3 (40 rows, 2560 -> 1280).
# 3. bench:edit's bins and probe after the server's warm-up, BENCH_TILE_CONV=rows against the default,
#    alternating twice in one home. 4. Below.
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-suite.sh
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
save
grep -q '^ℹ fail 0' /tmp/logs/test-gpu.log || { echo "suite failed: stopping"; exit 0; }
for cold in off on; do
  BENCH_COLD=$cold BENCH_TAG=wgs-cold-$cold BENCH_TILE_CONV_SHAPES=1280:1280:3:20,1280:1280:3:38,1280:1280:3:60,2560:1280:3:20,640:640:3:38,1280:1280:4:8 timeout -k 5 120 node dist/bench/tile-conv.js > /tmp/logs/tile-conv-$cold.log 2>&1
  echo "tile-conv, cold weights $cold ($(( $(date +%s) - T0 )) s): rc $?"; grep '^{' /tmp/logs/tile-conv-$cold.log; save
done
e() { local tag=$1 mode=$2
  FISEDIT_HOME=/tmp/fh-e BENCH_PREPARE=warm-up BENCH_TILE_CONV=$mode BENCH_TAG=wgs-$tag BENCH_PARTS=bins,probe timeout -k 5 200 node --expose-gc dist/bench/edit.js > /tmp/logs/edit-$tag.log 2>&1; local rc=$?
  echo "edit $tag ($(( $(date +%s) - T0 )) s): rc $rc bins $(grep -o '"editSize":[0-9.]*,"sparseStepMs":[0-9.]*' /tmp/logs/edit-$tag.log | sed 's/"editSize"://; s/"sparseStepMs"://' | tr '\n' ' ')"
  [ $rc = 0 ] || tail -5 /tmp/logs/edit-$tag.log | cut -c1-300; save; }
for r in 1 2; do e library-$r library; e rows-$r rows; done
# 4. Session 48's lending rule (one octave at most, else cuBLASLt's first proposal) in a fresh process's
#    whole edits: their first sparse steps may load kernels new to the process (not measured then).
FISEDIT_HOME=/tmp/fh-w BENCH_TAG=wgs-whole BENCH_PARTS=whole timeout -k 5 240 node --expose-gc dist/bench/edit.js > /tmp/logs/whole.log 2>&1
echo "whole ($(( $(date +%s) - T0 )) s): rc $? $(grep -o '"firstSparseStepMs":[0-9.]*' /tmp/logs/whole.log | cut -d: -f2 | tr '\n' ' ')"; save
echo "done ($(( $(date +%s) - T0 )) s)"
