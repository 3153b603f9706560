#!/bin/bash
# Session 47, call 3: k_gemm_geglu's epilogue from registers in the shadow of the next tile's MMAs
# (tiles of 128 x 64 outputs, wgmma m64n128k16, six stages; h and g rounded into registers no MMA
# writes once a tile's MMAs are done, their GEGLU a quarter after each of the next tile's first four
# k-tiles) against session 46's form (staged in shared memory, 128 x 128, three stages) with call 2's
# GELU, e5378d8 (ab-base). The GPU suite (its linearGeglu test: which kernel ran, against the cpu and
# the two-op path, K of four and five k-tiles, more tiles than SMs); bench:gemm-geglu in both builds;
# bench:unet at 512 / 768 px alternating twice after a warm-up, bench:edit's bins once each after a
# warm-up, a home each (the session's device time nearly spent: starts refused).
# Carry [".gpu","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-suite.sh
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
save
grep -q '^ℹ fail 0' /tmp/logs/test-gpu.log || { echo 'the suite failed or hung: nothing more'; exit 0; }
g() { local tag=$1 dir=$2
  BENCH_TAG=s47c3-$tag timeout -k 5 100 node $dir/bench/gemm-geglu.js > /tmp/logs/s47c3-geglu-$tag.log 2>&1; local rc=$?
  echo "gemm-geglu $tag ($(( $(date +%s) - T0 )) s): rc $rc"; grep '^{' /tmp/logs/s47c3-geglu-$tag.log | cut -c1-110
  [ $rc = 0 ] || tail -8 /tmp/logs/s47c3-geglu-$tag.log | cut -c1-300; save; }
g new dist; g base ab-base/dist
u() { local tag=$1 dir=$2
  FISEDIT_HOME=/tmp/fh-u BENCH_TAG=s47c3-unet-$tag BENCH_MATH=fp16 BENCH_SIZES=512,768 BENCH_PIPELINE=0 timeout -k 5 120 node $dir/bench/unet.js > /tmp/logs/s47c3-unet-$tag.log 2>&1; local rc=$?
  echo "unet $tag ($(( $(date +%s) - T0 )) s): rc $rc $(grep -o '"px":[0-9]*\|"msPerCall":[0-9.]*' /tmp/logs/s47c3-unet-$tag.log | cut -d: -f2 | tr '\n' ' ')"
  [ $rc = 0 ] || tail -5 /tmp/logs/s47c3-unet-$tag.log | cut -c1-300; save; }
e() { local tag=$1 dir=$2
  FISEDIT_HOME=/tmp/fh-e BENCH_TAG=s47c3-edit-$tag BENCH_PARTS=bins timeout -k 5 120 node --expose-gc $dir/bench/edit.js > /tmp/logs/s47c3-edit-$tag.log 2>&1; local rc=$?
  echo "edit $tag ($(( $(date +%s) - T0 )) s): rc $rc bins $(grep -o '"editSize":[0-9.]*,"sparseStepMs":[0-9.]*' /tmp/logs/s47c3-edit-$tag.log | sed 's/"editSize"://; s/"sparseStepMs"://' | tr '\n' ' ')"
  [ $rc = 0 ] || tail -5 /tmp/logs/s47c3-edit-$tag.log | cut -c1-300; save; }
u warm dist
for r in 1 2; do u base-$r ab-base/dist; u new-$r dist; done
e warm dist
e base-1 ab-base/dist; e new-1 dist
echo "done ($(( $(date +%s) - T0 )) s)"
