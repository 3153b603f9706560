#!/bin/bash
# Session 57, call 3 (at ed53526, no code change): the 768 px U-Net's 12 x 12 convolutions by cuDNN
# (BENCH_CONV=cudnn: every convolution by cuDNN) against im2col + cuBLASLt split-K GEMM + its reduction
# ('auto', the default in graphs for <= 400 rows of >= 640 channels), which Nsight Compute (call 2) had at
# ~8 + 17 + 5 us of kernels alone a convolution (288x1280x11520). bench:unet 512 and 768 px, both modes
# in one process, three processes of one home (the mode order turned in the second).
# Here first: bash bench/device-dist.sh --benches unet .gpu. Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-setup.sh
for t in 1:auto,cudnn 2:cudnn,auto 3:auto,cudnn; do
  FISEDIT_HOME=/tmp/fh-u BENCH_CONV=${t#*:} BENCH_TAG=s57c3-unet-${t%%:*} BENCH_MATH=fp16 BENCH_SIZES=512,768 BENCH_PIPELINE=0 timeout -k 5 200 node dist/bench/unet.js > /tmp/logs/unet-${t%%:*}.log 2>&1
  echo "unet $t ($(( $(date +%s) - T0 )) s): rc $?"
  grep -o '"convolution":"[a-z]*",[^{]*"px":[0-9]*,"batch":2,"msPerCall":[0-9.]*,"msMin":[0-9.]*' /tmp/logs/unet-${t%%:*}.log | sed 's/"dependentLaunches.*"px"/"px"/' | tr '\n' ' '; echo
  grep -o '{"op":"cudnn conv 3x3/[12] \(8x8\|12x12\|16x16\|24x24\)x[0-9]*->1280[^"]*","ms":[0-9.]*,"count":[0-9]*}\|{"op":"gemm linear/conv [0-9]*x1280x[0-9]*0","ms":[0-9.]*,"count":[0-9]*}\|{"op":"k_im2col_v","ms":[0-9.]*,"count":[0-9]*}' /tmp/logs/unet-${t%%:*}.log | tr '\n' ' '; echo
  save
done
echo "done ($(( $(date +%s) - T0 )) s)"
