#!/bin/bash
# Session 29, call 7: graphs share their buffers (MemoryPool.reserveDuring: a capture takes the blocks
# other graphs hold first). The GPU suite (bit-for-bit tests of graphs against eager calls, replays
# across backends, edits after rehearsals), then bench:edit's whole edits once in a fresh home: what
# the recorded graphs hold now (recordingsMiB; 20.1-27.8 GiB in call 78) and the edits' times.
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
source bench/gpu-suite.sh
grep -E "differ|prepareEdits:" /tmp/logs/test-gpu.log | cut -c1-300 | head -8
echo "suite took $(( $(date +%s) - T0 )) s"
FISEDIT_HOME=/tmp/fh79 BENCH_TAG=s29-whole-shared BENCH_PARTS=whole BENCH_PREPARE=on timeout 200 node --expose-gc dist/bench/edit.js > /tmp/logs/edit-whole-shared.log 2>&1
echo "whole: rc $?"; node dist/bench/whole-edits-summary.js /tmp/logs/edit-whole-shared.log | cut -c1-5000
grep -E "capacity" /tmp/logs/edit-whole-shared.log | cut -c1-300 | head -2
cd $OUT && mkdir -p j && mv $OUT/*.json j/ 2>/dev/null; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j
