#!/bin/bash
# Session 38 call 1: the GPU suite on 188acd4 (its refactor had not run on a GPU), then session 37's
# next run (bench/results/2026-12-02-s37-next-run.sh), unchanged below the suite: the stats-once trial
# (real data, norms' kernels left out of later calls) against call 5's garbage skip, nvidia-smi sampling.
source bench/gpu-suite.sh
T0=$(date +%s)


save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
u() { # build, env name, value, round
  nvidia-smi --query-gpu=timestamp,clocks.sm,power.draw --format=csv -lms 50 > /tmp/logs/smi-$1-$3-$4.csv 2>&1 & local smi=$!
  env FISEDIT_HOME=/tmp/fh-n $2=${3/none/} BENCH_TAG=s38-unet-$1-$3-$4 BENCH_MATH=fp16 BENCH_SIZES=512,768 BENCH_CALLS=50 BENCH_PIPELINE=0 timeout 150 node ab-mix/$1/dist/bench/unet.js > /tmp/logs/unet-$1-$3-$4.log 2>&1
  local rc=$?; kill $smi
  echo "unet $1 $3 #$4 ($(( $(date +%s) - T0 )) s): rc $rc $(grep -o '"px":[0-9]*\|"msPerCall":[0-9.]*\|"msMin":[0-9.]*' /tmp/logs/unet-$1-$3-$4.log | cut -d: -f2 | tr '\n' ' ') smi median MHz/W: $(awk -F', ' 'NR>1 {print $2+0, $3+0}' /tmp/logs/smi-$1-$3-$4.csv | sort -n | awk '{a[NR]=$0} END {print a[int(NR/2)+1]}')"; save; }
for i in 1 2; do
  u once FISEDIT_TRIAL_STATS_ONCE none $i; u once FISEDIT_TRIAL_STATS_ONCE affine $i; u once FISEDIT_TRIAL_STATS_ONCE both $i
  u skip FISEDIT_TRIAL_SKIP affine $i
done
