#!/bin/bash
# Session 37, call 1: session 36's three untested diffs, in one call.
# - dist: HEAD (07d0d90) + …-s36-overwrite-loads-first-untested.diff + …-s36-gather-map-early-untested.diff
#   (applied with -3; EARLY_READS merged by hand) + …-s36-cudnn-trials-cold-weights-untested.diff.
# - ab-mix/kern: the two kernel diffs alone (commit 3a9f0fb on a throwaway branch); ab-base: HEAD.
# The GPU suite on dist (all three: the tiny models' bitwise edit tests go through the new gathers and
# overwrite, the first convolutions through cuDNN's cold trials); then bins in one home, HEAD against
# the kernel diffs, alternating three times (same cuBLASLt and cuDNN choices: the kernels alone);
# bench:unet at 512 and 768 px in a fresh home per run, HEAD against dist, alternating twice (the
# dense U-Net has none of the sparse kernels: cuDNN's cold trials alone); the kernel diffs' census
# of a ~5% step; bins of dist in its own home (cuDNN's cold trials on a sparse step), twice.
# Before: bench/ab-base.sh tmp-kern && mv ab-base ab-mix/kern; bench/ab-base.sh main; the diffs on
# the working tree; bash bench/device-dist.sh --benches edit,unet .gpu ab-base ab-mix.
# Carry [".gpu","dist","ab-base","ab-mix","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
source bench/gpu-suite.sh
export PATH=$PATH:/usr/local/cuda/bin
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
save
e() { FISEDIT_HOME=/tmp/fh-e$4 BENCH_TAG=s37c1-$1$2 BENCH_PARTS=bins timeout 100 node $3/bench/edit.js > /tmp/logs/edit-$1$2.log 2>&1
  echo "edit $1$2 ($(( $(date +%s) - T0 )) s): $(grep -o '"editSize":[0-9.]*,"sparseStepMs":[0-9.]*' /tmp/logs/edit-$1$2.log | sed 's/"editSize"://; s/"sparseStepMs"://' | tr '\n' ' ') $(grep -o 'rror.*' /tmp/logs/edit-$1$2.log | head -1)"; save; }
u() { FISEDIT_HOME=/tmp/fh-u-$1$2 BENCH_TAG=s37c1-unet-$1$2 BENCH_MATH=fp16 BENCH_SIZES=512,768 BENCH_PIPELINE=0 timeout 150 node $3/bench/unet.js > /tmp/logs/unet-$1$2.log 2>&1
  echo "unet $1$2 ($(( $(date +%s) - T0 )) s): rc $? $(grep -o '"px":[0-9]*\|"msPerCall":[0-9.]*\|"msMin":[0-9.]*' /tmp/logs/unet-$1$2.log | cut -d: -f2 | tr '\n' ' ')"; save; }
k() { FISEDIT_HOME=/tmp/fh-e timeout 150 ncu --profile-from-start off --metrics gpu__time_duration.sum --cache-control none --clock-control none --print-units base --csv --log-file /tmp/logs/ncu-$1-5.csv env BENCH_KERNELS_BIN=5 BENCH_TAG=s37c1-kernels-$1-5 BENCH_PARTS=kernels BENCH_STEPS=20 node --expose-gc $2/bench/edit.js > /tmp/logs/ncu-run-$1-5.log 2>&1
  echo "ncu $1 ($(( $(date +%s) - T0 )) s)"
  node dist/bench/kernel-times.js /tmp/logs/ncu-$1-5.csv > /tmp/logs/kernels-$1-5.log 2>&1; grep -E "kernels,|k_overwrite|k_gather|k_group" /tmp/logs/kernels-$1-5.log | cut -c1-110
  xz /tmp/logs/ncu-$1-5.csv; save; }
for i in 1 2 3; do e base $i ab-base/dist; e kern $i ab-mix/kern/dist; done
for i in 1 2; do u base $i ab-base/dist; u all $i dist; done
k kern ab-mix/kern/dist
for i in 1 2; do e all $i dist -all; done
