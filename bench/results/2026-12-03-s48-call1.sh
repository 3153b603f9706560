#!/bin/bash
# Session 48, call 1 (prepared in session 47): a census of today's sparse steps for
# issue 5's next work, the last being session 36's (~5%) and session 31's. Each kernel of one replayed
# 768 px sparse step timed alone by Nsight Compute (gpu__time_duration, no cache or clock control), at
# the ~5% bin and the ~30% one, then bench/kernel-times.ts's table by kernel (count, total, median,
# grid): which launches a ~5% step's ~3.4 ms is made of now, with k_gemm_geglu and the polynomial GELU
# in, and what a 30% step adds. Then the bins once, the same home, for the same machine's figures.
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-setup.sh
which ncu >/dev/null || export PATH=$PATH:/usr/local/cuda/bin
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
k() { local bin=$1
  FISEDIT_HOME=/tmp/fh-k timeout -k 5 200 ncu --profile-from-start off --metrics gpu__time_duration.sum --cache-control none --clock-control none --print-units base --csv --log-file /tmp/logs/ncu-$bin.csv env BENCH_KERNELS_BIN=$bin BENCH_TAG=s48-census-$bin BENCH_PARTS=kernels BENCH_STEPS=20 node --expose-gc dist/bench/edit.js > /tmp/logs/ncu-run-$bin.log 2>&1
  echo "ncu bin $bin ($(( $(date +%s) - T0 )) s): rc $?"
  node dist/bench/kernel-times.js /tmp/logs/ncu-$bin.csv > /tmp/logs/kernels-$bin.log 2>&1; head -12 /tmp/logs/kernels-$bin.log | cut -c1-140
  xz /tmp/logs/ncu-$bin.csv; save; }
k 5; k 30
FISEDIT_HOME=/tmp/fh-k BENCH_TAG=s48-bins BENCH_PARTS=bins timeout -k 5 120 node --expose-gc dist/bench/edit.js > /tmp/logs/bins.log 2>&1
echo "bins ($(( $(date +%s) - T0 )) s): rc $? $(grep -o '"editSize":[0-9.]*,"sparseStepMs":[0-9.]*' /tmp/logs/bins.log | sed 's/"editSize"://; s/"sparseStepMs"://' | tr '\n' ' ')"; save
