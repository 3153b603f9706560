#!/bin/bash
# Session 38, call 3: bench:unet's new back-to-back figures (the calls queued without a wait, their
# time and the energy NVML's counter says they took: at 768 px the H200 runs at its power limit,
# call 1), twice in a fresh home; then GroupNorm segments of 32768 values (ab-mix/seg,
# FISEDIT_TRIAL_SEGMENT_VALUES, …-s38-segment-values-trial.diff on 188acd4) against 16384 (dist)
# at 512 px, alternating (4096 and 8192 were slower in call 2).
# Before: the trial branch -> ab-mix/seg; bash bench/device-dist.sh --benches unet .gpu ab-mix.
# Carry [".gpu","dist","ab-mix","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
source .gpu/env.sh && export OUT
mkdir -p /tmp/logs
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
u() { # name, dist, sizes, env
  env FISEDIT_HOME=/tmp/fh-u3 $4 BENCH_TAG=s38c3-unet-$1 BENCH_MATH=fp16 BENCH_SIZES=$3 BENCH_CALLS=50 BENCH_PIPELINE=0 timeout 150 node $2/bench/unet.js > /tmp/logs/s38c3-unet-$1.log 2>&1
  echo "unet $1 ($(( $(date +%s) - T0 )) s): rc $? $(grep -o '"px":[0-9]*\|"msPerCall":[0-9.]*\|"msMin":[0-9.]*\|"smMHz":[0-9]*\|"joulesPerCall":[0-9.a-z]*\|"watts":[0-9a-z]*' /tmp/logs/s38c3-unet-$1.log | cut -d: -f2 | tr '\n' ' ')"; save; }
u energy-1 dist 512,768; u energy-2 dist 512,768
for i in 1 2; do u seg32k-$i ab-mix/seg/dist 512 FISEDIT_TRIAL_SEGMENT_VALUES=32768; u seg16k-$i dist 512; done
