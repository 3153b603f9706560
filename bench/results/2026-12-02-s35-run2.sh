#!/bin/bash
# Session 35, call 2 (its first start was refused): bench:edit's bins, three builds alternating twice
# in one home: base (32c329f, session 34's code), mix (f5021c7: the sparse kernels look up the plan
# before they wait for the kernels ahead, PLANNED_VECTOR_KERNEL in kernels/storage.cuh) and new (also
# k_layer_norm_vw, which loads gamma and beta with the row where a launch is a block an SM or fewer).
# No GPU suite (.gpu does not fit beside two A/B builds): the next call runs it.
# Before: bench/ab-base.sh f5021c7, moved to ab-mix; bench/ab-base.sh 32c329f; bench/device-dist.sh .gpu-lite ab-base ab-mix.
# Carry [".gpu-lite","dist","ab-base","ab-mix","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
mkdir -p .gpu-lite/data /tmp/logs && xz -dc .gpu-lite/masks.xz > .gpu-lite/data/masks-dev-300.bin; source .gpu-lite/env.sh && export OUT
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
e() { FISEDIT_HOME=/tmp/fh-e BENCH_TAG=s35c2-$1$2 BENCH_PARTS=bins timeout 100 node $3/bench/edit.js > /tmp/logs/edit-$1$2.log 2>&1
  echo "edit $1$2 ($(( $(date +%s) - T0 )) s): $(grep -o '"editSize":[0-9.]*,"sparseStepMs":[0-9.]*' /tmp/logs/edit-$1$2.log | sed 's/"editSize"://; s/"sparseStepMs"://' | tr '\n' ' ') $(grep -o 'rror.*' /tmp/logs/edit-$1$2.log | head -1)"; save; }
for i in 1 2; do e base $i ab-base/dist; e mix $i ab-mix/dist; e new $i dist; done
