#!/bin/bash
# Session 59 call 5: Winograd in graphs only (eagerly, an edit's VAE decode took 24-32 ms with it against 21-24 in call 4, and the first sparse steps 72-98 against 51-61 ms of host time). 3x3 convolutions by Winograd
# winogradConv; CudaOptions.winograd, BENCH_WINOGRAD=off for the direct path in the same build).
# Here first: bash bench/device-dist.sh --benches edit,unet .gpu
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
# 1. The GPU suite (the new Winograd case against the cpu). 2. bench:unet 512 and 768 px, off and on
# in turn, twice (one home, after a warm process): ms, energy, peak memory, and the profile's
# Winograd ops. 3. bench:edit's whole edits, off and on (the dense steps run it).
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-suite.sh
grep -E "winograd|Winograd" /tmp/logs/test-gpu.log | cut -c1-300 | head -5
FISEDIT_HOME=/tmp/fh-u BENCH_TAG=s59c5-unet-warm BENCH_MATH=fp16 BENCH_SIZES=512,768 BENCH_PIPELINE=0 timeout -k 5 120 node dist/bench/unet.js > /tmp/logs/unet-warm.log 2>&1
echo "unet warm ($(( $(date +%s) - T0 )) s): rc $?"
for t in off-1 on-1 off-2 on-2; do
  FISEDIT_HOME=/tmp/fh-u BENCH_WINOGRAD=${t%-*} BENCH_TAG=s59c5-unet-$t BENCH_MATH=fp16 BENCH_SIZES=512,768 BENCH_PIPELINE=0 timeout -k 5 120 node dist/bench/unet.js > /tmp/logs/unet-$t.log 2>&1
  echo "unet $t ($(( $(date +%s) - T0 )) s): rc $? $(grep -o '"px":[0-9]*,"batch":2,"msPerCall":[0-9.]*,"msMin":[0-9.]*,"msPerCallEager":[0-9.]*,"clocks":[^}]*},"backToBack":{[^}]*}\|"peakGpuGiB":[0-9.]*' /tmp/logs/unet-$t.log | sed 's/"clocks":[^}]*},//' | tr '\n' ' ')"
  save
done
grep -o '{"op":"[^"]*wino[^}]*}\|{"op":"cudnn[^}]*}\|{"op":"k_channel_affine[^}]*}' /tmp/logs/unet-on-2.log | head -24
grep -o '{"op":"cudnn[^}]*}\|{"op":"k_channel_affine[^}]*}' /tmp/logs/unet-off-2.log | head -12
CALL=s59c5
source bench/gpu-edit.sh
for t in off on; do
  [ $(( $(date +%s) - T0 )) -gt 470 ] && { echo "whole $t skipped: time"; continue; }
  BENCH_WINOGRAD=$t whole whole-$t dist
done
echo "done ($(( $(date +%s) - T0 )) s)"
