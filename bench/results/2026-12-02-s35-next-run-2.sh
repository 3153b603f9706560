#!/bin/bash
# For session 36's second device call (written in session 35, not run): cuBLASLt's timing trials with
# cold weights (bench/results/2026-12-02-s35-gemm-trials-cold-weights-untested.diff: each timed run
# reads the next of enough copies of the weights to pass any L2, trials.ts COLD_BYTES; its choices
# kept apart in the store). Session 35's censuses found one family, the 768 px sparse step's 12 x 12
# convolutions (288 x 1280 x 11520, 20 launches a step), run by nvjet 128x96 splitK at 16.1 us a
# launch in some processes and by 128x80 splitK at 27.6 us in others (…-s35-call4-kernels-*-5.log,
# …-s35-call5-kernels-new-5.log, …-s31-run2-kernels-sparse.log): ~230 us of a ~5% step, chosen by
# trials that time each candidate three times back to back on the same operands, the 29.5 MB of
# weights then in L2, as a step never has them. This call: bench:edit's bins, each run in a fresh home
# (fresh trials), base and new alternating three times, and a census of a ~5% step for each (which
# algorithm each picked). Success: new's 5% steps no slower than base's best, and its census the
# 16 us algorithm every time.
# Before: bench/ab-base.sh HEAD (without the diff); git apply the diff; bench/device-dist.sh .gpu-lite ab-base.
# Carry [".gpu-lite","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
mkdir -p .gpu-lite/data /tmp/logs && xz -dc .gpu-lite/masks.xz > .gpu-lite/data/masks-dev-300.bin; source .gpu-lite/env.sh && export OUT
which ncu >/dev/null || export PATH=$PATH:/usr/local/cuda/bin
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
e() { FISEDIT_HOME=/tmp/fh-e-$1$2 BENCH_TAG=s36c2-$1$2 BENCH_PARTS=bins timeout 100 node $3/bench/edit.js > /tmp/logs/edit-$1$2.log 2>&1
  echo "edit $1$2 ($(( $(date +%s) - T0 )) s): $(grep -o '"editSize":[0-9.]*,"sparseStepMs":[0-9.]*' /tmp/logs/edit-$1$2.log | sed 's/"editSize"://; s/"sparseStepMs"://' | tr '\n' ' ') $(grep -o 'rror.*' /tmp/logs/edit-$1$2.log | head -1)"; save; }
for i in 1 2 3; do e base $i ab-base/dist; e new $i dist; done
k() { FISEDIT_HOME=/tmp/fh-k-$1 timeout 200 ncu --profile-from-start off --metrics gpu__time_duration.sum --cache-control none --clock-control none --print-units base --csv --log-file /tmp/logs/ncu-$1-5.csv env BENCH_KERNELS_BIN=5 BENCH_TAG=s36c2-kernels-$1-5 BENCH_PARTS=kernels BENCH_STEPS=20 node --expose-gc $2/bench/edit.js > /tmp/logs/ncu-run-$1-5.log 2>&1
  echo "ncu $1 ($(( $(date +%s) - T0 )) s): rc $?"
  node dist/bench/kernel-times.js /tmp/logs/ncu-$1-5.csv > /tmp/logs/kernels-$1-5.log 2>&1; head -4 /tmp/logs/kernels-$1-5.log | cut -c1-140
  xz /tmp/logs/ncu-$1-5.csv; save; }
k base ab-base/dist; k new dist
# the dense U-Net at 768 px with each trial method, a fresh home each (its families' choices may move too)
u() { FISEDIT_HOME=/tmp/fh-u-$1 BENCH_TAG=s36c2-unet-$1 BENCH_MATH=fp16 BENCH_SIZES=768 BENCH_PIPELINE=0 timeout 150 node $2/bench/unet.js > /tmp/logs/unet-$1.log 2>&1
  echo "unet $1 ($(( $(date +%s) - T0 )) s): rc $? $(grep -o '"px":[0-9]*\|"msPerCall":[0-9.]*\|"msMin":[0-9.]*' /tmp/logs/unet-$1.log | cut -d: -f2 | tr '\n' ' ')"; save; }
u base ab-base/dist; u new dist
