#!/bin/bash
# Session 33, call 3: the wgmma attention's new launch rule (flash-splits.ts: long key ranges split
# among k_flash_wg64's blocks over ~1.5 waves; no split in two). The GPU suite first, then
# bench:attention's sparse shapes with the new rule, then bench:edit's bins and whole edits (after
# prepareEdits) with BENCH_FLASH_SPLITS=previous (session 32's rule) / auto, alternating twice in one home.
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
source bench/gpu-suite.sh
FISEDIT_HOME=/tmp/fh-a BENCH_ATTENTION_SHAPES=sparse BENCH_TAG=s33-sparse-new timeout 60 node dist/bench/attention.js > /tmp/logs/attention-new.log 2>&1
echo "attention new: rc $? $(grep -o '"us":[0-9.]*' /tmp/logs/attention-new.log | cut -d: -f2 | tr '\n' ' ')"
e() { FISEDIT_HOME=/tmp/fh-e BENCH_FLASH_SPLITS=$1 BENCH_TAG=s33-splits-$1$2 BENCH_PARTS=bins,whole BENCH_PREPARE=on timeout 140 node --expose-gc dist/bench/edit.js > /tmp/logs/edit-$1$2.log 2>&1
  echo "edit $1$2 ($(( $(date +%s) - T0 )) s): $(grep -o '"editSize":[0-9.]*,"sparseStepMs":[0-9.]*' /tmp/logs/edit-$1$2.log | sed 's/"editSize"://; s/"sparseStepMs"://' | tr '\n' ' ') $(grep -o 'rror.*' /tmp/logs/edit-$1$2.log | head -1)"
  node dist/bench/whole-edits-summary.js /tmp/logs/edit-$1$2.log | tr '|' '\n' | sed 's/, recordings.*//; s/^.*log: //' | grep -E 'masked ~|^ ?2 ' | tr '\n' '|' | cut -c1-700; echo; }
for r in 1 2; do e previous $r; e auto $r; done
cd $OUT && mkdir -p j && mv $OUT/*.json j/ 2>/dev/null; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j
