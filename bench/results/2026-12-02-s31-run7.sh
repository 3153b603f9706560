#!/bin/bash
# Session 31, call 7: where a ~5% sparse step's time goes with tile rows over dense (v3), Nsight
# Compute, each kernel alone (as call 2's census of c8c1419: 678 kernels, 4.27 ms).
# Carry [".gpu-lite","dist","node_modules/koffi","node_modules/@koromix"].
mkdir -p .gpu-lite/data /tmp/logs && xz -dc .gpu-lite/masks.xz > .gpu-lite/data/masks-dev-300.bin
source .gpu-lite/env.sh && export OUT
which ncu >/dev/null || export PATH=$PATH:/usr/local/cuda/bin
FISEDIT_HOME=/tmp/fh-k ncu --profile-from-start off --metrics gpu__time_duration.sum --cache-control none --clock-control none --print-units base --csv --log-file /tmp/logs/ncu-sparse.csv env BENCH_TAG=s31-v3-kernels BENCH_PARTS=kernels BENCH_STEPS=20 timeout 200 node --expose-gc dist/bench/edit.js > /tmp/logs/ncu-sparse-run.log 2>&1
echo "ncu sparse: rc $?"
node dist/bench/kernel-times.js /tmp/logs/ncu-sparse.csv > /tmp/logs/kernels-sparse.log 2>&1; head -3 /tmp/logs/kernels-sparse.log | cut -c1-160
xz /tmp/logs/ncu-sparse.csv; cd $OUT && mkdir -p j && mv $OUT/*.json j/ 2>/dev/null; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j
