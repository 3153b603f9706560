#!/bin/bash
# Session 57, call 2 (diagnosis, no code change; at ed53526): why the 768 px U-Net's 12 x 12 GEMMs take
# ~31.7 us in its event profile (288x1280x11520) where bench:gemm times them at 19.8-21 (cold weights, s24).
# Here first: bash bench/device-dist.sh --benches unet,gemm .gpu. Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
# 1. bench:gemm at the U-Net's 768 px shapes, cold weights, without and with a residual.
# 2. Nsight Compute: every kernel of one replayed 768 px U-Net call alone (duration, grid, block), as CSV.
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-setup.sh
which ncu >/dev/null || export PATH=$PATH:/usr/local/cuda/bin
for r in off on; do
  BENCH_COLD=on BENCH_RESIDUAL=$r BENCH_SHAPES=288x1280x11520,288x1280x23040,1152x1280x1280,4608x640x640,18432x320x320,1152x1280x5120 BENCH_TAG=s57c2-residual-$r timeout -k 5 150 node dist/bench/gemm.js > /tmp/logs/gemm-$r.log 2>&1
  echo "gemm residual $r ($(( $(date +%s) - T0 )) s): rc $?"
  grep -o '"rows":[0-9]*,"out":[0-9]*,"k":[0-9]*,[^]]*"firstChoiceUs":[0-9.]*,"bestUs":[0-9.]*\|"candidateUs":\[[^]]*\]' /tmp/logs/gemm-$r.log | sed 's/"weightCopies":[0-9]*,//' | tr '\n' ' '; echo
  save
done
FISEDIT_HOME=/tmp/fh-n BENCH_MATH=fp16 BENCH_SIZES=768 BENCH_PIPELINE=0 BENCH_CALLS=5 BENCH_KERNELS=on BENCH_TAG=s57c2-ncu timeout -k 5 300 ncu --profile-from-start off --metrics gpu__time_duration.sum,launch__grid_size,launch__block_size,launch__cluster_size --cache-control none --clock-control none --print-units base --csv --log-file /tmp/logs/ncu-unet-768.csv node dist/bench/unet.js > /tmp/logs/ncu-unet-run.log 2>&1
echo "ncu unet ($(( $(date +%s) - T0 )) s): rc $? $(grep -o '"px":[0-9]*,"batch":2,"msPerCall":[0-9.]*' /tmp/logs/ncu-unet-run.log) kernels $(grep -c gpu__time_duration /tmp/logs/ncu-unet-768.csv)"
tail -3 /tmp/logs/ncu-unet-run.log | cut -c1-300
xz -k /tmp/logs/ncu-unet-768.csv; cp /tmp/logs/ncu-unet-768.csv.xz $OUT/ 2>/dev/null
save
echo "done ($(( $(date +%s) - T0 )) s)"
