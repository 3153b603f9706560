#!/bin/bash
# Session 52, call 2: the wgmma attention's key splits merged by the last split block of each query
# block to finish (an arrivals counter each, back to 0 after; merge_splits), not by k_flash_combine
# launched after the kernel: 10 launches fewer a ~5% step. Against f51cb5f (ab-base: the shortcut
# fold of call 1). Here first: bash bench/ab-base.sh f51cb5f; bash bench/device-dist.sh --benches edit .gpu ab-base
# Carry [".gpu","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
# 1. The GPU suite (the split attention twice for the same bits; every block split in 3). Stops on a failure.
# 2. bench:edit's bins and probe after the warm-up, base and new in turn, two rounds, one home.
# 3. Whole edits (BENCH_PARTS=whole), base and new in turn, two rounds, a home each: the later sparse
#    steps' GPU ms a step (laterSparse), steadier than the bins.
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-suite.sh
save
grep -q '^ℹ fail 0' /tmp/logs/test-gpu.log || { echo "suite failed: stopping"; exit 0; }
e() { local tag=$1 d=$2
  FISEDIT_HOME=/tmp/fh-e BENCH_PREPARE=warm-up BENCH_TAG=s52c2-$tag BENCH_PARTS=bins,probe timeout -k 5 200 node --expose-gc $d/bench/edit.js > /tmp/logs/edit-$tag.log 2>&1; local rc=$?
  echo "edit $tag ($(( $(date +%s) - T0 )) s): rc $rc bins $(grep -o '"editSize":[0-9.]*,"sparseStepMs":[0-9.]*' /tmp/logs/edit-$tag.log | sed 's/"editSize"://; s/"sparseStepMs"://' | tr '\n' ' ') $(grep -o '[0-9]* launches in the step' /tmp/logs/edit-$tag.log | head -1)"
  [ $rc = 0 ] || tail -5 /tmp/logs/edit-$tag.log | cut -c1-300; save; }
for r in 1 2; do e base-$r ab-base/dist; e new-$r dist; done
w() { local tag=$1 d=$2
  FISEDIT_HOME=/tmp/fh-w-$tag BENCH_PREPARE=on BENCH_TAG=s52c2-$tag BENCH_PARTS=whole timeout -k 5 200 node --expose-gc $d/bench/edit.js > /tmp/logs/whole-$tag.log 2>&1; local rc=$?
  echo "whole $tag ($(( $(date +%s) - T0 )) s): rc $rc (edit size, wall s, later sparse steps' GPU ms a step)"
  grep -o '"editSize":[0-9.]*,"wallS":[0-9.]*,[^}]*"gpuMsPerStep":[0-9.]*' /tmp/logs/whole-$tag.log | sed 's/"editSize":\([0-9.]*\),"wallS":\([0-9.]*\),.*"gpuMsPerStep":\([0-9.]*\)/\1 \2 \3/' | tr '\n' ';'; echo
  [ $rc = 0 ] || tail -5 /tmp/logs/whole-$tag.log | cut -c1-300; save; }
for r in 1 2; do [ $(( $(date +%s) - T0 )) -lt 450 ] && { w whole-base-$r ab-base/dist; w whole-new-$r dist; }; done
echo "done ($(( $(date +%s) - T0 )) s)"
