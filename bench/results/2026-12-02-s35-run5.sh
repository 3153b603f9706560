#!/bin/bash
# Session 35, call 5: k_group_affine's early loads (the base's sums, row flags, gamma, beta, offset
# before it waits; 256 threads) and k_gather_tiles / k_gather_rows with their index math before the
# wait, against d24e26e (ab-base: call 4's code). The GPU suite; a census of the ~5% step (each kernel
# alone); bench:edit's bins, alternating three times in one home.
# Before: bench/ab-base.sh d24e26e; bench/device-dist.sh .gpu ab-base.
# Carry [".gpu","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
source bench/gpu-suite.sh
which ncu >/dev/null || export PATH=$PATH:/usr/local/cuda/bin
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
save
FISEDIT_HOME=/tmp/fh-k timeout 200 ncu --profile-from-start off --metrics gpu__time_duration.sum --cache-control none --clock-control none --print-units base --csv --log-file /tmp/logs/ncu-new-5.csv env BENCH_KERNELS_BIN=5 BENCH_TAG=s35c5-kernels-new-5 BENCH_PARTS=kernels BENCH_STEPS=20 node --expose-gc dist/bench/edit.js > /tmp/logs/ncu-run-new-5.log 2>&1
echo "ncu new 5 ($(( $(date +%s) - T0 )) s): rc $?"
node dist/bench/kernel-times.js /tmp/logs/ncu-new-5.csv > /tmp/logs/kernels-new-5.log 2>&1; head -2 /tmp/logs/kernels-new-5.log; grep -E "k_group_affine|k_gather_tiles_v|k_gather_rows_v" /tmp/logs/kernels-new-5.log | cut -c1-90
xz /tmp/logs/ncu-new-5.csv; rm -f $OUT/*.json; save
e() { FISEDIT_HOME=/tmp/fh-e BENCH_TAG=s35c5-$1$2 BENCH_PARTS=bins timeout 100 node $3/bench/edit.js > /tmp/logs/edit-$1$2.log 2>&1
  echo "edit $1$2 ($(( $(date +%s) - T0 )) s): $(grep -o '"editSize":[0-9.]*,"sparseStepMs":[0-9.]*' /tmp/logs/edit-$1$2.log | sed 's/"editSize"://; s/"sparseStepMs"://' | tr '\n' ' ') $(grep -o 'rror.*' /tmp/logs/edit-$1$2.log | head -1)"; save; }
for i in 1 2 3; do e base $i ab-base/dist; e new $i dist; done
