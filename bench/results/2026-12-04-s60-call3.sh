#!/bin/bash
# Session 60 call 3: Winograd's output transform 4 channels a thread (HEAD, 56 registers) against
# 8 (ab-base: HEAD~1, 84), and two other blocks of the fused input transform with it (ab-mix/in88:
# 8 x 8 tiles and 32 channels, 512 threads, 1.27 reads a value; ab-mix/in2864: 2 x 8 tiles and 64
# channels, 128-byte rows of each plane a warp writes, 1.69 reads a value; HEAD's 4 x 8 x 32 reads 1.41);
# the GPU suite first (the output transform's new form), then bench:edit's whole edits at HEAD.
# Here first: (a tmp branch per block constant) bash bench/ab-base.sh tmp-in88 && mv ab-base ab-mix/in88,
#   likewise in2864, bash bench/ab-base.sh HEAD~1 && bash bench/device-dist.sh --benches edit,unet .gpu ab-base ab-mix
# Carry [".gpu","dist","ab-base","ab-mix","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-suite.sh
FISEDIT_HOME=/tmp/fh-u BENCH_TAG=s60c3-unet-warm BENCH_MATH=fp16 BENCH_SIZES=512,768 BENCH_PIPELINE=0 timeout -k 5 120 node dist/bench/unet.js > /tmp/logs/unet-warm.log 2>&1
for t in base-1 out4-1 in88-1 in2864-1 base-2 out4-2 in88-2 in2864-2; do
  case ${t%-*} in base) d=ab-base/dist;; out4) d=dist;; *) d=ab-mix/${t%-*}/dist;; esac
  FISEDIT_HOME=/tmp/fh-u BENCH_TAG=s60c3-unet-$t BENCH_MATH=fp16 BENCH_SIZES=512,768 BENCH_PIPELINE=0 timeout -k 5 120 node $d/bench/unet.js > /tmp/logs/unet-$t.log 2>&1
  echo "unet $t ($(( $(date +%s) - T0 )) s): rc $? $(grep -o '"px":[0-9]*,"batch":2,"msPerCall":[0-9.]*,"msMin":[0-9.]*,"msPerCallEager":[0-9.]*,"clocks":[^}]*},"backToBack":{[^}]*}\|"peakGpuGiB":[0-9.]*' /tmp/logs/unet-$t.log | sed 's/"clocks":[^}]*},//' | tr '\n' ' ')"
  grep -o '{"op":"k_wino[^}]*}' /tmp/logs/unet-$t.log | tr '\n' ' '; echo
  save
done
CALL=s60c3; source bench/gpu-edit.sh
whole whole dist
echo "done ($(( $(date +%s) - T0 )) s)"
