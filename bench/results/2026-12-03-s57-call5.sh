#!/bin/bash
# Session 57, call 5 (at 774a414, no code change): a census of today's ~5% sparse step, as session 48's
# call 1 made (671 kernels, 4.17 ms alone then): each kernel of one replayed 768 px sparse step timed
# alone by Nsight Compute (gpu__time_duration, no cache or clock control), then bench/kernel-times.ts's
# table by kernel. Here first: bash bench/device-dist.sh --benches edit .gpu
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-setup.sh
which ncu >/dev/null || export PATH=$PATH:/usr/local/cuda/bin
bin=5
FISEDIT_HOME=/tmp/fh-k timeout -k 5 200 ncu --profile-from-start off --metrics gpu__time_duration.sum --cache-control none --clock-control none --print-units base --csv --log-file /tmp/logs/ncu-$bin.csv env BENCH_KERNELS_BIN=$bin BENCH_TAG=s57c5-census-$bin BENCH_PARTS=kernels BENCH_STEPS=20 node --expose-gc dist/bench/edit.js > /tmp/logs/ncu-run-$bin.log 2>&1
echo "ncu bin $bin ($(( $(date +%s) - T0 )) s): rc $?"
node dist/bench/kernel-times.js /tmp/logs/ncu-$bin.csv > /tmp/logs/kernels-$bin.log 2>&1; head -40 /tmp/logs/kernels-$bin.log | cut -c1-160
xz /tmp/logs/ncu-$bin.csv; save
echo "done ($(( $(date +%s) - T0 )) s)"
