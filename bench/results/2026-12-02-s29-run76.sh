#!/bin/bash
# Session 29, call 4: library kernels as programmatic dependents (CudaOptions.libraryDependentLaunches,
# off by default). First its GPU test (each GEMM and convolution recorded after k_hold, which writes
# their input 0.3 ms after letting them launch: a library kernel that does not wait reads it before);
# only if that passes, bench:unet (512, 768 px) and bench:edit's bins with it off and on, alternating,
# one home; then the whole GPU suite (the k_hold change).
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
[ -f .gpu/tok.xz ] && xz -dc .gpu/tok.xz > .gpu/fixtures/tiny-sd2/tokenizer/tokenizer.json
[ -f .gpu/masks.xz ] && mkdir -p .gpu/data && xz -dc .gpu/masks.xz > .gpu/data/masks-dev-300.bin
source .gpu/env.sh && export OUT && mkdir -p /tmp/logs
FISEDIT_HOME=/tmp/fh-unet timeout 120 node --test --test-reporter=spec --test-name-pattern="library kernels as programmatic" dist/test/gpu/ops.test.js > /tmp/logs/pdl-test.log 2>&1
echo "library-dependents test: rc $? $(grep -E '^ℹ (pass|fail)' /tmp/logs/pdl-test.log | tr '\n' ' ')"; grep -E "edges made|✖|max abs|Error" /tmp/logs/pdl-test.log | cut -c1-1500 | head -12
if grep -q "^ℹ fail 0" /tmp/logs/pdl-test.log && grep -q "^ℹ pass 1" /tmp/logs/pdl-test.log; then
  FISEDIT_HOME=/tmp/fh-unet BENCH_MATH=fp16 BENCH_SIZES=512,768 BENCH_PIPELINE=0 BENCH_LIBRARY_DEPENDENTS=off,on,off,on BENCH_TAG=libdep timeout 200 node dist/bench/unet.js > /tmp/logs/unet-libdep.log 2>&1
  echo "unet (off,on,off,on): rc $? $(node -e 'const j=require(process.argv[1]); console.log(j.results.filter((r)=>r.px).map((r)=>`${r.libraryDependents} ${r.px}px ${r.msPerCall} ms (min ${r.msMin})`).join(" | "))' $(ls $OUT/*libdep*.json | head -1))"
  for r in 1 2; do for v in off on; do
    [ $(( $(date +%s) - T0 )) -gt 430 ] && break 2
    FISEDIT_HOME=/tmp/fh-unet BENCH_PARTS=bins BENCH_LIBRARY_DEPENDENTS=$v BENCH_TAG=libdep-bins-$v$r timeout 100 node --expose-gc dist/bench/edit.js > /tmp/logs/edit-bins-$v$r.log 2>&1
    echo "edit bins $v$r: $(grep -o '"sparseStepMs":[0-9.]*' /tmp/logs/edit-bins-$v$r.log | cut -d: -f2 | tr '\n' ' ')"
  done; done
fi
echo "at $(( $(date +%s) - T0 )) s: the suite"
FISEDIT_HOME=/tmp/fh-suite timeout 150 node --test --test-reporter=spec dist/test/gpu/*.test.js > /tmp/logs/test-gpu.log 2>&1
echo "suite: $(grep -E '^ℹ (pass|fail)' /tmp/logs/test-gpu.log | tr '\n' ' ')"; grep -E '^✖' /tmp/logs/test-gpu.log | cut -c1-400 | head -8
cd $OUT && mkdir -p j && mv $OUT/*.json j/ 2>/dev/null; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j
