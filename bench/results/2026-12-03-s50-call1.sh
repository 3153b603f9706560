#!/bin/bash
# Session 50, call 1 (session 49's prepared …-s49-next-keep-first.sh, run as it was): cuDNN's urgent heuristic-first
# configuration kept for the process (ChoiceStore.keep), so that the family's other batch octaves
# borrow it instead of asking the heuristic again (call 5: 16-35 ms of "cuDNN engine plan" in each
# of a fresh process's first small edits; the masked 13.6% / 30.1% edits' first sparse steps went
# 183.5 -> 100.2 and 140.6 -> 75.3 ms with the rule as committed).
# Also prepared: …-s49-cluster-sum-write-untested.diff, the cluster split-K sum and write of k_tile_conv_wg
# and k_tile_conv_wgs as one device function (the duplicates tool's pair; same registers, but not the
# same cubin, so the suite's fused convTilesInto cases must pass with it).
# First, here: git apply bench/results/2026-12-03-s49-cudnn-keep-first-untested.diff
# bench/results/2026-12-03-s49-cluster-sum-write-untested.diff;
# bash bench/ab-base.sh <the commit before it>; bash bench/device-dist.sh --benches edit .gpu ab-base
# 1. The GPU suite (its urgent-rule test now also asserts another octave borrows the kept choice). Stops on a failure.
# 2. Fresh-process whole edits (BENCH_PARTS=probe,whole, a home each), base and new in turn, twice:
#    the first sparse steps and their hostCosts ("cuDNN engine plan", "cuDNN heuristic first", "cuDNN borrowed choice").
# Carry [".gpu","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-suite.sh
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
save
grep -q '^ℹ fail 0' /tmp/logs/test-gpu.log || { echo "suite failed: stopping"; exit 0; }
w() { local tag=$1 d=$2
  FISEDIT_HOME=/tmp/fh-$tag BENCH_TAG=keep-first-$tag BENCH_PARTS=probe,whole timeout -k 5 130 node --expose-gc $d/bench/edit.js > /tmp/logs/$tag.log 2>&1; local rc=$?
  echo "$tag ($(( $(date +%s) - T0 )) s): rc $rc first sparse steps $(grep -o '"firstSparseStepMs":[0-9.]*' /tmp/logs/$tag.log | cut -d: -f2 | tr '\n' ' ')"
  [ $rc = 0 ] || tail -3 /tmp/logs/$tag.log | cut -c1-300; save; }
for r in 1 2; do w base-$r ab-base/dist; w new-$r dist; done
echo "done ($(( $(date +%s) - T0 )) s)"
