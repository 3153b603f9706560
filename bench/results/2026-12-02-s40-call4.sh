#!/bin/bash
# Session 40 call 4. Calls 1-2 ruled out where our kernels' code is loaded and where the trials'
# scratch lies as causes of a first process's slower 512 px calls. Next suspect: the context's limits,
# which a library kernel can grow for the rest of the process (the stack size, when a candidate needs
# more local memory than any kernel before it). FISEDIT_TRIAL_LIMITS=1 prints the context's limits
# (stack, printf FIFO, malloc heap, L2 fetch granularity, persisting L2) when the driver opens and at
# exit; =reset also sets the stack size back to its opening value after each timing trial
# (…-s40-context-limits-trial.diff). Fresh homes, first and later processes, alternating.
# Before: bash bench/device-dist.sh --benches unet .gpu.
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
source .gpu/env.sh && export OUT
rm -rf /tmp/logs; mkdir -p /tmp/logs
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
# px msPerCall msMin msPerCallEager, backToBack msPerCall joulesPerCall; the limits line
u() { FISEDIT_TRIAL_LIMITS=$1 FISEDIT_HOME=/tmp/$2 BENCH_TAG=s40c4-unet-$2-$3 BENCH_MATH=fp16 BENCH_SIZES=512 BENCH_CALLS=50 BENCH_ENERGY_S=1 BENCH_PIPELINE=0 timeout 150 node dist/bench/unet.js > /tmp/logs/s40c4-unet-$2-$3.log 2>&1; rc=$?
  echo "unet limits=$1 $2 $3 ($(( $(date +%s) - T0 )) s): rc $rc $(grep -o '"px":[0-9]*\|"msPerCall":[0-9.]*\|"msMin":[0-9.]*\|"msPerCallEager":[0-9.]*\|"joulesPerCall":[0-9.a-z]*' /tmp/logs/s40c4-unet-$2-$3.log | cut -d: -f2 | tr '\n' ' ')"
  grep -o 'context limits.*' /tmp/logs/s40c4-unet-$2-$3.log; save; }
u 1 hp1 first; u reset hr1 first; u 1 hp2 first; u reset hr2 first; u 1 hp1 later; u reset hr1 later; u 1 hp2 later; u reset hr2 later
