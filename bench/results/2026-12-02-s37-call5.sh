#!/bin/bash
# Session 37, call 5: a timing trial with wrong results, to bound what fusing GroupNorm's kernels could
# save before building it. ab-mix/skip = af564b0 + FISEDIT_TRIAL_SKIP (…-s37-norm-kernels-left-out-trial.diff):
# 'affine' leaves out every k_group_affine launch (the bound on folding the affine into the channel
# affine or the gathers that read it), 'apply' every k_channel_affine, 'partial' every
# k_group_partial. One build, one home; the dense U-Net at 512 and 768 px (50 calls) once each way,
# bins once each of none / affine / partial,affine (the sparse step's statistics), then the U-Net again
# (in that order so that what the device time allows comes back).
# Before: bench/ab-base.sh tmp-skip && mv ab-base ab-mix/skip; bash bench/device-dist.sh --benches edit,unet .gpu ab-mix.
# Carry [".gpu","dist","ab-mix","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
source .gpu/env.sh && export OUT
mkdir -p /tmp/logs .gpu/data && [ -f .gpu/masks.xz ] && xz -dc .gpu/masks.xz > .gpu/data/masks-dev-300.bin
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
u() { FISEDIT_HOME=/tmp/fh-u5 FISEDIT_TRIAL_SKIP=$2 BENCH_TAG=s37c5-unet-skip-${2//,/-}-$1 BENCH_MATH=fp16 BENCH_SIZES=512,768 BENCH_CALLS=50 BENCH_PIPELINE=0 timeout 150 node ab-mix/skip/dist/bench/unet.js > /tmp/logs/unet5-${2//,/-}-$1.log 2>&1
  echo "unet skip '$2' #$1 ($(( $(date +%s) - T0 )) s): rc $? $(grep -o '"px":[0-9]*\|"msPerCall":[0-9.]*\|"msMin":[0-9.]*' /tmp/logs/unet5-${2//,/-}-$1.log | cut -d: -f2 | tr '\n' ' ')"; save; }
e() { FISEDIT_HOME=/tmp/fh-e5 FISEDIT_TRIAL_SKIP=$1 BENCH_TAG=s37c5-skip-${1//,/-} BENCH_PARTS=bins timeout 100 node ab-mix/skip/dist/bench/edit.js > /tmp/logs/edit5-${1//,/-}.log 2>&1
  echo "edit skip '$1' ($(( $(date +%s) - T0 )) s): $(grep -o '"editSize":[0-9.]*,"sparseStepMs":[0-9.]*' /tmp/logs/edit5-${1//,/-}.log | sed 's/"editSize"://; s/"sparseStepMs"://' | tr '\n' ' ') $(grep -o 'rror.*' /tmp/logs/edit5-${1//,/-}.log | head -1)"; save; }
for s in none affine apply partial,affine; do u 1 $s; done
for s in none affine partial,affine; do e $s; done
for s in none affine apply partial,affine; do u 2 $s; done
