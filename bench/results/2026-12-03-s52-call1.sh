#!/bin/bash
# Session 52, call 1: a resnet's projected shortcut computed with conv2 in a sparse step
# (StepContext.conv's ProjectedResidual, Backend TileProjection): where conv2 runs as im2col + GEMM
# (levels 1-3 at ~5%), the shortcut's input rows come by conv2's im2col launch (k_gather_im2col's
# extra block a row) and its GEMM adds conv2's outputs as its residual; its own gather, write into
# its cached map and conv2's residual read are gone (3 launches fewer a resnet, 11 at ~5%).
# Against e08ec2f (ab-base). Here first: bash bench/ab-base.sh e08ec2f; bash bench/device-dist.sh --benches edit .gpu ab-base
# Carry [".gpu","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
# 1. The GPU suite (conv2dTiles + projection, cpu against gpu). Stops on a failure.
# 2. bench:edit's bins and probe after the warm-up, base and new in turn, three rounds, one home.
# 3. Whole edits (BENCH_PARTS=whole), base then new, a home each.
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-suite.sh
save
grep -q '^ℹ fail 0' /tmp/logs/test-gpu.log || { echo "suite failed: stopping"; exit 0; }
e() { local tag=$1 d=$2
  FISEDIT_HOME=/tmp/fh-e BENCH_PREPARE=warm-up BENCH_TAG=s52c1-$tag BENCH_PARTS=bins,probe timeout -k 5 200 node --expose-gc $d/bench/edit.js > /tmp/logs/edit-$tag.log 2>&1; local rc=$?
  echo "edit $tag ($(( $(date +%s) - T0 )) s): rc $rc bins $(grep -o '"editSize":[0-9.]*,"sparseStepMs":[0-9.]*' /tmp/logs/edit-$tag.log | sed 's/"editSize"://; s/"sparseStepMs"://' | tr '\n' ' ') $(grep -o '[0-9]* launches in the step' /tmp/logs/edit-$tag.log | head -1)"
  [ $rc = 0 ] || tail -5 /tmp/logs/edit-$tag.log | cut -c1-300; save; }
for r in 1 2 3; do e base-$r ab-base/dist; e new-$r dist; done
w() { local tag=$1 d=$2
  FISEDIT_HOME=/tmp/fh-w-$tag BENCH_PREPARE=on BENCH_TAG=s52c1-$tag BENCH_PARTS=whole timeout -k 5 200 node --expose-gc $d/bench/edit.js > /tmp/logs/whole-$tag.log 2>&1; local rc=$?
  echo "whole $tag ($(( $(date +%s) - T0 )) s): rc $rc"; grep -o '"editSize":[0-9.]*,"wallS":[0-9.]*' /tmp/logs/whole-$tag.log | tr '\n' ' ' | cut -c1-600; echo
  [ $rc = 0 ] || tail -5 /tmp/logs/whole-$tag.log | cut -c1-300; save; }
[ $(( $(date +%s) - T0 )) -lt 420 ] && { w whole-base ab-base/dist; w whole-new dist; }
echo "done ($(( $(date +%s) - T0 )) s)"
