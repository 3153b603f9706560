#!/bin/bash
# Session 33, call 1: where a ~15% and a ~30% sparse step go (Nsight Compute, each kernel alone, as
# session 32's call 5 did for ~5%: bench/results/2026-12-02-s32-run5.sh), with the binned step times of
# the same build; and the dense U-Net call at 768 px (issue 3), not measured in session 32.
# Carry [".gpu-lite","dist","node_modules/koffi","node_modules/@koromix"].
mkdir -p .gpu-lite/data /tmp/logs && xz -dc .gpu-lite/masks.xz > .gpu-lite/data/masks-dev-300.bin
source .gpu-lite/env.sh && export OUT
which ncu >/dev/null || export PATH=$PATH:/usr/local/cuda/bin
FISEDIT_HOME=/tmp/fh-k BENCH_TAG=s33-bins BENCH_PARTS=bins timeout 150 node --expose-gc dist/bench/edit.js > /tmp/logs/edit-bins.log 2>&1
echo "bins: rc $?"; grep '"bin"' /tmp/logs/edit-bins.log | cut -c1-140
for b in 15 30; do
  FISEDIT_HOME=/tmp/fh-k timeout 200 ncu --profile-from-start off --metrics gpu__time_duration.sum --cache-control none --clock-control none --print-units base --csv --log-file /tmp/logs/ncu-sparse-$b.csv env BENCH_KERNELS_BIN=$b BENCH_TAG=s33-kernels-$b BENCH_PARTS=kernels BENCH_STEPS=20 node --expose-gc dist/bench/edit.js > /tmp/logs/ncu-sparse-run-$b.log 2>&1
  echo "ncu $b: rc $?"
  node dist/bench/kernel-times.js /tmp/logs/ncu-sparse-$b.csv > /tmp/logs/kernels-sparse-$b.log 2>&1; head -30 /tmp/logs/kernels-sparse-$b.log | cut -c1-150
  xz /tmp/logs/ncu-sparse-$b.csv
done
FISEDIT_HOME=/tmp/fh-k BENCH_TAG=s33-unet BENCH_SIZES=768 BENCH_PIPELINE=0 timeout 150 node dist/bench/unet.js > /tmp/logs/unet.log 2>&1
echo "unet: rc $?"; grep -i "768" /tmp/logs/unet.log | cut -c1-200 | head -5
cd $OUT && mkdir -p j && mv $OUT/*.json j/ 2>/dev/null; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j
