#!/bin/bash
# Session 64, call 1: session 63's two prepared diffs measured in one call, three builds alternating.
# - dist: HEAD (2f385ab) + …-s63-next-wino-tiles-slices.diff + …-s63-next-plan-by-outputs.diff ("both")
# - ab-mix/slices/dist: HEAD + the slices diff alone (k_wino2_input_tiles's channel slice widened for
#   small tiles: ~256 threads a block)
# - ab-mix/base/dist: HEAD (the review's refactor 0ddafc5, never run on the GPU before: the suite runs
#   on dist, which holds it)
# The GPU suite first (dist), then bins and whole edits round-robin twice, the second round's whole
# edits only while time allows; probes at ~5% and ~30% for dist.
# Here first: git apply both diffs; npm test; bash bench/ab-base.sh 2f385ab; mv ab-base ab-mix/base;
# bash bench/ab-base.sh <stash of the slices diff>; mv ab-base ab-mix/slices;
# bash bench/device-dist.sh --benches edit .gpu ab-mix
# Carry [".gpu","dist","ab-mix","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-suite.sh
CALL=s64c1; source bench/gpu-edit.sh
for i in 1 2; do
  bins both-$i dist
  bins slices-$i ab-mix/slices/dist
  bins base-$i ab-mix/base/dist
  if [ $i = 1 ] || [ $(( $(date +%s) - T0 )) -lt 430 ]; then
    whole whole-both-$i dist
    whole whole-slices-$i ab-mix/slices/dist
    whole whole-base-$i ab-mix/base/dist
  fi
done
for b in 5 30; do [ $(( $(date +%s) - T0 )) -lt 540 ] && BENCH_PROBE_BIN=$b BINS_PARTS=probe bins probe-$b dist; done
echo "done ($(( $(date +%s) - T0 )) s)"
