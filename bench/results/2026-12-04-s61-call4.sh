#!/bin/bash
# Session 61 call 4: on call 3's machine while still warm (no start), the ~5% census call 3 had left
# out for time: one replayed 768 px sparse step of the bin's first mask, each kernel timed alone by
# Nsight Compute, then bench/kernel-times.ts's table. Call 3's build (bench/device-dist.sh --benches edit,unet .gpu).
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"]. (Run as one command line.)
source bench/gpu-setup.sh >/dev/null 2>&1; T0=$(date +%s); export PATH=$PATH:/usr/local/cuda/bin; bin=5; FISEDIT_HOME=/tmp/fh-k timeout -k 5 150 ncu --profile-from-start off --metrics gpu__time_duration.sum --cache-control none --clock-control none --print-units base --csv --log-file /tmp/logs/ncu-$bin.csv env BENCH_KERNELS_BIN=$bin BENCH_TAG=s61c4-census-$bin BENCH_PARTS=kernels BENCH_STEPS=20 node --expose-gc dist/bench/edit.js > /tmp/logs/ncu-run-$bin.log 2>&1; echo "ncu bin $bin ($(( $(date +%s) - T0 )) s): rc $?"; node dist/bench/kernel-times.js /tmp/logs/ncu-$bin.csv > /tmp/logs/kernels-$bin.log 2>&1; head -30 /tmp/logs/kernels-$bin.log | cut -c1-150; xz /tmp/logs/ncu-$bin.csv; save
