#!/bin/bash
# Not run in session 36 (the machine's starts were refused until its device time was spent); for a
# later session. A simpler k_overwrite_blocks (…-s36-overwrite-loads-first-untested.diff: no host
# flag, no early reads; what it displaces, its source, the bias and the residual all loaded after
# the wait and before any store) against the committed form (the early reads where the host knows the
# kernel ahead wrote only the source, then the source; 3.23 us a launch alone in session 36's call 3
# against 3.62-3.68 before either). If the simpler one is as fast in bins, it should replace the other.
# Before: bench/ab-base.sh HEAD; git apply …-s36-overwrite-loads-first-untested.diff; bash
# bench/device-dist.sh --benches edit .gpu ab-base (`bench/device-dist.sh restore` after). Then: the GPU suite on the diff, its census of a ~5% step, one
# bins run of each in one home, the committed form's census.
# Carry [".gpu","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
source bench/gpu-suite.sh
export PATH=$PATH:/usr/local/cuda/bin
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
save
k() { FISEDIT_HOME=/tmp/fh-k4 timeout 150 ncu --profile-from-start off --metrics gpu__time_duration.sum --cache-control none --clock-control none --print-units base --csv --log-file /tmp/logs/ncu4-$1-5.csv env BENCH_KERNELS_BIN=5 BENCH_TAG=s36c4-kernels-$1-5 BENCH_PARTS=kernels BENCH_STEPS=20 node --expose-gc $2/bench/edit.js > /tmp/logs/ncu4-run-$1-5.log 2>&1
  echo "ncu $1 ($(( $(date +%s) - T0 )) s)"
  node dist/bench/kernel-times.js /tmp/logs/ncu4-$1-5.csv > /tmp/logs/kernels4-$1-5.log 2>&1; grep -E "kernels,|k_overwrite|k_layer_norm|nvjet_sm90_hsh_128x(80|96)" /tmp/logs/kernels4-$1-5.log | cut -c1-110
  xz /tmp/logs/ncu4-$1-5.csv; save; }
k final dist
e() { FISEDIT_HOME=/tmp/fh-e4 BENCH_TAG=s36c4-$1$2 BENCH_PARTS=bins timeout 100 node $3/bench/edit.js > /tmp/logs/edit4-$1$2.log 2>&1
  echo "edit $1$2 ($(( $(date +%s) - T0 )) s): $(grep -o '"editSize":[0-9.]*,"sparseStepMs":[0-9.]*' /tmp/logs/edit4-$1$2.log | sed 's/"editSize"://; s/"sparseStepMs"://' | tr '\n' ' ') $(grep -o 'rror.*' /tmp/logs/edit4-$1$2.log | head -1)"; save; }
e three 1 ab-base/dist; e final 1 dist
k three ab-base/dist
