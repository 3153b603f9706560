#!/bin/bash
xz -dc .gpu/tok.xz > .gpu/fixtures/tiny-sd2/tokenizer/tokenizer.json
source .gpu/env.sh && export OUT=$OUT
mkdir -p /tmp/logs
for r in 1 2; do
  FISEDIT_HOME=/tmp/fh55-$r timeout 110 node --test --test-reporter=spec dist/test/gpu/*.test.js > /tmp/logs/test-gpu-$r.log 2>&1; echo "rc $?" >> /tmp/logs/test-gpu-$r.log
  echo "suite $r (fresh home): $(grep -E '^ℹ (pass|fail)' /tmp/logs/test-gpu-$r.log | tr '\n' ' ')"; grep -E "^✖|differ:" /tmp/logs/test-gpu-$r.log | cut -c1-2000 | head -4
done
export FISEDIT_HOME=/tmp/fh55-bench
BENCH_MATH=fp16 BENCH_TAG=s25-final timeout 160 node dist/bench/unet.js > /tmp/logs/unet-final.log 2>&1
echo "unet final $(grep -o '"px":[0-9]*\|"msPerCall":[0-9.]*\|"tflops":[0-9.]*\|"peakGpuGiB":[0-9.]*\|"launchesPerCall":[0-9.]*' /tmp/logs/unet-final.log | cut -d: -f2 | tr '\n' ' ') t2i $(grep -o '"seconds":[0-9.]*\|"ms":[0-9.]*,"profiledMs"' /tmp/logs/unet-final.log | head -3 | tr '\n' ' ')"
BENCH_TAG=s25-final BENCH_PARTS=bins,whole BENCH_PREPARE=on timeout 200 node --expose-gc dist/bench/edit.js > /tmp/logs/edit-final.log 2>&1
echo "edit final $(grep -o '"sparseStepMs":[0-9.]*' /tmp/logs/edit-final.log | cut -d: -f2 | tr '\n' ' ')| whole $(grep -o '"editSize":[0-9.]*,"wallS":[0-9.]*' /tmp/logs/edit-final.log | tr '\n' ' ') | later $(grep -o '"gpuMsPerStep":[0-9.]*' /tmp/logs/edit-final.log | cut -d: -f2 | tr '\n' ' ')"
cd $OUT && mkdir -p j && mv $OUT/*.json j/ 2>/dev/null; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j
