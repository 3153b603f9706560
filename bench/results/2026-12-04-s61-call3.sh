#!/bin/bash
# Session 61 call 3 (at the session's code, call 2's build: no change of its own): measurements for the
# issues' write-ups and the next session's plan.
# - bench:unet at its defaults in fp16 (512, 768 and 1024 px, and the whole 768 px text-to-image run at
#   50 steps: text encoder, U-Net, VAE decode), the figures the README's table keeps per size;
# - bench:edit's bins with the ~5% probe, then the probe alone at ~15% and ~30% (each bin's first
#   mask: a replayed step by phase and its event profile);
# - a census of one replayed 768 px sparse step at ~30% and ~15% (session 57's was ~5%
#   alone, session 48's ~30%): each kernel timed alone by Nsight Compute, then bench/kernel-times.ts's
#   table by kernel.
# Here first: bash bench/device-dist.sh --benches edit,unet .gpu
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-setup.sh
CALL=s61c3; source bench/gpu-edit.sh
FISEDIT_HOME=/tmp/fh-u BENCH_TAG=s61c3-all BENCH_MATH=fp16 timeout -k 5 200 node dist/bench/unet.js > /tmp/logs/unet-all.log 2>&1; rc=$?
echo "unet all ($(( $(date +%s) - T0 )) s): rc $rc $(grep -o '"px":[0-9]*,"batch":2,"msPerCall":[0-9.]*,"msMin":[0-9.]*\|"tflops":[0-9.]*\|"peakGpuGiB":[0-9.]*\|"seconds":[0-9.]*,"firstSeconds":[0-9.]*' /tmp/logs/unet-all.log | tr '\n' ' ')"
[ $rc = 0 ] || tail -5 /tmp/logs/unet-all.log | cut -c1-300; save
bins bins dist
for b in 15 30; do BENCH_PROBE_BIN=$b BINS_PARTS=probe bins probe-$b dist; done
which ncu >/dev/null || export PATH=$PATH:/usr/local/cuda/bin
for bin in 30 15; do
  [ $(( $(date +%s) - T0 )) -gt 380 ] && { echo "ncu bin $bin skipped: time"; continue; }
  FISEDIT_HOME=/tmp/fh-k timeout -k 5 150 ncu --profile-from-start off --metrics gpu__time_duration.sum --cache-control none --clock-control none --print-units base --csv --log-file /tmp/logs/ncu-$bin.csv env BENCH_KERNELS_BIN=$bin BENCH_TAG=s61c3-census-$bin BENCH_PARTS=kernels BENCH_STEPS=20 node --expose-gc dist/bench/edit.js > /tmp/logs/ncu-run-$bin.log 2>&1; rc=$?
  echo "ncu bin $bin ($(( $(date +%s) - T0 )) s): rc $rc"
  node dist/bench/kernel-times.js /tmp/logs/ncu-$bin.csv > /tmp/logs/kernels-$bin.log 2>&1; head -24 /tmp/logs/kernels-$bin.log | cut -c1-150
  xz /tmp/logs/ncu-$bin.csv; save
done
echo "done ($(( $(date +%s) - T0 )) s)"
