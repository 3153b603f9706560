#!/bin/bash
# Session 54, call 5 (the device time left, ~290 s with the start): the dense U-Net with k_gemm_rows
# (the default: up to 32 rows, which in a dense call are only the time embedding's 2-row layers)
# against BENCH_ROWS_GEMM=off, at 512 and 768 px, fp16, after a warm-up run, one home.
# Here first: bash bench/device-dist.sh --benches unet .gpu
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-setup.sh
u() { local tag=$1
  FISEDIT_HOME=/tmp/fh-u BENCH_TAG=s54c5-unet-$tag BENCH_MATH=fp16 BENCH_SIZES=512,768 BENCH_PIPELINE=0 timeout -k 5 120 node dist/bench/unet.js > /tmp/logs/unet-$tag.log 2>&1; local rc=$?
  echo "unet $tag ($(( $(date +%s) - T0 )) s): rc $rc $(grep -o '"px":[0-9]*\|"msPerCall":[0-9.]*' /tmp/logs/unet-$tag.log | cut -d: -f2 | tr '\n' ' ')"
  [ $rc = 0 ] || tail -5 /tmp/logs/unet-$tag.log | cut -c1-300; save; }
u warm
BENCH_ROWS_GEMM=off u off-1; u on-1
[ $(( $(date +%s) - T0 )) -lt 150 ] && { BENCH_ROWS_GEMM=off u off-2; u on-2; }
echo "done ($(( $(date +%s) - T0 )) s)"
