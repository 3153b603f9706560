#!/bin/bash
# Session 58 call 3: each U-Net block in a tidy scope of its own (models/unet.ts), so that its
# intermediates go back to the pool when it ends and the next block's reuse them, maybe still in L2
# (a recorded call had every intermediate at an address of its own: fresh lines, each written back to
# memory), against 3df9018 (ab-base). Here first: bash bench/ab-base.sh 3df9018 && bash bench/device-dist.sh --benches edit,unet .gpu ab-base
# Carry [".gpu","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
# 1. The GPU suite (edits on the cuda backend against the cpu's: a buffer taken back too early would
# show). 2. bench:unet 512 and 768 px, base and new in turn, twice (one home): ms, peak memory, energy.
# 3. bench:edit's bins, base and new.
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-suite.sh
CALL=s58c3
source bench/gpu-edit.sh
for t in base-1 new-1 base-2 new-2; do
  d=dist; [ ${t%-*} = base ] && d=ab-base/dist
  FISEDIT_HOME=/tmp/fh-u BENCH_TAG=$CALL-unet-$t BENCH_MATH=fp16 BENCH_SIZES=512,768 BENCH_PIPELINE=0 timeout -k 5 120 node $d/bench/unet.js > /tmp/logs/unet-$t.log 2>&1
  echo "unet $t ($(( $(date +%s) - T0 )) s): rc $? $(grep -o '"px":[0-9]*,"batch":2,"msPerCall":[0-9.]*,"msMin":[0-9.]*,"msPerCallEager":[0-9.]*,"clocks":[^}]*},"backToBack":{[^}]*}\|"peakGpuGiB":[0-9.]*' /tmp/logs/unet-$t.log | sed 's/"clocks":[^}]*},//' | tr '\n' ' ')"
  save
done
for t in base new; do
  [ $(( $(date +%s) - T0 )) -gt 430 ] && { echo "bins $t skipped: time"; continue; }
  d=dist; [ $t = base ] && d=ab-base/dist
  bins bins-$t $d
done
echo "done ($(( $(date +%s) - T0 )) s)"
