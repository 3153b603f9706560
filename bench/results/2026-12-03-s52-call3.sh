#!/bin/bash
# Session 52, call 3: no cache keeps a resnet's projected shortcut's map any more (the recording
# steps compute it without keeping it; a sparse step computes it with conv2 where that writes, or over
# the whole map where conv2 runs densely): ~73 of a 768 px step's 644 MiB. Against 4b32783 (ab-base:
# the shortcut fold of call 1, the map still recorded). Here first: bash bench/ab-base.sh 4b32783;
# bash bench/device-dist.sh --benches edit .gpu ab-base
# Carry [".gpu","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
# 1. The GPU suite. Stops on a failure.
# 2. bench:edit's bins, probe and host tier (one step's copy from page-locked memory, the ~5% edit
#    streamed), base and new in turn, two rounds, one home: the capacity line (cache a step), the
#    bins, the host tier's copy and steps.
# 3. If time is left: whole edits, base then new, a home each.
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-suite.sh
save
grep -q '^ℹ fail 0' /tmp/logs/test-gpu.log || { echo "suite failed: stopping"; exit 0; }
e() { local tag=$1 d=$2
  FISEDIT_HOME=/tmp/fh-e BENCH_PREPARE=warm-up BENCH_TAG=s52c3-$tag BENCH_PARTS=bins,probe,host timeout -k 5 200 node --expose-gc $d/bench/edit.js > /tmp/logs/edit-$tag.log 2>&1; local rc=$?
  echo "edit $tag ($(( $(date +%s) - T0 )) s): rc $rc bins $(grep -o '"editSize":[0-9.]*,"sparseStepMs":[0-9.]*' /tmp/logs/edit-$tag.log | sed 's/"editSize"://; s/"sparseStepMs"://' | tr '\n' ' ') $(grep -o '[0-9]* launches in the step' /tmp/logs/edit-$tag.log | head -1)"
  grep -h '^capacity:' /tmp/logs/edit-$tag.log | cut -c1-400
  grep -h '^host tier' /tmp/logs/edit-$tag.log | cut -c1-600
  [ $rc = 0 ] || tail -5 /tmp/logs/edit-$tag.log | cut -c1-300; save; }
for r in 1 2; do e base-$r ab-base/dist; e new-$r dist; done
w() { local tag=$1 d=$2
  FISEDIT_HOME=/tmp/fh-w-$tag BENCH_PREPARE=on BENCH_TAG=s52c3-$tag BENCH_PARTS=whole timeout -k 5 200 node --expose-gc $d/bench/edit.js > /tmp/logs/whole-$tag.log 2>&1; local rc=$?
  echo "whole $tag ($(( $(date +%s) - T0 )) s): rc $rc (edit size, wall s, later sparse steps' GPU ms a step)"
  grep -o '"editSize":[0-9.]*,"wallS":[0-9.]*,[^}]*"gpuMsPerStep":[0-9.]*' /tmp/logs/whole-$tag.log | sed 's/"editSize":\([0-9.]*\),"wallS":\([0-9.]*\),.*"gpuMsPerStep":\([0-9.]*\)/\1 \2 \3/' | tr '\n' ';'; echo
  [ $rc = 0 ] || tail -5 /tmp/logs/whole-$tag.log | cut -c1-300; save; }
[ $(( $(date +%s) - T0 )) -lt 330 ] && { w whole-base ab-base/dist; w whole-new dist; }
echo "done ($(( $(date +%s) - T0 )) s)"
