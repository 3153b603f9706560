#!/bin/bash
# Session 38, call 5: are the library choices that the timing trials make (short bursts, at full
# clock) the ones that take least energy, now that a pipeline's calls run at the power limit (call 4)?
# bench:unet at 512 and 768 px, one home whose trials a first process made, with cuBLASLt's and
# cuDNN's choices timed (the default) or their heuristics' first (BENCH_GEMM_ALGOS,
# BENCH_CUDNN_ENGINES), each alone and both; back-to-back ms, J a call and watts over 3 s.
# Before: bash bench/device-dist.sh --benches unet .gpu. Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
source .gpu/env.sh && export OUT
mkdir -p /tmp/logs
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
u() { # name, env
  env FISEDIT_HOME=/tmp/fh-u5 $2 BENCH_TAG=s38c5-unet-$1 BENCH_MATH=fp16 BENCH_SIZES=512,768 BENCH_CALLS=30 BENCH_PIPELINE=0 timeout 150 node dist/bench/unet.js > /tmp/logs/s38c5-unet-$1.log 2>&1
  echo "unet $1 ($(( $(date +%s) - T0 )) s): rc $? $(grep -o '"px":[0-9]*\|"msPerCall":[0-9.]*\|"smMHz":[0-9]*\|"joulesPerCall":[0-9.a-z]*\|"watts":[0-9a-z]*' /tmp/logs/s38c5-unet-$1.log | cut -d: -f2 | tr '\n' ' ')"; save; }
u warm
u timed-1; u gemm-heur BENCH_GEMM_ALGOS=heuristic; u cudnn-heur BENCH_CUDNN_ENGINES=heuristic; u both-heur "BENCH_GEMM_ALGOS=heuristic BENCH_CUDNN_ENGINES=heuristic"; u timed-2
