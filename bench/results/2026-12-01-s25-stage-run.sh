#!/bin/bash
xz -dc .gpu/tok.xz > .gpu/fixtures/tiny-sd2/tokenizer/tokenizer.json
source .gpu/env.sh && export OUT=$OUT
mkdir -p /tmp/logs
for r in 1 2 3; do
  FISEDIT_HOME=/tmp/fh59-$r timeout 100 node --test --test-reporter=spec dist/test/gpu/*.test.js > /tmp/logs/test-gpu-$r.log 2>&1; echo "rc $?" >> /tmp/logs/test-gpu-$r.log
  echo "suite $r (fresh home): $(grep -E '^ℹ (pass|fail)' /tmp/logs/test-gpu-$r.log | tr '\n' ' ')"; grep -E "^✖|differ:|AssertionError" /tmp/logs/test-gpu-$r.log | cut -c1-600 | head -6
done
for v in base new; do
  d=dist; [ $v = base ] && d=ab-base/dist
  FISEDIT_HOME=/tmp/fh59-$v BENCH_TAG=s25-stage-$v BENCH_PARTS=whole BENCH_PREPARE=on timeout 100 node --expose-gc $d/bench/edit.js > /tmp/logs/edit-$v.log 2>&1
  echo "edit $v dense $(grep -o '"denseMs":[0-9.]*' /tmp/logs/edit-$v.log | cut -d: -f2 | tr '\n' ' ') | whole $(grep -o '"wallS":[0-9.]*' /tmp/logs/edit-$v.log | cut -d: -f2 | tr '\n' ' ') | $(grep -o 'dense edit step profile ([0-9.]* ms' /tmp/logs/edit-$v.log) | $(grep 'dense edit step profile' /tmp/logs/edit-$v.log | grep -o '{"op":"k_attend_short[^}]*}' | tr '\n' ' ')"
done
cd $OUT && mkdir -p j && mv $OUT/*.json j/ 2>/dev/null; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j
