#!/bin/bash
# Session 33, call 6: the wgmma attention's final launch rule (flash-splits.ts: a last wave at most
# half full split, fuller ones whole). The GPU suite (its tail-split test at 2816 and 3712 rows over
# 9216 keys), bench:attention's sparse shapes between the rounds of bench:edit's bins and whole edits
# (after prepareEdits) against ab-base (0ecc0f9: call 3's rule, every block split or none),
# alternating twice in one home.
# Before: bench/ab-base.sh 0ecc0f9; bench/device-dist.sh .gpu ab-base.
# Carry [".gpu","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
source bench/gpu-suite.sh
# what has run so far comes back even if the call is stopped (session 33 had 383 s of device time left)
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
save
e() { FISEDIT_HOME=/tmp/fh-e BENCH_TAG=s33-final-$1$2 BENCH_PARTS=bins,whole BENCH_PREPARE=on timeout 100 node --expose-gc $3/bench/edit.js > /tmp/logs/edit-$1$2.log 2>&1
  echo "edit $1$2 ($(( $(date +%s) - T0 )) s): $(grep -o '"editSize":[0-9.]*,"sparseStepMs":[0-9.]*' /tmp/logs/edit-$1$2.log | sed 's/"editSize"://; s/"sparseStepMs"://' | tr '\n' ' ') $(grep -o 'rror.*' /tmp/logs/edit-$1$2.log | head -1)"
  node dist/bench/whole-edits-summary.js /tmp/logs/edit-$1$2.log | tr '|' '\n' | sed 's/, recordings.*//; s/^.*log: //' | grep -E 'masked ~|^ ?2 ' | tr '\n' '|' | cut -c1-700; echo; save; }
e base 1 ab-base/dist; e new 1 dist
FISEDIT_HOME=/tmp/fh-a BENCH_ATTENTION_SHAPES=sparse BENCH_TAG=s33-sparse-final timeout 60 node dist/bench/attention.js > /tmp/logs/attention-sparse-final.log 2>&1
echo "attention sparse: rc $? $(grep -o '"us":[0-9.]*' /tmp/logs/attention-sparse-final.log | cut -d: -f2 | tr '\n' ' ')"
save
e base 2 ab-base/dist; e new 2 dist
