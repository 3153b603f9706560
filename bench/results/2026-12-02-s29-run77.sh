#!/bin/bash
# Session 29, call 5 (closing): the GPU suite (its prepareEdits test now also rehearses the masked
# edit's own mask, whose recordings that edit replays: the same bits as without), then bench:edit's
# whole edits once in a fresh home, with the round that edits each automatic region again under
# another prompt (every step sparse, its mask sent ahead by prepareEdits: the page's "the shown
# edit's mask"). Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
source bench/gpu-suite.sh
grep -E "prepareEdits:|differ" /tmp/logs/test-gpu.log | cut -c1-300 | head -6
echo "suite took $(( $(date +%s) - T0 )) s"
FISEDIT_HOME=/tmp/fh77 BENCH_TAG=s29-whole-region BENCH_PARTS=whole BENCH_PREPARE=on timeout 200 node --expose-gc dist/bench/edit.js > /tmp/logs/edit-whole-region.log 2>&1
echo "whole: rc $? at $(( $(date +%s) - T0 )) s"; node dist/bench/whole-edits-summary.js /tmp/logs/edit-whole-region.log | cut -c1-4000
cd $OUT && mkdir -p j && mv $OUT/*.json j/ 2>/dev/null; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j
