#!/bin/bash
# Session 29, call 3: the GPU suite at the prepareEdits-masks commit, then bench:edit's whole edits
# (now with masked rounds of every step sparse, k = 0) in two fresh processes: 'masked' records each
# mask's sparse steps, 'masked again' replays them (SparseSteps.kept).
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
source bench/gpu-suite.sh
echo "suite took $(( $(date +%s) - T0 )) s"
w() { local t=$(date +%s); FISEDIT_HOME=/tmp/fh75-$1 BENCH_TAG=s29-whole-k0-$1 BENCH_PARTS=whole BENCH_PREPARE=on timeout 200 node --expose-gc dist/bench/edit.js > /tmp/logs/edit-whole-k0-$1.log 2>&1
  echo "whole $1: rc $? $(( $(date +%s) - t )) s"; node dist/bench/whole-edits-summary.js /tmp/logs/edit-whole-k0-$1.log | cut -c1-2500; }
w 1
w 2
cd $OUT && mkdir -p j && mv $OUT/*.json j/ 2>/dev/null; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j
