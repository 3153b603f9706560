#!/bin/bash
# Session 50, call 4: would one-position tiles (im2col + GEMM) beat cuDNN over APSC's blocks in a sparse
# step at 320 and 640 channels too? Call 3's ~5% profile: 15 cuDNN tile convolutions at ~16 µs each
# (0.24 ms a step), chosen by cudaTileRowsChoice from isolated timings (conv-paths.ts: "at 320
# channels cuDNN stays ~2 µs ahead"), which leave out the gather and write around each. bench:edit's
# bins and probe after the warm-up, one home, BENCH_CONV=auto (the default) and gemm (every tile
# convolution by rows: tileRowsChoice 'rows') in turn, twice. No code change.
# Here first: bash bench/device-dist.sh --benches edit .gpu. Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-setup.sh
e() { local tag=$1 conv=$2
  FISEDIT_HOME=/tmp/fh-e BENCH_PREPARE=warm-up BENCH_CONV=$conv BENCH_TAG=s50c4-$tag BENCH_PARTS=bins,probe timeout -k 5 200 node --expose-gc dist/bench/edit.js > /tmp/logs/edit-$tag.log 2>&1; local rc=$?
  echo "edit $tag ($(( $(date +%s) - T0 )) s): rc $rc bins $(grep -o '"editSize":[0-9.]*,"sparseStepMs":[0-9.]*' /tmp/logs/edit-$tag.log | sed 's/"editSize"://; s/"sparseStepMs"://' | tr '\n' ' ')"
  [ $rc = 0 ] || tail -5 /tmp/logs/edit-$tag.log | cut -c1-300; save; }
for r in 1 2; do e auto-$r auto; e gemm-$r gemm; done
echo "done ($(( $(date +%s) - T0 )) s)"
