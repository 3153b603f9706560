#!/bin/bash
# Session 58 call 6: why eager 512 px U-Net calls looked slower with the per-block scopes (10.1-10.5
# ms in four scoped processes against 7.7-9.8 in six unscoped ones): bench:unet at 512 px, 30 calls,
# base (3df9018, no scopes; ab-base) and new in turn, twice, one home, each under node --cpu-prof;
# the host's time in the eager calls (frames under bench/unet.js's measure) summarised.
# Here first: bash bench/ab-base.sh 3df9018 && bash bench/device-dist.sh --benches unet,cpu-profile-summary .gpu ab-base
# Carry [".gpu","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-setup.sh
# a first process pays the library trials
FISEDIT_HOME=/tmp/fh-u BENCH_TAG=s58c6-warm BENCH_MATH=fp16 BENCH_SIZES=512 BENCH_PIPELINE=0 timeout -k 5 100 node dist/bench/unet.js > /tmp/logs/unet-warm.log 2>&1
echo "warm ($(( $(date +%s) - T0 )) s): rc $?"
for t in base-1 new-1 base-2 new-2; do
  d=dist; [ ${t%-*} = base ] && d=ab-base/dist
  FISEDIT_HOME=/tmp/fh-u BENCH_TAG=s58c6-$t BENCH_MATH=fp16 BENCH_SIZES=512 BENCH_CALLS=30 BENCH_PIPELINE=0 timeout -k 5 60 node --cpu-prof --cpu-prof-dir=/tmp/prof-$t $d/bench/unet.js > /tmp/logs/unet-$t.log 2>&1
  echo "unet $t ($(( $(date +%s) - T0 )) s): rc $? $(grep -o '"msPerCall":[0-9.]*,"msMin":[0-9.]*,"msPerCallEager":[0-9.]*\|"hostEnqueueMs":[0-9.]*' /tmp/logs/unet-$t.log | tr '\n' ' ')"
  node dist/bench/cpu-profile-summary.js /tmp/prof-$t/*.cpuprofile "measure " > /tmp/logs/prof-$t.txt 2>&1
  head -4 /tmp/logs/prof-$t.txt | cut -c1-200
  save
done
echo "done ($(( $(date +%s) - T0 )) s)"
