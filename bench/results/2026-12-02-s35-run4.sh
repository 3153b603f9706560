#!/bin/bash
# Session 35, call 4: Nsight Compute censuses (each kernel alone) of the twelfth step of a ~5% edit,
# session 34's code (ab-base, 32c329f) and this session's (the sparse kernels look up the plan before
# they wait; k_layer_norm_vw), and of a ~15% edit with this session's code: which launches the
# change shortened, and by how much. Then bench:edit's bins twice more each, alternating (call 2 had
# them twice).
# Before: bench/ab-base.sh 32c329f; bench/device-dist.sh .gpu-lite ab-base.
# Carry [".gpu-lite","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
mkdir -p .gpu-lite/data /tmp/logs && xz -dc .gpu-lite/masks.xz > .gpu-lite/data/masks-dev-300.bin; source .gpu-lite/env.sh && export OUT
which ncu >/dev/null || export PATH=$PATH:/usr/local/cuda/bin
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
k() { FISEDIT_HOME=/tmp/fh-k-$1 timeout 200 ncu --profile-from-start off --metrics gpu__time_duration.sum --cache-control none --clock-control none --print-units base --csv --log-file /tmp/logs/ncu-$1-$2.csv env BENCH_KERNELS_BIN=$2 BENCH_TAG=s35c4-kernels-$1-$2 BENCH_PARTS=kernels BENCH_STEPS=20 node --expose-gc $3/bench/edit.js > /tmp/logs/ncu-run-$1-$2.log 2>&1
  echo "ncu $1 $2 ($(( $(date +%s) - T0 )) s): rc $?"
  node dist/bench/kernel-times.js /tmp/logs/ncu-$1-$2.csv > /tmp/logs/kernels-$1-$2.log 2>&1; head -3 /tmp/logs/kernels-$1-$2.log | cut -c1-150
  xz /tmp/logs/ncu-$1-$2.csv; save; }
k base 5 ab-base/dist; k new 5 dist; k new 15 dist
e() { FISEDIT_HOME=/tmp/fh-e BENCH_TAG=s35c4-$1$2 BENCH_PARTS=bins timeout 100 node $3/bench/edit.js > /tmp/logs/edit-$1$2.log 2>&1
  echo "edit $1$2 ($(( $(date +%s) - T0 )) s): $(grep -o '"editSize":[0-9.]*,"sparseStepMs":[0-9.]*' /tmp/logs/edit-$1$2.log | sed 's/"editSize"://; s/"sparseStepMs"://' | tr '\n' ' ') $(grep -o 'rror.*' /tmp/logs/edit-$1$2.log | head -1)"; save; }
for i in 3 4; do e base $i ab-base/dist; e new $i dist; done
