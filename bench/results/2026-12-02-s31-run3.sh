#!/bin/bash
# Session 31, call 3: sparse plans by rows (bc9a0d8: blocks of one position where the cuda backend
# gathers im2col rows, so the 12x12 and 24x24 levels compute only their active outputs) against
# c8c1419 (APSC's blocks everywhere), built by bench/ab-base.sh into ab-base/. The GPU suite first,
# then bench:edit's bins alternating base / new twice in one home, then whole edits (given masks and
# automatic, after prepareEdits) once each.
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix","ab-base"].
T0=$(date +%s)
source bench/gpu-suite.sh
bins() { FISEDIT_HOME=/tmp/fh-ab BENCH_PARTS=bins BENCH_TAG=s31-rows-bins-$1$2 timeout 150 node --expose-gc $3/bench/edit.js > /tmp/logs/edit-bins-$1$2.log 2>&1
  echo "bins $1$2 ($(( $(date +%s) - T0 )) s): $(grep -o '"editSize":[0-9.]*,"sparseStepMs":[0-9.]*' /tmp/logs/edit-bins-$1$2.log | sed 's/"editSize"://; s/"sparseStepMs"://' | tr '\n' ' ') gmac $(grep -o '"gmacSparse":[0-9]*' /tmp/logs/edit-bins-$1$2.log | cut -d: -f2 | tr '\n' ' ') $(grep -o 'rror.*' /tmp/logs/edit-bins-$1$2.log | head -1)"; }
for r in 1 2; do bins base $r ab-base/dist; bins rows $r dist; done
whole() { FISEDIT_HOME=/tmp/fh-ab BENCH_PARTS=whole BENCH_PREPARE=on BENCH_TAG=s31-rows-whole-$1 timeout 150 node --expose-gc $2/bench/edit.js > /tmp/logs/edit-whole-$1.log 2>&1
  echo "whole $1 ($(( $(date +%s) - T0 )) s):"; node dist/bench/whole-edits-summary.js /tmp/logs/edit-whole-$1.log | cut -c1-1500; }
whole rows dist; whole base ab-base/dist
cd $OUT && mkdir -p j && mv $OUT/*.json j/ 2>/dev/null; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j
