#!/bin/bash
xz -dc .gpu/tok.xz > .gpu/fixtures/tiny-sd2/tokenizer/tokenizer.json
source .gpu/env.sh && export OUT=$OUT
mkdir -p /tmp/logs
for r in 1 2; do
  FISEDIT_HOME=/tmp/fh58-$r timeout 110 node --test --test-reporter=spec dist/test/gpu/*.test.js > /tmp/logs/test-gpu-$r.log 2>&1; echo "rc $?" >> /tmp/logs/test-gpu-$r.log
  echo "suite $r (fresh home): $(grep -E '^ℹ (pass|fail)' /tmp/logs/test-gpu-$r.log | tr '\n' ' ')"; grep -E "^✖|differ:|AssertionError" /tmp/logs/test-gpu-$r.log | cut -c1-600 | head -6
done
export FISEDIT_HOME=/tmp/fh58-bench
BENCH_TAG=s25-end BENCH_PARTS=bins,whole BENCH_PREPARE=on timeout 150 node --expose-gc dist/bench/edit.js > /tmp/logs/edit-end.log 2>&1
echo "edit end gen $(grep -o '[0-9.]* ms per dense step' /tmp/logs/edit-end.log) bins $(grep -o '"sparseStepMs":[0-9.]*' /tmp/logs/edit-end.log | cut -d: -f2 | tr '\n' ' ')| dense $(grep -o '"denseMs":[0-9.]*' /tmp/logs/edit-end.log | cut -d: -f2 | tr '\n' ' ') | whole $(grep -o '"wallS":[0-9.]*' /tmp/logs/edit-end.log | cut -d: -f2 | tr '\n' ' ') | later $(grep -o '"gpuMsPerStep":[0-9.]*' /tmp/logs/edit-end.log | cut -d: -f2 | tr '\n' ' ') | $(grep -o 'dense edit step profile ([0-9.]* ms' /tmp/logs/edit-end.log)"
cd $OUT && mkdir -p j && mv $OUT/*.json j/ 2>/dev/null; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j
