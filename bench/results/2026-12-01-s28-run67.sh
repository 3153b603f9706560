#!/bin/bash
# Session 28, call 2: why golden.test.ts's dependent-launches test failed in call 1 (diag-pdl.mjs:
# backends with and without dependent launches in a few orders, fresh and timed homes, what each
# borrowed), the golden file alone; then the pipelined flash kernel's sparse steps A/B, alternating.
[ -f .gpu/tok.xz ] && xz -dc .gpu/tok.xz > .gpu/fixtures/tiny-sd2/tokenizer/tokenizer.json
[ -f .gpu/masks.xz ] && mkdir -p .gpu/data && xz -dc .gpu/masks.xz > .gpu/data/masks-dev-300.bin
source .gpu/env.sh && export OUT && mkdir -p /tmp/logs
for o in on,off,on off,on,off; do
  echo "== fresh home, $o"; FISEDIT_HOME=/tmp/fh-d-$o timeout 60 node .gpu/diag-pdl.mjs $o 2>&1 | cut -c1-1500
  echo "== same home again, $o"; FISEDIT_HOME=/tmp/fh-d-$o timeout 60 node .gpu/diag-pdl.mjs $o 2>&1 | cut -c1-1500
done
echo "== golden file alone, fresh home"
FISEDIT_HOME=/tmp/fh-g timeout 120 node --test --test-reporter=spec dist/test/gpu/golden.test.js > /tmp/logs/golden-alone.log 2>&1; echo "rc $?"
grep -E '^ℹ (pass|fail)|^✖' /tmp/logs/golden-alone.log | head
for r in 1 2; do for v in off on; do
  FISEDIT_HOME=/tmp/fh-bins BENCH_PARTS=bins BENCH_WGMMA_PIPELINE=$v BENCH_TAG=pipe-bins-$v$r timeout 100 node --expose-gc dist/bench/edit.js > /tmp/logs/edit-bins-$v$r.log 2>&1
  echo "edit bins $v$r: $(grep -o '"sparseStepMs":[0-9.]*' /tmp/logs/edit-bins-$v$r.log | cut -d: -f2 | tr '\n' ' ')"
done; done
cd $OUT && mkdir -p j && mv $OUT/*.json j/ 2>/dev/null; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j
