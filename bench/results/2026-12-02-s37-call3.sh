#!/bin/bash
# Session 37, call 3: the session's code (c925e07: k_overwrite_blocks in its simpler form; cuDNN's
# trials give back their plans when their scratch cannot be had) against 07d0d90 (ab-base). The GPU
# suite on it; bins alternating twice in one home; then the dense U-Net of this code at 512 px, 50
# calls timed, three processes in one home (its trials made by the first), and at 768 px once: where
# the 512 px call stands against issue 3's 5 ms.
# Before: bench/ab-base.sh 07d0d90; bash bench/device-dist.sh --benches edit,unet .gpu ab-base.
# Carry [".gpu","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
source bench/gpu-suite.sh
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
save
e() { FISEDIT_HOME=/tmp/fh-e3 BENCH_TAG=s37c3-$1$2 BENCH_PARTS=bins timeout 100 node $3/bench/edit.js > /tmp/logs/edit3-$1$2.log 2>&1
  echo "edit $1$2 ($(( $(date +%s) - T0 )) s): $(grep -o '"editSize":[0-9.]*,"sparseStepMs":[0-9.]*' /tmp/logs/edit3-$1$2.log | sed 's/"editSize"://; s/"sparseStepMs"://' | tr '\n' ' ') $(grep -o 'rror.*' /tmp/logs/edit3-$1$2.log | head -1)"; save; }
u() { FISEDIT_HOME=/tmp/fh-u3 BENCH_TAG=s37c3-unet-$1 BENCH_MATH=fp16 BENCH_SIZES=$2 BENCH_CALLS=50 BENCH_PIPELINE=0 timeout 150 node dist/bench/unet.js > /tmp/logs/unet3-$1.log 2>&1
  echo "unet $1 ($(( $(date +%s) - T0 )) s): rc $? $(grep -o '"px":[0-9]*\|"msPerCall":[0-9.]*\|"msMin":[0-9.]*' /tmp/logs/unet3-$1.log | cut -d: -f2 | tr '\n' ' ')"; save; }
for i in 1 2; do e base $i ab-base/dist; e final $i dist; done
u 512-1 512; u 512-2 512; u 512-3 512; u 768-1 768
