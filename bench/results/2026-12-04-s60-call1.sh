#!/bin/bash
# Prepared in session 59, not run (no device time left): Winograd's input transform 4 channels a
# thread (k_wino_input_v4, 80 registers a thread against the 16-byte build's 149: three 256-thread
# blocks an SM where one fit; call 5's profile had k_wino_input_v 1.03 ms of a 768 px call's 33
# launches, ~3x its traffic's floor). Also the first run of the GPU suite with the Winograd case's
# fixed weights (call 5 failed on the case's own upload inside a recording), and bench:winograd's
# per-shape comparison of the backend's Winograd with its direct path (new since call 5).
# Here first: bash bench/ab-base.sh HEAD && git apply bench/results/2026-12-04-s59-next-wino-input-v4.diff
#   && bash bench/device-dist.sh --benches edit,unet,winograd .gpu ab-base   (ab-base: HEAD without the diff)
# Carry [".gpu","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-suite.sh
FISEDIT_HOME=/tmp/fh-u BENCH_TAG=next-unet-warm BENCH_MATH=fp16 BENCH_SIZES=512,768 BENCH_PIPELINE=0 timeout -k 5 120 node dist/bench/unet.js > /tmp/logs/unet-warm.log 2>&1
for t in base-1 new-1 base-2 new-2; do
  d=dist; [ ${t%-*} = base ] && d=ab-base/dist
  FISEDIT_HOME=/tmp/fh-u BENCH_TAG=next-unet-$t BENCH_MATH=fp16 BENCH_SIZES=512,768 BENCH_PIPELINE=0 timeout -k 5 120 node $d/bench/unet.js > /tmp/logs/unet-$t.log 2>&1
  echo "unet $t ($(( $(date +%s) - T0 )) s): rc $? $(grep -o '"px":[0-9]*,"batch":2,"msPerCall":[0-9.]*,"msMin":[0-9.]*,"msPerCallEager":[0-9.]*,"clocks":[^}]*},"backToBack":{[^}]*}\|"peakGpuGiB":[0-9.]*' /tmp/logs/unet-$t.log | sed 's/"clocks":[^}]*},//' | tr '\n' ' ')"
  grep -o '{"op":"k_wino[^}]*}' /tmp/logs/unet-$t.log | tr '\n' ' '; echo
  save
done
# per shape, the backend's Winograd (with the diff) against its direct path, and the floors: a per-shape rule
FISEDIT_HOME=/tmp/fh-u timeout -k 5 200 node dist/bench/winograd.js > /tmp/logs/winograd.log 2>&1
echo "winograd ($(( $(date +%s) - T0 )) s): rc $?"; grep -v '^{' /tmp/logs/winograd.log | tail -4 | cut -c1-1500
save
echo "done ($(( $(date +%s) - T0 )) s)"
