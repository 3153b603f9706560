#!/bin/bash
# Session 31, call 2: Driver.libraryDependents counting only edges whose source is a kernel of ours
# (the GPU suite's assertions; bench:unet at 768 px reports those and, apart, the libraries' edges
# between their own kernels), then where a ~5% sparse step's and a dense 768 px call's time goes now
# (Nsight Compute, each kernel alone; the last such census was session 21's / 22's).
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
source bench/gpu-suite.sh
FISEDIT_HOME=/tmp/fh-unet BENCH_TAG=s31-run2 BENCH_SIZES=768 BENCH_MATH=fp16 BENCH_PIPELINE=0 timeout 150 node --expose-gc dist/bench/unet.js > /tmp/logs/unet.log 2>&1
echo "unet ($(( $(date +%s) - T0 )) s): $(grep -o '"msPerCall":[0-9.]*\|"library[A-Za-z]*Dependents":{[^}]*}' /tmp/logs/unet.log | tr '\n' ' ') $(grep -o 'rror.*' /tmp/logs/unet.log | head -2)"
which ncu || export PATH=$PATH:/usr/local/cuda/bin
NCU="ncu --profile-from-start off --metrics gpu__time_duration.sum --cache-control none --clock-control none --print-units base --csv"
FISEDIT_HOME=/tmp/fh-k $NCU --log-file /tmp/logs/ncu-sparse.csv env BENCH_TAG=s31-kernels BENCH_PARTS=kernels BENCH_STEPS=20 timeout 200 node --expose-gc dist/bench/edit.js > /tmp/logs/ncu-sparse-run.log 2>&1
echo "ncu sparse ($(( $(date +%s) - T0 )) s): rc $?"; tail -3 /tmp/logs/ncu-sparse-run.log | cut -c1-300
node dist/bench/kernel-times.js /tmp/logs/ncu-sparse.csv > /tmp/logs/kernels-sparse.log 2>&1; head -32 /tmp/logs/kernels-sparse.log | cut -c1-160
FISEDIT_HOME=/tmp/fh-unet $NCU --log-file /tmp/logs/ncu-unet.csv env BENCH_TAG=s31-unet-kernels BENCH_MATH=fp16 BENCH_PIPELINE=0 BENCH_SIZES=768 BENCH_CALLS=3 BENCH_KERNELS=on timeout 200 node dist/bench/unet.js > /tmp/logs/ncu-unet-run.log 2>&1
echo "ncu unet ($(( $(date +%s) - T0 )) s): rc $?"
cd $OUT && mkdir -p j && mv $OUT/*.json j/ 2>/dev/null; xz /tmp/logs/ncu-*.csv; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j
