#!/bin/bash
# Session 28, call 4: wgmmaPipeline 'auto' (k_flash_wg64_pipe where a launch is one wave of it): the
# GPU suite, then bench:unet (512, 768 px) and bench:edit's bins with auto and off, alternating, one
# home; then how often a fresh process's first recorded edit differs from its later ones
# (diag-pdl.mjs, fresh homes: dependent launches on, off, mixed; GC=1 collects before each edit).
source bench/gpu-suite.sh
for r in 1 2; do for v in off auto; do
  FISEDIT_HOME=/tmp/fh-unet BENCH_MATH=fp16 BENCH_SIZES=512,768 BENCH_PIPELINE=0 BENCH_WGMMA_PIPELINE=$v BENCH_TAG=pipe-$v$r timeout 100 node dist/bench/unet.js > /tmp/logs/unet-$v$r.log 2>&1
  echo "unet $v$r: $(node -e 'const j=require(process.argv[1]); console.log(j.results.filter((r)=>r.px).map((r)=>`${r.px}px ${r.msPerCall} ms (min ${r.msMin})`).join(" | "))' $(ls $OUT/*pipe-$v$r*.json | head -1))"
done; done
for r in 1 2; do for v in off auto; do
  FISEDIT_HOME=/tmp/fh-unet BENCH_PARTS=bins BENCH_WGMMA_PIPELINE=$v BENCH_TAG=pipe-bins-$v$r timeout 100 node --expose-gc dist/bench/edit.js > /tmp/logs/edit-bins-$v$r.log 2>&1
  echo "edit bins $v$r: $(grep -o '"sparseStepMs":[0-9.]*' /tmp/logs/edit-bins-$v$r.log | cut -d: -f2 | tr '\n' ' ')"
done; done
d() { echo "$1 GC=${GC:-} $(FISEDIT_HOME=/tmp/fh-$RANDOM$RANDOM timeout 40 node --expose-gc .gpu/diag-pdl.mjs $1 2>&1 | grep -E '^run [0-9]+:|rror' | sed 's/, edit vs eager.*//' | tr '\n' ';' | cut -c1-300)"; }
for i in 1 2 3 4; do GC=1 d on,on; GC=1 d off,off; d on,off,on; done
cd $OUT && mkdir -p j && mv $OUT/*.json j/ 2>/dev/null; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j
