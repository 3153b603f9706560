#!/bin/bash
# Session 31, call 5: sparse plans by rows over dense (v3: one-position tiles of >= 640 channels into
# im2col rows up to 400 rows, and beyond where APSC would go dense) against bc9a0d8 (by rows up to
# 400 rows, the cuda conv path's limit), built by bench/ab-base.sh into ab-base/.
# then bench:edit's bins and whole edits (after prepareEdits), each alternating base / new twice in one home.
# No GPU suite (the tiny models' convolutions have too few channels to take this path; call 3 ran it
# on bc9a0d8), so the call carries .gpu-lite (env.sh, node.xz, masks.xz, fixtures/sd2-768-configs)
# instead of .gpu, which with ab-base passed the 64 MiB carry limit.
# Carry [".gpu-lite","dist","node_modules/koffi","node_modules/@koromix","ab-base"].
T0=$(date +%s)
mkdir -p .gpu-lite/data /tmp/logs && xz -dc .gpu-lite/masks.xz > .gpu-lite/data/masks-dev-300.bin
source .gpu-lite/env.sh && export OUT
bins() { FISEDIT_HOME=/tmp/fh-ab BENCH_PARTS=bins BENCH_TAG=s31-v3-bins-$1$2 timeout 150 node --expose-gc $3/bench/edit.js > /tmp/logs/edit-bins-$1$2.log 2>&1
  echo "bins $1$2 ($(( $(date +%s) - T0 )) s): $(grep -o '"editSize":[0-9.]*,"sparseStepMs":[0-9.]*' /tmp/logs/edit-bins-$1$2.log | sed 's/"editSize"://; s/"sparseStepMs"://' | tr '\n' ' ') gmac $(grep -o '"gmacSparse":[0-9]*' /tmp/logs/edit-bins-$1$2.log | cut -d: -f2 | tr '\n' ' ') $(grep -o 'rror.*' /tmp/logs/edit-bins-$1$2.log | head -1)"; }
for r in 1 2; do bins base $r ab-base/dist; bins v3 $r dist; done
whole() { FISEDIT_HOME=/tmp/fh-ab BENCH_PARTS=whole BENCH_PREPARE=on BENCH_TAG=s31-v3-whole-$1 timeout 150 node --expose-gc $2/bench/edit.js > /tmp/logs/edit-whole-$1.log 2>&1
  echo "whole $1 ($(( $(date +%s) - T0 )) s):"; node dist/bench/whole-edits-summary.js /tmp/logs/edit-whole-$1.log | tr '|' '\n' | sed 's/, recordings.*//; s/^.*log: //' | grep -v 'its region' | tr '\n' '|' | cut -c1-1400; echo; }
for r in 1 2; do whole base$r ab-base/dist; whole v3$r dist; done
cd $OUT && mkdir -p j && mv $OUT/*.json j/ 2>/dev/null; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j
