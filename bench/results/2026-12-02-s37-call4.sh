#!/bin/bash
# Session 37, call 4: a trial. Dense convolutions of few rows over many channels go to im2col + GEMM
# (the norm's affine and SiLU inside the im2col gather, no channel-affine pass) up to 400 rows; cuDNN
# takes the rest. Does the threshold want raising for the dense U-Net, at 512 px's 16 x 16 level (512
# rows over 1280 channels: ~12 convolutions a call) and 768 px's 24 x 24 (1152 rows)?
# ab-mix/rows: c925e07 + FISEDIT_TRIAL_DENSE_GEMM_ROWS (69301fd on a throwaway branch: conv2d's path
# only, the sparse plans unchanged; 0 = the committed behaviour). One build, one home, alternating.
# Before: bench/ab-base.sh tmp-rows512 && mv ab-base ab-mix/rows; bash bench/device-dist.sh --benches unet .gpu ab-mix.
# Carry [".gpu","dist","ab-mix","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
source .gpu/env.sh && export OUT
mkdir -p /tmp/logs
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
u() { FISEDIT_HOME=/tmp/fh-u4 FISEDIT_TRIAL_DENSE_GEMM_ROWS=$3 BENCH_TAG=s37c4-unet-$2-rows$3-$1 BENCH_MATH=fp16 BENCH_SIZES=$2 BENCH_CALLS=50 BENCH_PIPELINE=0 timeout 150 node ab-mix/rows/dist/bench/unet.js > /tmp/logs/unet4-$2-rows$3-$1.log 2>&1
  echo "unet $2 rows<=$3 #$1 ($(( $(date +%s) - T0 )) s): rc $? $(grep -o '"msPerCall":[0-9.]*\|"msMin":[0-9.]*' /tmp/logs/unet4-$2-rows$3-$1.log | cut -d: -f2 | tr '\n' ' ')"; save; }
for i in 1 2 3; do u $i 512 0; u $i 512 512; done
for i in 1 2; do u $i 768 0; u $i 768 1152; done
