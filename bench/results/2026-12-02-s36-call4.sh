#!/bin/bash
# Session 36, call 4: the candidate to keep, HEAD + cuBLASLt's cold-weight trials + the overwrites'
# loads all before their stores (no early reads, no host flag: k_overwrite_blocks loads what it
# displaces, its source, the bias and the residual, then stores; k_overwrite_rows both, then stores),
# against call 1's three kernel changes (the two early-read diffs + loads before stores) on the same
# trials (ab-base: HEAD + the cold trials + …-s36-working-untested.diff). Calls 1-3 found the three
# changes within the bins' spread of HEAD, and k_overwrite_blocks_v 3.62 -> 3.23 us a launch alone.
# This call: the GPU suite on the candidate, a census of a ~5% step for each, then bins alternating
# twice in one home. Carry [".gpu","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
source bench/gpu-suite.sh
export PATH=$PATH:/usr/local/cuda/bin
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
save
k() { FISEDIT_HOME=/tmp/fh-k4 timeout 150 ncu --profile-from-start off --metrics gpu__time_duration.sum --cache-control none --clock-control none --print-units base --csv --log-file /tmp/logs/ncu4-$1-5.csv env BENCH_KERNELS_BIN=5 BENCH_TAG=s36c4-kernels-$1-5 BENCH_PARTS=kernels BENCH_STEPS=20 node --expose-gc $2/bench/edit.js > /tmp/logs/ncu4-run-$1-5.log 2>&1
  echo "ncu $1 ($(( $(date +%s) - T0 )) s)"
  node dist/bench/kernel-times.js /tmp/logs/ncu4-$1-5.csv > /tmp/logs/kernels4-$1-5.log 2>&1; grep -E "kernels,|k_overwrite|k_layer_norm|nvjet_sm90_hsh_128x(80|96)" /tmp/logs/kernels4-$1-5.log | cut -c1-110
  xz /tmp/logs/ncu4-$1-5.csv; save; }
k final dist; k three ab-base/dist
e() { FISEDIT_HOME=/tmp/fh-e4 BENCH_TAG=s36c4-$1$2 BENCH_PARTS=bins timeout 100 node $3/bench/edit.js > /tmp/logs/edit4-$1$2.log 2>&1
  echo "edit $1$2 ($(( $(date +%s) - T0 )) s): $(grep -o '"editSize":[0-9.]*,"sparseStepMs":[0-9.]*' /tmp/logs/edit4-$1$2.log | sed 's/"editSize"://; s/"sparseStepMs"://' | tr '\n' ' ') $(grep -o 'rror.*' /tmp/logs/edit4-$1$2.log | head -1)"; save; }
for i in 1 2; do e three $i ab-base/dist; e final $i dist; done
