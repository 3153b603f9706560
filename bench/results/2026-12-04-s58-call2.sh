#!/bin/bash
# Session 58 call 2: the dense self-attentions by k_flash_wg64x3 (three warpgroups a block sharing each
# key tile, four stages counted on mbarriers so that a warpgroup waits for the others only two tiles
# ahead; session 8's three-warpgroup trial met at a barrier every tile and ran in lockstep), against
# d7f4f3c (ab-base). Here first: bash bench/ab-base.sh d7f4f3c && bash bench/device-dist.sh --benches attention,unet .gpu ab-base
# Carry [".gpu","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
# 1. The GPU suite (the new case: k_flash_wg64x3 against k_flash_wg64, bit for bit). 2. bench:attention
# (SD 2's self-attention shapes, 2 s back to back each for the energy), base and new in turn, twice.
# 3. bench:unet 512 and 768 px, base and new in turn, twice (one home).
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-suite.sh
for t in base-1 new-1 base-2 new-2; do
  d=dist; [ ${t%-*} = base ] && d=ab-base/dist
  FISEDIT_HOME=/tmp/fh-a BENCH_ENERGY_S=2 BENCH_TAG=s58c2-$t timeout -k 5 100 node $d/bench/attention.js > /tmp/logs/attention-$t.log 2>&1
  echo "attention $t ($(( $(date +%s) - T0 )) s): rc $?"
  grep -o '"tokens":[0-9]*,"channels":[0-9]*,"heads":[0-9]*,"us":[0-9.]*,"tflops":[0-9]*\|"joulesPerCall":[0-9.e-]*' /tmp/logs/attention-$t.log | tr '\n' ' '; echo
  save
done
for t in base-1 new-1 base-2 new-2; do
  [ $(( $(date +%s) - T0 )) -gt 520 ] && { echo "unet $t skipped: time"; continue; }
  d=dist; [ ${t%-*} = base ] && d=ab-base/dist
  FISEDIT_HOME=/tmp/fh-u BENCH_TAG=s58c2-unet-$t BENCH_MATH=fp16 BENCH_SIZES=512,768 BENCH_PIPELINE=0 timeout -k 5 120 node $d/bench/unet.js > /tmp/logs/unet-$t.log 2>&1
  echo "unet $t ($(( $(date +%s) - T0 )) s): rc $? $(grep -o '"px":[0-9]*,"batch":2,"msPerCall":[0-9.]*,"msMin":[0-9.]*' /tmp/logs/unet-$t.log | tr '\n' ' ')"
  grep -o '{"op":"k_flash_wg64[x3]*","ms":[0-9.]*,"count":[0-9]*}' /tmp/logs/unet-$t.log | tr '\n' ' '; echo
  save
done
echo "done ($(( $(date +%s) - T0 )) s)"
