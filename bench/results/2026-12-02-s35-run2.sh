#!/bin/bash
# Session 35, call 2: the sparse kernels look up the plan (tile origins, block corners and active
# flags, token and segment lists) before they wait for the kernels ahead (PLANNED_VECTOR_KERNEL,
# kernels/storage.cuh): k_gather_tiles, k_gather_im2col, k_overwrite_blocks, k_gather_rows,
# k_overwrite_rows, k_group_partial. The GPU suite (its bitwise edit tests), then bench:edit's bins
# against ab-base (32c329f, session 34's code), alternating three times in one home.
# Before: bench/ab-base.sh 32c329f; bench/device-dist.sh .gpu ab-base.
# Carry [".gpu","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
source bench/gpu-suite.sh
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
save
e() { FISEDIT_HOME=/tmp/fh-e BENCH_TAG=s35c2-$1$2 BENCH_PARTS=bins timeout 100 node $3/bench/edit.js > /tmp/logs/edit-$1$2.log 2>&1
  echo "edit $1$2 ($(( $(date +%s) - T0 )) s): $(grep -o '"editSize":[0-9.]*,"sparseStepMs":[0-9.]*' /tmp/logs/edit-$1$2.log | sed 's/"editSize"://; s/"sparseStepMs"://' | tr '\n' ' ') $(grep -o 'rror.*' /tmp/logs/edit-$1$2.log | head -1)"; save; }
for i in 1 2 3; do e base $i ab-base/dist; e new $i dist; done
