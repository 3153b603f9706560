#!/bin/bash
# Session 30, call 4: capture() makes programmatic edges into library kernels plain. The GPU suite
# (with its new 100-replay test), bench:repeatability's 150 replays in 3 processes, the whole edits,
# and bench:unet at 768 px against 297bbce (ab-base) in alternating processes.
T0=$(date +%s)
[ -f .gpu/tok.xz ] && xz -dc .gpu/tok.xz > .gpu/fixtures/tiny-sd2/tokenizer/tokenizer.json
[ -f .gpu/masks.xz ] && mkdir -p .gpu/data && xz -dc .gpu/masks.xz > .gpu/data/masks-dev-300.bin
source .gpu/env.sh && export OUT && mkdir -p /tmp/logs
FISEDIT_HOME=/tmp/fh-suite timeout 200 node --test --test-reporter=spec dist/test/gpu/*.test.js > /tmp/logs/test-gpu.log 2>&1
echo "suite ($(( $(date +%s) - T0 )) s): $(grep -E '^ℹ (pass|fail)' /tmp/logs/test-gpu.log | tr '\n' ' ')"; grep -E '^✖|made plain' /tmp/logs/test-gpu.log | cut -c1-600 | head -8
d() { FISEDIT_HOME=/tmp/fh-$RANDOM$RANDOM BENCH_REPLAYS=150 BENCH_ORDER=on BENCH_TAG=fixed$1 timeout 60 node --expose-gc dist/bench/repeatability.js > /tmp/logs/fixed$1.log 2>&1; echo "rep $1 ($(( $(date +%s) - T0 )) s): $(grep -E 'replays parted|rror' /tmp/logs/fixed$1.log | cut -c1-400)"; }
d 1; d 2; d 3
u() { FISEDIT_HOME=/tmp/fh-unet BENCH_TAG=s30-$1 BENCH_SIZES=768 BENCH_MATH=fp16 timeout 120 node --expose-gc $2/bench/unet.js > /tmp/logs/unet-$1.log 2>&1; echo "unet $1 ($(( $(date +%s) - T0 )) s): $(grep -o '"msPerCall":[0-9.]*,"msMin":[0-9.]*,"msPerCallEager":[0-9.]*' /tmp/logs/unet-$1.log | tr '\n' ' ') $(grep -o 'rror.*' /tmp/logs/unet-$1.log | head -2)"; }
u warm dist; u new1 dist; u base1 ab-base/dist; u new2 dist; u base2 ab-base/dist
FISEDIT_HOME=/tmp/fh-whole BENCH_TAG=s30-whole-fixed BENCH_PARTS=whole BENCH_PREPARE=on timeout 150 node --expose-gc dist/bench/edit.js > /tmp/logs/edit-whole-fixed.log 2>&1
echo "whole ($(( $(date +%s) - T0 )) s): rc $?"; node dist/bench/whole-edits-summary.js /tmp/logs/edit-whole-fixed.log | cut -c1-3000
grep -o '"graph recording: ops queued":{"calls":[0-9]*,"ms":[0-9.]*' /tmp/logs/edit-whole-fixed.log | sed 's/.*"ms"://' | tr '\n' ' '; echo
cd $OUT && mkdir -p j && mv $OUT/*.json j/ 2>/dev/null; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j
