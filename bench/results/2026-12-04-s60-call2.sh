#!/bin/bash
# Session 60 call 2: Winograd's input transform reading the norm's affine and SiLU itself through
# shared memory (k_wino_input, HEAD), against call 1's k_wino_input_v4 behind an affine pass (ab-base:
# HEAD~1) and the fused form with a per-shape rule (ab-mix/rule: Winograd only where ci co / (ci + co)
# >= 360, leaving out call 1's losers 320->320 at 96, 640->640 and 320->640 at 48); the GPU suite
# first (the Winograd case now also through SiLU alone, over a 28 x 24 map), bench:winograd per shape
# with the fused transform last.
# Here first: bash bench/ab-base.sh tmp-rule && mv ab-base ab-mix/rule && bash bench/ab-base.sh HEAD~1
#   && bash bench/device-dist.sh --benches edit,unet,winograd .gpu ab-base ab-mix
# Carry [".gpu","dist","ab-base","ab-mix","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-suite.sh
FISEDIT_HOME=/tmp/fh-u BENCH_TAG=s60c2-unet-warm BENCH_MATH=fp16 BENCH_SIZES=512,768 BENCH_PIPELINE=0 timeout -k 5 120 node dist/bench/unet.js > /tmp/logs/unet-warm.log 2>&1
for t in base-1 fused-1 rule-1 base-2 fused-2 rule-2; do
  case ${t%-*} in base) d=ab-base/dist;; fused) d=dist;; rule) d=ab-mix/rule/dist;; esac
  FISEDIT_HOME=/tmp/fh-u BENCH_TAG=s60c2-unet-$t BENCH_MATH=fp16 BENCH_SIZES=512,768 BENCH_PIPELINE=0 timeout -k 5 120 node $d/bench/unet.js > /tmp/logs/unet-$t.log 2>&1
  echo "unet $t ($(( $(date +%s) - T0 )) s): rc $? $(grep -o '"px":[0-9]*,"batch":2,"msPerCall":[0-9.]*,"msMin":[0-9.]*,"msPerCallEager":[0-9.]*,"clocks":[^}]*},"backToBack":{[^}]*}\|"peakGpuGiB":[0-9.]*' /tmp/logs/unet-$t.log | sed 's/"clocks":[^}]*},//' | tr '\n' ' ')"
  grep -o '{"op":"k_wino[^}]*}\|{"op":"k_channel_affine[^}]*}' /tmp/logs/unet-$t.log | tr '\n' ' '; echo
  save
done
FISEDIT_HOME=/tmp/fh-u timeout -k 5 200 node dist/bench/winograd.js > /tmp/logs/winograd.log 2>&1
echo "winograd ($(( $(date +%s) - T0 )) s): rc $?"; grep -v '^{' /tmp/logs/winograd.log | tail -4 | cut -c1-1500
save
echo "done ($(( $(date +%s) - T0 )) s)"
