#!/bin/bash
# Session 49, call 3: k_tile_conv_wgs with as many stages as fit a block (16 / 10 / 12 / 8 for
# 40x64 / 40x128 / 80x64 / 80x128, a block an SM) against 227d7ae's 6 (call 2: 19.7 / 28.4 / 28.3 us
# against the library path's 16.3 / 17.4 / 24.7 at 40 / 76 / 120 rows of 1280 -> 1280).
# Here first: bash bench/ab-base.sh 227d7ae; bash bench/device-dist.sh --benches edit,tile-conv .gpu ab-base
# Carry [".gpu","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
# 1. The GPU suite (each wgs build runs in the convTilesInto test). Stops on a failure.
# 2. bench:tile-conv at one-position tiles, weights in L2 and read from memory, 6 stages (ab-base) and
#    the deep stages (dist) in turn, twice. 3. bench:edit's bins and probe after the warm-up,
#    BENCH_TILE_CONV=rows against the default (library), alternating twice in one home.
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-suite.sh
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
save
grep -q '^ℹ fail 0' /tmp/logs/test-gpu.log || { echo "suite failed: stopping"; exit 0; }
SHAPES=1280:1280:3:20,1280:1280:3:38,1280:1280:3:60,2560:1280:3:20,640:640:3:38,640:640:3:60,1280:1280:3:10
for r in 1 2; do for cold in off on; do for side in base new; do
  d=dist; [ $side = base ] && d=ab-base/dist
  BENCH_COLD=$cold BENCH_TAG=s49c3-$side-$cold-$r BENCH_TILE_CONV_SHAPES=$SHAPES timeout -k 5 120 node $d/bench/tile-conv.js > /tmp/logs/tile-conv-$side-$cold-$r.log 2>&1
  echo "tile-conv $side, cold $cold, round $r ($(( $(date +%s) - T0 )) s): rc $?"; grep '^{' /tmp/logs/tile-conv-$side-$cold-$r.log | sed 's/,"maxDiffRelative".*//'
done; done; save; done
e() { local tag=$1 mode=$2
  FISEDIT_HOME=/tmp/fh-e BENCH_PREPARE=warm-up BENCH_TILE_CONV=$mode BENCH_TAG=s49c3-$tag BENCH_PARTS=bins,probe timeout -k 5 200 node --expose-gc dist/bench/edit.js > /tmp/logs/edit-$tag.log 2>&1; local rc=$?
  echo "edit $tag ($(( $(date +%s) - T0 )) s): rc $rc bins $(grep -o '"editSize":[0-9.]*,"sparseStepMs":[0-9.]*' /tmp/logs/edit-$tag.log | sed 's/"editSize"://; s/"sparseStepMs"://' | tr '\n' ' ')"
  [ $rc = 0 ] || tail -5 /tmp/logs/edit-$tag.log | cut -c1-300; save; }
for r in 1 2; do e library-$r library; e rows-$r rows; done
echo "done ($(( $(date +%s) - T0 )) s)"
