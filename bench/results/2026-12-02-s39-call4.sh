#!/bin/bash
# Session 39's fourth device call: the timing trials' scratch as one allocation the driver keeps and
# grows (Driver.trialScratch, the working tree then: …-s39-trial-scratch-kept-trial.diff, not kept),
# where each trial allocated and freed its own, against ccfbbc0 (ab-base/).
# Calls 2-3 found a home's first process (the one that runs the trials) 2-3% slower at 512 px for its
# whole life (512 px only: the device time left). The GPU suite with the new code first (its fresh home runs the trials), then fresh homes
# alternating base / new, twice, and a later process in each first pair's home.
# Before: bash bench/ab-base.sh ccfbbc0; bash bench/device-dist.sh --benches unet .gpu ab-base.
# Carry [".gpu","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
source bench/gpu-suite.sh
cp /tmp/logs/test-gpu.log $OUT/s39-call4-test-gpu.log
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
# px msPerCall msMin (synchronised), backToBack msPerCall, joulesPerCall, watts, per size
u() { FISEDIT_HOME=/tmp/$2 BENCH_TAG=s39c4-unet-$1-$2-$3 BENCH_MATH=fp16 BENCH_SIZES=512 BENCH_CALLS=50 BENCH_ENERGY_S=1 BENCH_PIPELINE=0 timeout 150 node $4/bench/unet.js > /tmp/logs/s39c4-unet-$1-$2-$3.log 2>&1; rc=$?
  echo "unet $1 $2 $3 ($(( $(date +%s) - T0 )) s): rc $rc $(grep -o '"px":[0-9]*\|"msPerCall":[0-9.]*\|"joulesPerCall":[0-9.a-z]*\|"watts":[0-9a-z]*' /tmp/logs/s39c4-unet-$1-$2-$3.log | cut -d: -f2 | tr '\n' ' ')"; save; }
u base hb1 first ab-base/dist; u new hn1 first dist; u base hb2 first ab-base/dist; u new hn2 first dist
u base hb1 later ab-base/dist; u new hn1 later dist
