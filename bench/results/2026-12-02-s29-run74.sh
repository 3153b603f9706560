#!/bin/bash
# Session 29, call 2: sparse-step recordings kept by plan across edits (SparseSteps.kept). The GPU
# suite, then bench:edit's whole edits (BENCH_PARTS=whole BENCH_PREPARE=on; its 'masked again' round
# repeats the 'masked' round's masks, so now replays their recordings) at the working tree and at
# ab-base (61a2d2f, before the change), alternating, each in a fresh home, until ~540 s have passed.
# Carry [".gpu","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
source bench/gpu-suite.sh
echo "suite took $(( $(date +%s) - T0 )) s"
w() { local t=$(date +%s); FISEDIT_HOME=/tmp/fh74-$1-$2 BENCH_TAG=s29-whole-$1$2 BENCH_PARTS=whole BENCH_PREPARE=on timeout 170 node --expose-gc $3/bench/edit.js > /tmp/logs/edit-whole-$1$2.log 2>&1
  echo "whole $1 $2: rc $? $(( $(date +%s) - t )) s"; node dist/bench/whole-edits-summary.js /tmp/logs/edit-whole-$1$2.log | cut -c1-1500; }
w kept 1 dist
w base 1 ab-base/dist
[ $(( $(date +%s) - T0 )) -lt 400 ] && w kept 2 dist
[ $(( $(date +%s) - T0 )) -lt 420 ] && w base 2 ab-base/dist
cd $OUT && mkdir -p j && mv $OUT/*.json j/ 2>/dev/null; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j
