#!/bin/bash
# Session 38, call 4: bench:unet's back-to-back energy over 3 s of calls (call 3's 50 calls were too
# few for NVML's energy counter: 560-860 W at 512 px where the power readings said ~350), twice in a
# home whose trials a first process made.
# Before: bash bench/device-dist.sh --benches unet .gpu. Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
source .gpu/env.sh && export OUT
mkdir -p /tmp/logs
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
u() { FISEDIT_HOME=/tmp/fh-u4 BENCH_TAG=s38c4-unet-$1 BENCH_MATH=fp16 BENCH_SIZES=512,768 BENCH_CALLS=50 BENCH_PIPELINE=0 timeout 150 node dist/bench/unet.js > /tmp/logs/s38c4-unet-$1.log 2>&1
  echo "unet $1 ($(( $(date +%s) - T0 )) s): rc $? $(grep -o '"px":[0-9]*\|"msPerCall":[0-9.]*\|"smMHz":[0-9]*\|"powerW":[0-9]*\|"joulesPerCall":[0-9.a-z]*\|"watts":[0-9a-z]*' /tmp/logs/s38c4-unet-$1.log | cut -d: -f2 | tr '\n' ' ')"; save; }
u 1; u 2; u 3
