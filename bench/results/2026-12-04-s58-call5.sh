#!/bin/bash
# Session 58 call 5: the session's final code (the scopes' result rule now one function,
# tensor.ts scopeResults, which the cuda device's tidy calls): the GPU suite, then bench:unet 512 and
# 768 px twice in one home. Here first: bash bench/device-dist.sh --benches unet .gpu
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-suite.sh
for t in 1 2; do
  FISEDIT_HOME=/tmp/fh-u BENCH_TAG=s58c5-unet-$t BENCH_MATH=fp16 BENCH_SIZES=512,768 BENCH_PIPELINE=0 timeout -k 5 120 node dist/bench/unet.js > /tmp/logs/unet-$t.log 2>&1
  echo "unet $t ($(( $(date +%s) - T0 )) s): rc $? $(grep -o '"px":[0-9]*,"batch":2,"msPerCall":[0-9.]*,"msMin":[0-9.]*,"msPerCallEager":[0-9.]*,"clocks":[^}]*},"backToBack":{[^}]*}\|"peakGpuGiB":[0-9.]*' /tmp/logs/unet-$t.log | sed 's/"clocks":[^}]*},//' | tr '\n' ' ')"
  save
done
echo "done ($(( $(date +%s) - T0 )) s)"
