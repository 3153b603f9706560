#!/bin/bash
# Session 32, call 5: why k_group_small made sparse steps slower (calls 3-4): Nsight Compute on the
# ~5% edit's replayed sparse step, each kernel alone, with BENCH_GROUP_SMALL on and off (as session
# 31's call 7, bench/results/2026-12-02-s31-run7.sh).
# Carry [".gpu-lite","dist","node_modules/koffi","node_modules/@koromix"].
mkdir -p .gpu-lite/data /tmp/logs && xz -dc .gpu-lite/masks.xz > .gpu-lite/data/masks-dev-300.bin
source .gpu-lite/env.sh && export OUT
which ncu >/dev/null || export PATH=$PATH:/usr/local/cuda/bin
for m in on off; do
  FISEDIT_HOME=/tmp/fh-k ncu --profile-from-start off --metrics gpu__time_duration.sum --cache-control none --clock-control none --print-units base --csv --log-file /tmp/logs/ncu-sparse-$m.csv env BENCH_GROUP_SMALL=$m BENCH_TAG=s32-kernels-$m BENCH_PARTS=kernels BENCH_STEPS=20 timeout 200 node --expose-gc dist/bench/edit.js > /tmp/logs/ncu-sparse-run-$m.log 2>&1
  echo "ncu $m: rc $?"
  node dist/bench/kernel-times.js /tmp/logs/ncu-sparse-$m.csv > /tmp/logs/kernels-sparse-$m.log 2>&1; head -8 /tmp/logs/kernels-sparse-$m.log | cut -c1-150; grep "k_group" /tmp/logs/kernels-sparse-$m.log | cut -c1-150
  xz /tmp/logs/ncu-sparse-$m.csv
done
cd $OUT && mkdir -p j && mv $OUT/*.json j/ 2>/dev/null; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j
