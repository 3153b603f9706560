#!/bin/bash
# Session 27: k_flash_wg64's softmax exponentials two at a time in fp16 (ex2.approx.f16x2); ab-base = HEAD
# before it (exp2f per element). The GPU suite (attention against the cpu, goldens, edits), then
# bench:unet at 512 and 768 px A/B twice in one home (its first run pays the trials).
xz -dc .gpu/tok.xz > .gpu/fixtures/tiny-sd2/tokenizer/tokenizer.json; xz -dc .gpu/masks.xz > .gpu/data/masks-dev-300.bin
source .gpu/env.sh && export OUT=$OUT
mkdir -p /tmp/logs
FISEDIT_HOME=/tmp/fh64-suite timeout 150 node --test --test-reporter=spec dist/test/gpu/*.test.js > /tmp/logs/test-gpu.log 2>&1; echo "rc $?" >> /tmp/logs/test-gpu.log
echo "suite: $(grep -E '^ℹ (pass|fail)' /tmp/logs/test-gpu.log | tr '\n' ' ')"; grep -E "^✖|differ|attention" /tmp/logs/test-gpu.log | cut -c1-300 | head -12
for r in 1 2; do
for v in base new; do
  d=dist; [ $v = base ] && d=ab-base/dist
  FISEDIT_HOME=/tmp/fh64 BENCH_MATH=fp16 BENCH_SIZES=512,768 BENCH_TAG=s27-ex2-$v$r timeout 150 node $d/bench/unet.js > /tmp/logs/unet-$v$r.log 2>&1
  echo "unet $v$r: $(ls $OUT/*s27-ex2-$v$r*.json | head -1 | xargs -I{} node -e 'const j=require("{}"); console.log(j.results.filter((r)=>r.px).map((r)=>`${r.px}px ${r.msPerCall} ms (min ${r.msMin})`).join(", "))')"
done
done
cd $OUT && mkdir -p j && mv $OUT/*.json j/ 2>/dev/null; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j
