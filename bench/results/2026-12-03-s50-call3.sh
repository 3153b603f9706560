#!/bin/bash
# Session 50, call 3. 1. The GPU suite at 740b363 (L2 prefetches before the wait in the sparse step's
# gathers, writes and GroupNorm partial sums). Stops on a failure.
# 2. bench:launch again, with a leaner persistent barrier beside call 2's (k_chain_persistent_lean:
#    one release-add a block on a count that only grows, polled with acquire loads; call 2's barrier
#    cost 2.0-3.0 µs an op against 1.0-1.9 for a graph of programmatic dependent launches).
# 3. bench:edit's bins and probe after the warm-up (one home), 57919bd (ab-base, no prefetch) and
#    740b363 in turn, three rounds: the bins and the probe's per-kernel GPU times.
# Here first: bash bench/ab-base.sh 57919bd; bash bench/device-dist.sh --benches edit,launch .gpu ab-base
# Carry [".gpu","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-suite.sh
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
save
grep -q '^ℹ fail 0' /tmp/logs/test-gpu.log || { echo "suite failed: stopping"; exit 0; }
BENCH_TAG=s50-call3 FISEDIT_HOME=/tmp/fh-launch timeout -k 5 120 node dist/bench/launch.js > /tmp/logs/launch.log 2>&1
echo "launch ($(( $(date +%s) - T0 )) s): rc $?"; grep '^{"blocks' /tmp/logs/launch.log
save
e() { local tag=$1 d=$2
  FISEDIT_HOME=/tmp/fh-e BENCH_PREPARE=warm-up BENCH_TAG=s50c3-$tag BENCH_PARTS=bins,probe timeout -k 5 200 node --expose-gc $d/bench/edit.js > /tmp/logs/edit-$tag.log 2>&1; local rc=$?
  echo "edit $tag ($(( $(date +%s) - T0 )) s): rc $rc bins $(grep -o '"editSize":[0-9.]*,"sparseStepMs":[0-9.]*' /tmp/logs/edit-$tag.log | sed 's/"editSize"://; s/"sparseStepMs"://' | tr '\n' ' ')"
  [ $rc = 0 ] || tail -5 /tmp/logs/edit-$tag.log | cut -c1-300; save; }
for r in 1 2 3; do e base-$r ab-base/dist; e new-$r dist; done
echo "done ($(( $(date +%s) - T0 )) s)"
