#!/bin/bash
# Session 38, call 2: GroupNorm's partial sums with the per-group fold spread over the block's
# threads (dist: the working tree) against 188acd4 (ab-mix/base), and the same with smaller segments
# (ab-mix/seg: FISEDIT_TRIAL_SEGMENT_VALUES, …-s38-segment-values-trial.diff; 16384 values now).
# The GPU suite on dist (the statistics' bit-equality tests); bench:unet alternating in one home
# whose trials a first process made; bins, base against dist; Nsight Compute's census of one dense
# call at 512 and 768 px for each (the norm kernels' own times).
# Before: bench/ab-base.sh HEAD -> ab-mix/base; the trial branch -> ab-mix/seg;
# bash bench/device-dist.sh --benches edit,unet .gpu ab-mix.
# Carry [".gpu","dist","ab-mix","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
source bench/gpu-suite.sh
which ncu >/dev/null || export PATH=$PATH:/usr/local/cuda/bin
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
NCU="ncu --profile-from-start off --metrics gpu__time_duration.sum --cache-control none --clock-control none --print-units base --csv"
k() { # name, dist, env
  env FISEDIT_HOME=/tmp/fh-k $3 $NCU --log-file /tmp/logs/s38c2-ncu-$1.csv env BENCH_TAG=s38c2-kernels-$1 BENCH_MATH=fp16 BENCH_PIPELINE=0 BENCH_SIZES=512,768 BENCH_CALLS=3 BENCH_KERNELS=on timeout 200 node $2/bench/unet.js > /tmp/logs/s38c2-ncu-$1-run.log 2>&1
  echo "ncu $1 ($(( $(date +%s) - T0 )) s): rc $? $(grep -h 'k_group_partial' /tmp/logs/s38c2-ncu-$1.csv | awk -F'","' '{gsub(/,/,"",$NF); gsub(/"/,"",$NF); s+=$NF; n++} END {print n, "partial launches", s/1000, "us"}')"; }
u() { # name, dist, env, round
  env FISEDIT_HOME=/tmp/fh-u $3 BENCH_TAG=s38c2-unet-$1-$4 BENCH_MATH=fp16 BENCH_SIZES=512,768 BENCH_CALLS=50 BENCH_PIPELINE=0 timeout 150 node $2/bench/unet.js > /tmp/logs/s38c2-unet-$1-$4.log 2>&1
  echo "unet $1 #$4 ($(( $(date +%s) - T0 )) s): rc $? $(grep -o '"px":[0-9]*\|"msPerCall":[0-9.]*\|"msMin":[0-9.]*' /tmp/logs/s38c2-unet-$1-$4.log | cut -d: -f2 | tr '\n' ' ')"; save; }
e() { FISEDIT_HOME=/tmp/fh-e BENCH_TAG=s38c2-$1$2 BENCH_PARTS=bins timeout 100 node $3/bench/edit.js > /tmp/logs/s38c2-edit-$1$2.log 2>&1
  echo "edit $1$2 ($(( $(date +%s) - T0 )) s): $(grep -o '"editSize":[0-9.]*,"sparseStepMs":[0-9.]*' /tmp/logs/s38c2-edit-$1$2.log | sed 's/"editSize"://; s/"sparseStepMs"://' | tr '\n' ' ') $(grep -o 'rror.*' /tmp/logs/s38c2-edit-$1$2.log | head -1)"; save; }
u warm ab-mix/base/dist
for i in 1 2; do u base ab-mix/base/dist '' $i; u fold dist '' $i; u seg4k ab-mix/seg/dist FISEDIT_TRIAL_SEGMENT_VALUES=4096 $i; u seg8k ab-mix/seg/dist FISEDIT_TRIAL_SEGMENT_VALUES=8192 $i; done
for i in 1 2; do e base $i ab-mix/base/dist; e fold $i dist; done
k base ab-mix/base/dist; k fold dist; k seg4k ab-mix/seg/dist FISEDIT_TRIAL_SEGMENT_VALUES=4096
xz -f /tmp/logs/s38c2-ncu-*.csv; save
