#!/bin/bash
# Session 60 call 5 (the machine still warm from call 4, 213 s of device time left): three more
# bench:unet processes of the working tree of call 4 (the fused input transform with the fast SiLU),
# for the 768 px figure. Run as one command line; here as a script.
T0=$(date +%s); source bench/gpu-setup.sh >/dev/null 2>&1
for t in final-1 final-2 final-3; do
  FISEDIT_HOME=/tmp/fh-u BENCH_TAG=s60c5-unet-$t BENCH_MATH=fp16 BENCH_SIZES=512,768 BENCH_PIPELINE=0 timeout -k 5 60 node dist/bench/unet.js > /tmp/logs/unet-$t.log 2>&1
  echo "unet $t ($(( $(date +%s) - T0 )) s): rc $? $(grep -o '"px":[0-9]*,"batch":2,"msPerCall":[0-9.]*,"msMin":[0-9.]*,"msPerCallEager":[0-9.]*,"clocks":[^}]*},"backToBack":{[^}]*}\|"peakGpuGiB":[0-9.]*' /tmp/logs/unet-$t.log | sed 's/"clocks":[^}]*},//' | tr '\n' ' ')"
  save
done
