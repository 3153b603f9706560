#!/bin/bash
# Session 46, call 6: bench:edit's bins (768 px sparse steps at ~4-30%), 261826f (ab-base: the
# session's start) against the working tree (linearGeglu: k_gemm_geglu where a step's feed-forward
# has 1024 rows or more, at the largest masks), alternating twice after a warm-up, one home.
# Carry [".gpu","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-setup.sh
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
e() { local tag=$1 dir=$2
  FISEDIT_HOME=/tmp/fh-e BENCH_TAG=s46c6-$tag BENCH_PARTS=bins timeout -k 5 120 node --expose-gc $dir/bench/edit.js > /tmp/logs/s46c6-$tag.log 2>&1; local rc=$?
  echo "edit $tag ($(( $(date +%s) - T0 )) s): rc $rc bins $(grep -o '"editSize":[0-9.]*,"sparseStepMs":[0-9.]*' /tmp/logs/s46c6-$tag.log | sed 's/"editSize"://; s/"sparseStepMs"://' | tr '\n' ' ')"
  [ $rc = 0 ] || tail -5 /tmp/logs/s46c6-$tag.log | cut -c1-300; save; }
e warm dist
for r in 1 2; do e base-$r ab-base/dist; e new-$r dist; done
echo "done ($(( $(date +%s) - T0 )) s)"
