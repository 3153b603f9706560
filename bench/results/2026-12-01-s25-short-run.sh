#!/bin/bash
xz -dc .gpu/tok.xz > .gpu/fixtures/tiny-sd2/tokenizer/tokenizer.json
source .gpu/env.sh && export OUT=$OUT
mkdir -p /tmp/logs
FISEDIT_HOME=/tmp/fh56-suite timeout 120 node --test --test-reporter=spec dist/test/gpu/*.test.js > /tmp/logs/test-gpu.log 2>&1; echo "rc $?" >> /tmp/logs/test-gpu.log
echo "suite: $(grep -E '^ℹ (pass|fail)' /tmp/logs/test-gpu.log | tr '\n' ' ')"; grep -E "^✖|differ:" /tmp/logs/test-gpu.log | cut -c1-1500 | head -6
grep -A12 "✖ attention: self" /tmp/logs/test-gpu.log | head -14
for r in 1 2; do
  for v in base new; do
    d=dist; [ $v = base ] && d=ab-base/dist
    FISEDIT_HOME=/tmp/fh56-$v BENCH_TAG=s25-short-$v$r BENCH_PARTS=bins,whole BENCH_PREPARE=on timeout 110 node --expose-gc $d/bench/edit.js > /tmp/logs/edit-$v$r.log 2>&1
    echo "edit $v$r gen $(grep -o '[0-9.]* ms per dense step' /tmp/logs/edit-$v$r.log) bins $(grep -o '"sparseStepMs":[0-9.]*' /tmp/logs/edit-$v$r.log | cut -d: -f2 | tr '\n' ' ')| dense $(grep -o '"denseMs":[0-9.]*' /tmp/logs/edit-$v$r.log | cut -d: -f2 | tr '\n' ' ') | whole $(grep -o '"wallS":[0-9.]*' /tmp/logs/edit-$v$r.log | cut -d: -f2 | tr '\n' ' ') | profile $(grep -o 'dense edit step profile ([0-9.]* ms' /tmp/logs/edit-$v$r.log)"
  done
done
cd $OUT && mkdir -p j && mv $OUT/*.json j/ 2>/dev/null; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j
