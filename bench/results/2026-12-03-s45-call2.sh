#!/bin/bash
# Session 45, call 2: a sparse step's GroupNorm statistics in one launch (k_group_norm_cluster: a
# cluster of 16 blocks per batch item sums the listed segments, then folds the groups) against
# k_group_partial + k_group_affine. The GPU suite (its statistics tests hold the cluster's bits to
# the two kernels' and check which ran); bench:edit's bins, the cluster on and off
# (BENCH_GROUP_CLUSTERS=off) alternating twice in one home after a warm-up; bench:unet at 512 and
# 768 px, 3676a13 (ab-base) against the working tree (the two kernels' source moved into shared
# functions: the dense U-Net runs them), alternating after a warm-up, one home.
# Carry [".gpu","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-suite.sh
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
save
e() { local tag=$1 env=()
  [ "${tag%%-*}" = off ] && env=(BENCH_GROUP_CLUSTERS=off)
  env "${env[@]}" FISEDIT_HOME=/tmp/fh-e BENCH_TAG=s45c2-$tag BENCH_PARTS=bins timeout 150 node --expose-gc dist/bench/edit.js > /tmp/logs/s45c2-$tag.log 2>&1; local rc=$?
  echo "edit $tag ($(( $(date +%s) - T0 )) s): rc $rc bins $(grep -o '"editSize":[0-9.]*,"sparseStepMs":[0-9.]*' /tmp/logs/s45c2-$tag.log | sed 's/"editSize"://; s/"sparseStepMs"://' | tr '\n' ' ')"
  [ $rc = 0 ] || tail -5 /tmp/logs/s45c2-$tag.log | cut -c1-300; save; }
u() { local tag=$1 dir=$2
  FISEDIT_HOME=/tmp/fh-u BENCH_TAG=s45c2-unet-$tag BENCH_MATH=fp16 BENCH_SIZES=512,768 BENCH_PIPELINE=0 timeout 150 node $dir/bench/unet.js > /tmp/logs/s45c2-unet-$tag.log 2>&1; local rc=$?
  echo "unet $tag ($(( $(date +%s) - T0 )) s): rc $rc $(grep -o '"px":[0-9]*\|"msPerCall":[0-9.]*' /tmp/logs/s45c2-unet-$tag.log | cut -d: -f2 | tr '\n' ' ')"
  [ $rc = 0 ] || tail -5 /tmp/logs/s45c2-unet-$tag.log | cut -c1-300; save; }
e on-warm
for r in 1 2; do e off-$r; e on-$r; done
u warm dist
u base ab-base/dist
u new dist
echo "done ($(( $(date +%s) - T0 )) s)"
