#!/bin/bash
# Session 35, call 6: k_group_affine with its early loads at 128 threads (this code) or 256 (ab-mix,
# the commit before) against d24e26e (ab-base, no early loads, 128 threads): bench:edit's bins,
# alternating twice in one home (call 5 had the 256-thread form against ab-base: mixed).
# Before: bench/ab-base.sh HEAD, moved to ab-mix; ab-base from call 5; bench/device-dist.sh .gpu-lite ab-base ab-mix.
# Carry [".gpu-lite","dist","ab-base","ab-mix","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
mkdir -p .gpu-lite/data /tmp/logs && xz -dc .gpu-lite/masks.xz > .gpu-lite/data/masks-dev-300.bin; source .gpu-lite/env.sh && export OUT
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
e() { FISEDIT_HOME=/tmp/fh-e BENCH_TAG=s35c6-$1$2 BENCH_PARTS=bins timeout 100 node $3/bench/edit.js > /tmp/logs/edit-$1$2.log 2>&1
  echo "edit $1$2 ($(( $(date +%s) - T0 )) s): $(grep -o '"editSize":[0-9.]*,"sparseStepMs":[0-9.]*' /tmp/logs/edit-$1$2.log | sed 's/"editSize"://; s/"sparseStepMs"://' | tr '\n' ' ') $(grep -o 'rror.*' /tmp/logs/edit-$1$2.log | head -1)"; save; }
for i in 1 2; do e base $i ab-base/dist; e t256 $i ab-mix/dist; e t128 $i dist; done
