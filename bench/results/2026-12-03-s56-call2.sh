#!/bin/bash
# Session 56, call 2: GroupNorm's statistics and affine in one launch where its segments are few
# (k_group_norm_cluster, a cluster of 16 blocks), against 20ae236 (ab-base: call 1's code, always two
# launches). Here first: bash bench/ab-base.sh 20ae236 && bash bench/device-dist.sh --benches edit,unet .gpu ab-base
# Carry [".gpu","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
# 1. The GPU suite (the cluster kernel's bits against two launches). 2. Whole edits, base and new in
# turn, twice. 3. bench:unet 512 and 768 px, base and new. 4. Bins with the probe's profile (new).
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-suite.sh
CALL=s56c2
source bench/gpu-edit.sh
whole whole-base-1 ab-base/dist; whole whole-new-1 dist; whole whole-base-2 ab-base/dist; whole whole-new-2 dist
for t in base new; do
  d=dist; [ $t = base ] && d=ab-base/dist
  FISEDIT_HOME=/tmp/fh-u BENCH_TAG=s56c2-unet-$t BENCH_MATH=fp16 BENCH_SIZES=512,768 BENCH_PIPELINE=0 timeout -k 5 120 node $d/bench/unet.js > /tmp/logs/unet-$t.log 2>&1
  echo "unet $t ($(( $(date +%s) - T0 )) s): rc $? $(grep -o '"px":[0-9]*,"batch":2,"msPerCall":[0-9.]*,"msMin":[0-9.]*' /tmp/logs/unet-$t.log | tr '\n' ' ') $(grep -o '"launchesPerCall":[0-9.]*' /tmp/logs/unet-$t.log | tr '\n' ' ')"
  save
done
bins bins-new dist
echo "done ($(( $(date +%s) - T0 )) s)"
