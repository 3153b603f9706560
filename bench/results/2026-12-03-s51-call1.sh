#!/bin/bash
# Session 51, call 1: k_tile_conv_wgs with its weights brought by the TMA (a tensor map over [Cout, K],
# boxes of 64 x its output channels, thread 0 issuing one copy a stage on the stage's mbarrier; the
# tile rows still by every thread's cp.async), against d2a5e9e's (every thread copying its share of
# the weights; session 49: 19-20 us at 40 rows of 1280 -> 1280 against the library path's 16-17).
# Also in the build: session 50's untested diff sharing the two forms' loads (k_split, tile_row, KCursor).
# Here first: bash bench/ab-base.sh d2a5e9e; bash bench/device-dist.sh --benches edit,tile-conv .gpu ab-base
# Carry [".gpu","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
# 1. The GPU suite (each wgs build runs in the convTilesInto test, one of them past Cout). Stops on a failure.
# 2. bench:tile-conv at one-position tiles, weights in L2 and read from memory (BENCH_COLD), base and
#    new in turn, twice. 3. bench:edit's bins and probe after the warm-up, BENCH_TILE_CONV=rows (the
#    wgs kernel for a plan's rows) against the default (library), alternating twice in one home.
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-suite.sh
save
grep -q '^ℹ fail 0' /tmp/logs/test-gpu.log || { echo "suite failed: stopping"; exit 0; }
SHAPES=1280:1280:3:20,1280:1280:3:38,1280:1280:3:60,2560:1280:3:20,640:640:3:38,640:640:3:60,1280:1280:3:10
for r in 1 2; do for cold in off on; do for side in base new; do
  d=dist; [ $side = base ] && d=ab-base/dist
  BENCH_COLD=$cold BENCH_TAG=s51c1-$side-$cold-$r BENCH_TILE_CONV_SHAPES=$SHAPES timeout -k 5 120 node $d/bench/tile-conv.js > /tmp/logs/tile-conv-$side-$cold-$r.log 2>&1
  echo "tile-conv $side, cold $cold, round $r ($(( $(date +%s) - T0 )) s): rc $?"; grep '^{' /tmp/logs/tile-conv-$side-$cold-$r.log | sed 's/,"maxDiffRelative".*//'
done; done; save; done
e() { local tag=$1 mode=$2
  FISEDIT_HOME=/tmp/fh-e BENCH_PREPARE=warm-up BENCH_TILE_CONV=$mode BENCH_TAG=s51c1-$tag BENCH_PARTS=bins,probe timeout -k 5 200 node --expose-gc dist/bench/edit.js > /tmp/logs/edit-$tag.log 2>&1; local rc=$?
  echo "edit $tag ($(( $(date +%s) - T0 )) s): rc $rc bins $(grep -o '"editSize":[0-9.]*,"sparseStepMs":[0-9.]*' /tmp/logs/edit-$tag.log | sed 's/"editSize"://; s/"sparseStepMs"://' | tr '\n' ' ')"
  [ $rc = 0 ] || tail -5 /tmp/logs/edit-$tag.log | cut -c1-300; save; }
for r in 1 2; do e library-$r library; e rows-$r rows; done
echo "done ($(( $(date +%s) - T0 )) s)"
