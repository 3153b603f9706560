#!/bin/bash
# Session 51, call 2: what the paper's approximations give a sparse step at HEAD's kernels (no code
# change: bench:edit's new BENCH_ATTENTION beside BENCH_NORM). Four ways, in one home after the warm-up,
# alternating twice: exact statistics + accurate attention (the defaults), cached statistics (the
# base's GroupNorm scale and shift: no statistics kernels), fast attention (self-attention among the
# active tokens alone), and both (the paper's reference configuration). Bins and the ~5% probe's profile.
# Then whole 50-step edits (k = 10) after prepareEdits, the defaults and the paper's configuration.
# Here first: bash bench/device-dist.sh --benches edit .gpu
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-setup.sh
e() { local tag=$1 norm=$2 attention=$3 parts=$4
  FISEDIT_HOME=/tmp/fh-e BENCH_PREPARE=warm-up BENCH_NORM=$norm BENCH_ATTENTION=$attention BENCH_TAG=s51c2-$tag BENCH_PARTS=$parts timeout -k 5 200 node --expose-gc dist/bench/edit.js > /tmp/logs/edit-$tag.log 2>&1; local rc=$?
  echo "edit $tag ($(( $(date +%s) - T0 )) s): rc $rc bins $(grep -o '"editSize":[0-9.]*,"sparseStepMs":[0-9.]*' /tmp/logs/edit-$tag.log | sed 's/"editSize"://; s/"sparseStepMs"://' | tr '\n' ' ')"
  [ $rc = 0 ] || tail -5 /tmp/logs/edit-$tag.log | cut -c1-300; save; }
for r in 1 2; do
  e exact-accurate-$r exact accurate bins,probe; e cached-accurate-$r cached accurate bins,probe
  e exact-fast-$r exact fast bins,probe; e cached-fast-$r cached fast bins,probe
done
w() { local tag=$1 norm=$2 attention=$3
  FISEDIT_HOME=/tmp/fh-w-$tag BENCH_PREPARE=on BENCH_NORM=$norm BENCH_ATTENTION=$attention BENCH_TAG=s51c2-$tag BENCH_PARTS=whole timeout -k 5 200 node --expose-gc dist/bench/edit.js > /tmp/logs/whole-$tag.log 2>&1; local rc=$?
  echo "whole $tag ($(( $(date +%s) - T0 )) s): rc $rc"; grep -o '"editSize":[0-9.]*,"wallS":[0-9.]*' /tmp/logs/whole-$tag.log | tr '\n' ' ' | cut -c1-600; echo
  [ $rc = 0 ] || tail -5 /tmp/logs/whole-$tag.log | cut -c1-300; save; }
w exact-accurate exact accurate; w cached-fast cached fast
echo "done ($(( $(date +%s) - T0 )) s)"
