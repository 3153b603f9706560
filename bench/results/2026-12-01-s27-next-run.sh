#!/bin/bash
# For session 28's first device call (written in session 27, which had no device time left):
# k_flash_wg64_pipe (CudaOptions.wgmmaPipeline, default off; written without a GPU). The GPU suite
# (the pipelined kernel bit for bit against k_flash_wg64, which session 27 also rebuilt from shared
# pieces), then bench:unet at 512 and 768 px with the pipeline off and on, alternating processes, one
# home (its first run pays the trials); then bench:edit's bins (sparse steps' attention splits keys).
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"]; move
# node_modules/@koromix/koffi-linux-x64/musl_x64 out first (the 64 MiB limit), back afterwards.
source bench/gpu-suite.sh
grep -E "k_flash_wg64_pipe" /tmp/logs/test-gpu.log | cut -c1-400 | head -4
for r in 1 2; do
for v in off on; do
  FISEDIT_HOME=/tmp/fh-unet BENCH_MATH=fp16 BENCH_SIZES=512,768 BENCH_PIPELINE=0 BENCH_WGMMA_PIPELINE=$v BENCH_TAG=pipe-$v$r timeout 150 node dist/bench/unet.js > /tmp/logs/unet-$v$r.log 2>&1
  echo "unet $v$r: $(node -e 'const j=require(process.argv[1]); console.log(j.results.filter((r)=>r.px).map((r)=>`${r.px}px ${r.msPerCall} ms (min ${r.msMin}); attention ${r.profile.filter((o)=>o.op.startsWith("k_flash")).map((o)=>`${o.op} ${o.ms}`).join(", ")}`).join(" | "))' $(ls $OUT/*pipe-$v$r*.json | head -1))"
done
done
for v in off on; do
  FISEDIT_HOME=/tmp/fh-unet BENCH_PARTS=bins BENCH_WGMMA_PIPELINE=$v BENCH_TAG=pipe-bins-$v timeout 150 node --expose-gc dist/bench/edit.js > /tmp/logs/edit-bins-$v.log 2>&1
  echo "edit bins $v: $(grep -o '"sparseStepMs":[0-9.]*' /tmp/logs/edit-bins-$v.log | cut -d: -f2 | tr '\n' ' ')"
done
cd $OUT && mkdir -p j && mv $OUT/*.json j/ 2>/dev/null; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j
