#!/bin/bash
# For session 38's first device call (written in session 37, not run). Session 37's call 5 left the
# norm's kernels out of the dense U-Net and found, without the 61 k_group_affine launches, 10.66-10.72
# ms a 768 px call against 11.41-11.48: ~12 us a launch, where the kernel's span is ~5.5 us. But the
# left-out kernels left garbage behind them (NaN, infinities or zeros downstream), and an H200's clocks
# under its power limit depend on the data. This call separates the two:
# - ab-mix/once (…-s37-stats-once-trial-untested.diff on 8ca0318): FISEDIT_TRIAL_STATS_ONCE computes a
#   dense norm's statistics the first time (bench:unet's eager calls come first, every call takes the
#   same input) and reuses them: 'affine' leaves every k_group_affine out of the later calls and the
#   graph with the right values in place; 'both' the partial sums too. Typechecks; never run.
# - ab-mix/skip (…-s37-norm-kernels-left-out-trial.diff): call 5's garbage version, for the clocks.
# nvidia-smi samples the SM clock and power every 50 ms through each run.
# Before: build both (git apply each on a throwaway branch, bench/ab-base.sh it, mv ab-base ab-mix/NAME);
# bash bench/device-dist.sh --benches unet .gpu ab-mix.
# Carry [".gpu","dist","ab-mix","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
source .gpu/env.sh && export OUT
mkdir -p /tmp/logs
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
