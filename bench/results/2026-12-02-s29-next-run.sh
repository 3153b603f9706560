#!/bin/bash
# For session 30's first device call (written in session 29, whose device time ran out): graphs
# sharing their buffers (82a6ce2) against dfde34f, the commit before it, in one call. Call 79 ran
# the sharing on a machine whose host-bound phases were all slower (automatic edits' graph recording
# 36-68 ms against 18-38), so this A/B tells the machine from the change. Alternating processes,
# each in a fresh home: bench:edit's whole edits (recording times, recordingsMiB), bench:repeatability in
# 10 fresh processes, then the GPU suite.
# Before: bench/ab-base.sh dfde34f; build dist; move node_modules/@koromix/koffi-linux-x64/musl_x64 aside.
# Carry [".gpu","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
[ -f .gpu/tok.xz ] && xz -dc .gpu/tok.xz > .gpu/fixtures/tiny-sd2/tokenizer/tokenizer.json
[ -f .gpu/masks.xz ] && mkdir -p .gpu/data && xz -dc .gpu/masks.xz > .gpu/data/masks-dev-300.bin
source .gpu/env.sh && export OUT && mkdir -p /tmp/logs
w() { FISEDIT_HOME=/tmp/fh-$1 BENCH_TAG=s30-whole-$1 BENCH_PARTS=whole BENCH_PREPARE=on timeout 150 node --expose-gc $2/bench/edit.js > /tmp/logs/edit-whole-$1.log 2>&1
  echo "whole $1: rc $?"; node dist/bench/whole-edits-summary.js /tmp/logs/edit-whole-$1.log | cut -c1-3000
  grep -o '"graph recording: ops queued":{"calls":[0-9]*,"ms":[0-9.]*' /tmp/logs/edit-whole-$1.log | sed 's/.*"ms"://' | tr '\n' ' '; echo; }
w shared1 dist; w base1 ab-base/dist; w shared2 dist; w base2 ab-base/dist
# the known nondeterminism (README) with graphs sharing buffers: 10 fresh processes, 3 backends each
d() { FISEDIT_HOME=/tmp/fh-$RANDOM$RANDOM BENCH_ORDER=$1 BENCH_TAG=rep$2-$1 timeout 40 node --expose-gc dist/bench/repeatability.js > /tmp/logs/rep$2-$1.log 2>&1; grep -E 'its replay [0-9]|rror' /tmp/logs/rep$2-$1.log | cut -c1-300; }
for i in 1 2 3 4 5; do d on,on,on $i; d off,off,off $i; done
echo "backends: $(cat /tmp/logs/rep*.log | grep -c "^backend [0-9] (") first edits differing from their replay: $(cat /tmp/logs/rep*.log | grep -c "its replay [0-9]")"
echo "at $(( $(date +%s) - T0 )) s: the suite"
FISEDIT_HOME=/tmp/fh-suite timeout 150 node --test --test-reporter=spec dist/test/gpu/*.test.js > /tmp/logs/test-gpu.log 2>&1
echo "suite: $(grep -E '^ℹ (pass|fail)' /tmp/logs/test-gpu.log | tr '\n' ' ')"; grep -E '^✖' /tmp/logs/test-gpu.log | cut -c1-400 | head -8
cd $OUT && mkdir -p j && mv $OUT/*.json j/ 2>/dev/null; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j
