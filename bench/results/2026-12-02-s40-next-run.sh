#!/bin/bash
# For session 41's first device call (written in session 40, not run). The GPU suite on session 40's
# final code (342f17c's one-barrier attention loop ran in session 40 only under its trial flag, which
# compiled to the same PTX), then bench:unet at 512 and 768 px in a fresh home, its first process and
# two later ones (2 s back to back), and bench:edit's bins in that home.
# Before: bash bench/device-dist.sh --benches unet,edit .gpu.
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
source bench/gpu-suite.sh
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
# px msPerCall msMin, backToBack msPerCall joulesPerCall watts
u() { FISEDIT_HOME=/tmp/hu BENCH_TAG=s41-unet-$1 BENCH_MATH=fp16 BENCH_SIZES=512,768 BENCH_CALLS=50 BENCH_ENERGY_S=2 BENCH_PIPELINE=0 timeout 150 node dist/bench/unet.js > /tmp/logs/s41-unet-$1.log 2>&1; rc=$?
  echo "unet $1 ($(( $(date +%s) - T0 )) s): rc $rc $(grep -o '"px":[0-9]*\|"msPerCall":[0-9.]*\|"msMin":[0-9.]*\|"joulesPerCall":[0-9.a-z]*\|"watts":[0-9a-z]*' /tmp/logs/s41-unet-$1.log | cut -d: -f2 | tr '\n' ' ')"; save; }
u first; u later1; u later2
FISEDIT_HOME=/tmp/hu BENCH_TAG=s41-bins BENCH_PARTS=bins timeout 150 node --expose-gc dist/bench/edit.js > /tmp/logs/s41-edit.log 2>&1; rc=$?
echo "edit bins ($(( $(date +%s) - T0 )) s): rc $rc $(grep -o '"editSize":[0-9.]*,"sparseStepMs":[0-9.]*' /tmp/logs/s41-edit.log | sed 's/"editSize"://; s/"sparseStepMs"://' | tr '\n' ' ')"; save
