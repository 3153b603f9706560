#!/bin/bash
# Session 26's change (ab-base = 0888008, the session's start): the GPU suite (with the two urgently tests),
# then whole edits A/B twice (BENCH_PARTS=whole BENCH_PREPARE=on, fresh homes): the first sparse steps' trials.
xz -dc .gpu/tok.xz > .gpu/fixtures/tiny-sd2/tokenizer/tokenizer.json
source .gpu/env.sh && export OUT=$OUT
mkdir -p /tmp/logs
FISEDIT_HOME=/tmp/fh60-suite timeout 150 node --test --test-reporter=spec dist/test/gpu/*.test.js > /tmp/logs/test-gpu.log 2>&1; echo "rc $?" >> /tmp/logs/test-gpu.log
echo "suite: $(grep -E '^ℹ (pass|fail)' /tmp/logs/test-gpu.log | tr '\n' ' ')"; grep -E "^✖|differ:" /tmp/logs/test-gpu.log | cut -c1-1500 | head -6
for r in 1 2; do
for v in base new; do
  d=dist; [ $v = base ] && d=ab-base/dist
  FISEDIT_HOME=/tmp/fh60-$v$r BENCH_TAG=s26-borrow-$v$r BENCH_PARTS=whole BENCH_PREPARE=on timeout 120 node --expose-gc $d/bench/edit.js > /tmp/logs/edit-$v$r.log 2>&1
  echo "edit $v$r whole $(grep -o '"wallS":[0-9.]*' /tmp/logs/edit-$v$r.log | cut -d: -f2 | tr '\n' ' ') | first $(grep -o '"firstSparseStepMs":[0-9.]*' /tmp/logs/edit-$v$r.log | cut -d: -f2 | tr '\n' ' ') | later $(grep -o '"gpuMsPerStep":[0-9.]*' /tmp/logs/edit-$v$r.log | cut -d: -f2 | tr '\n' ' ') | edits with trials $(grep '^whole' /tmp/logs/edit-$v$r.log | grep -c 'timing trials')"
done
done
cd $OUT && mkdir -p j && mv $OUT/*.json j/ 2>/dev/null; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j
