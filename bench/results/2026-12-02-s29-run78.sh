#!/bin/bash
# Session 29, call 6: what the kept recordings hold in device memory: bench:edit's whole edits once
# (fresh home), each edit's record now giving the bytes every recorded graph holds after it.
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
[ -f .gpu/tok.xz ] && xz -dc .gpu/tok.xz > .gpu/fixtures/tiny-sd2/tokenizer/tokenizer.json
[ -f .gpu/masks.xz ] && mkdir -p .gpu/data && xz -dc .gpu/masks.xz > .gpu/data/masks-dev-300.bin
source .gpu/env.sh && export OUT && mkdir -p /tmp/logs
FISEDIT_HOME=/tmp/fh78 BENCH_TAG=s29-whole-memory BENCH_PARTS=whole BENCH_PREPARE=on timeout 200 node --expose-gc dist/bench/edit.js > /tmp/logs/edit-whole-memory.log 2>&1
echo "whole: rc $?"; node dist/bench/whole-edits-summary.js /tmp/logs/edit-whole-memory.log | cut -c1-5000
grep -E "^generation|capacity" /tmp/logs/edit-whole-memory.log | cut -c1-300 | head -3
cd $OUT && mkdir -p j && mv $OUT/*.json j/ 2>/dev/null; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j
