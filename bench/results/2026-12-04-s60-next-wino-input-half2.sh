#!/bin/bash
# Prepared in session 60, not run (its device time spent): Winograd's input transform in half2
# arithmetic with its patches in half in shared memory (40 registers and 11.5 KiB against 48 and 23 KiB;
# call 4's Nsight sections had the float form issue-bound, 60% SM against 26% DRAM throughput, and
# its SiLU by __expf / __fdividef took it from 0.71 to 0.61 ms of a 768 px call). Simulated error
# (numpy, …-s60-winograd-f4-error.{py,log}, its last line): 6.7e-4 of the output's RMS against
# 6.1e-4. If the input transform came near k_wino_output's 3 TB/s (~0.35 ms), the 768 px call would
# be ~9.8 ms. Runs the GPU suite first (the Winograd case's tolerance against the cpu), then bench:unet
# alternating with HEAD, then whole edits.
# Here first: bash bench/ab-base.sh HEAD && git apply bench/results/2026-12-04-s60-next-wino-input-half2.diff
#   && bash bench/device-dist.sh --benches edit,unet .gpu ab-base
# Carry [".gpu","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-suite.sh
FISEDIT_HOME=/tmp/fh-u BENCH_TAG=next-unet-warm BENCH_MATH=fp16 BENCH_SIZES=512,768 BENCH_PIPELINE=0 timeout -k 5 120 node dist/bench/unet.js > /tmp/logs/unet-warm.log 2>&1
for t in base-1 half2-1 base-2 half2-2 base-3 half2-3; do
  d=dist; [ ${t%-*} = base ] && d=ab-base/dist
  FISEDIT_HOME=/tmp/fh-u BENCH_TAG=next-unet-$t BENCH_MATH=fp16 BENCH_SIZES=512,768 BENCH_PIPELINE=0 timeout -k 5 120 node $d/bench/unet.js > /tmp/logs/unet-$t.log 2>&1
  echo "unet $t ($(( $(date +%s) - T0 )) s): rc $? $(grep -o '"px":[0-9]*,"batch":2,"msPerCall":[0-9.]*,"msMin":[0-9.]*,"msPerCallEager":[0-9.]*,"clocks":[^}]*},"backToBack":{[^}]*}\|"peakGpuGiB":[0-9.]*' /tmp/logs/unet-$t.log | sed 's/"clocks":[^}]*},//' | tr '\n' ' ')"
  grep -o '{"op":"k_wino[^}]*}' /tmp/logs/unet-$t.log | tr '\n' ' '; echo
  save
done
CALL=next; source bench/gpu-edit.sh
whole whole dist
echo "done ($(( $(date +%s) - T0 )) s)"
