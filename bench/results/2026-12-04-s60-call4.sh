#!/bin/bash
# Session 60 call 4: the fused input transform's SiLU by __expf and __fdividef (working tree) against
# silu_f (ab-base: HEAD), alternating; then Nsight Compute's sections for the Winograd transforms of
# a 768 px call (HEAD's: what bounds them, for the next step); the GPU suite last, on the working tree.
# Here first: bash bench/ab-base.sh HEAD && bash bench/device-dist.sh --benches unet .gpu ab-base
# Carry [".gpu","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-setup.sh
which ncu >/dev/null || export PATH=$PATH:/usr/local/cuda/bin
FISEDIT_HOME=/tmp/fh-u BENCH_TAG=s60c4-unet-warm BENCH_MATH=fp16 BENCH_SIZES=512,768 BENCH_PIPELINE=0 timeout -k 5 120 node dist/bench/unet.js > /tmp/logs/unet-warm.log 2>&1
for t in base-1 fast-1 base-2 fast-2; do
  d=dist; [ ${t%-*} = base ] && d=ab-base/dist
  FISEDIT_HOME=/tmp/fh-u BENCH_TAG=s60c4-unet-$t BENCH_MATH=fp16 BENCH_SIZES=512,768 BENCH_PIPELINE=0 timeout -k 5 120 node $d/bench/unet.js > /tmp/logs/unet-$t.log 2>&1
  echo "unet $t ($(( $(date +%s) - T0 )) s): rc $? $(grep -o '"px":[0-9]*,"batch":2,"msPerCall":[0-9.]*,"msMin":[0-9.]*,"msPerCallEager":[0-9.]*,"clocks":[^}]*},"backToBack":{[^}]*}\|"peakGpuGiB":[0-9.]*' /tmp/logs/unet-$t.log | sed 's/"clocks":[^}]*},//' | tr '\n' ' ')"
  grep -o '{"op":"k_wino[^}]*}' /tmp/logs/unet-$t.log | tr '\n' ' '; echo
  save
done
# the first 96 x 96 x 320 convolution's transforms (launches 1-2 of each in the call), HEAD's build
FISEDIT_HOME=/tmp/fh-u BENCH_MATH=fp16 BENCH_SIZES=768 BENCH_PIPELINE=0 BENCH_CALLS=1 BENCH_KERNELS=on BENCH_TAG=s60c4-ncu timeout -k 5 150 ncu --profile-from-start off --kernel-name regex:k_wino_ --launch-count 4 --section SpeedOfLight --section MemoryWorkloadAnalysis --section Occupancy --section WarpStateStats --section LaunchStats --section SchedulerStats --print-units base --log-file /tmp/logs/ncu-wino.txt node ab-base/dist/bench/unet.js > /tmp/logs/ncu-run.log 2>&1
echo "ncu ($(( $(date +%s) - T0 )) s): rc $?"; grep -E "k_wino|Duration|DRAM Throughput|Memory Throughput|Achieved Occupancy|Registers Per|Theoretical Occupancy|L2 Hit|Compute \(SM\) Throughput|No Eligible|Issued Warp" /tmp/logs/ncu-wino.txt | head -60
save
[ $(( $(date +%s) - T0 )) -lt 250 ] && { suite; save; } || echo "suite skipped: time"
echo "done ($(( $(date +%s) - T0 )) s)"
