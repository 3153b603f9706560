#!/bin/bash
# Prepared in session 57 for a later session (not run; its code is …-s57-next-tile-rows-tma.diff, not
# in src): k_tile_conv_wgs taking its tile rows by the TMA as well as its weights. Where a block's rows
# are whole tiles of a stride-1 convolution (one-position tiles, a plan by rows: every block; whole-map
# tiles), one 4-D box a stage over the gathered tiles [tiles][side][side][C], box [64, bo, bo, RN / bo^2]
# at (channel, kx, ky, first tile), instead of every thread's cp.async copies (session 51's Nsight
# Compute: latency-bound, 2.4M instructions at 40 rows against cuBLASLt's 0.95M). Also a build of
# 144 rows by 128 output channels (m64n144k16: a 12 x 12 map's positions), taken for at most 288
# rows: bench:tile-conv's 1280:1280:14:1 is a 768 px U-Net's 12 x 12 convolution as whole-map tiles,
# whose library path (im2col, split-K GEMM, reduction) takes ~45 us of the U-Net's event profile
# (session 57 call 2). Base: the commit the diff was made against (ab-base).
# Here first: git apply bench/results/2026-12-03-s57-next-tile-rows-tma.diff && bash bench/ab-base.sh <HEAD before applying>
#   && bash bench/device-dist.sh --benches tile-conv .gpu ab-base
# Carry [".gpu","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
# 1. The GPU suite (convTilesInto's new cases: whole-map tiles and 288 one-position tiles on wgs144x128,
# 3 x 3 blocks of rows by cp.async). 2. bench:tile-conv, base and new in turn, twice.
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-suite.sh
S=1280:1280:3:20,1280:1280:3:38,1280:1280:3:60,2560:1280:3:20,640:640:3:38,1280:1280:14:1,2560:1280:14:1
for t in base-1 new-1 base-2 new-2; do
  d=dist; [ ${t%-*} = base ] && d=ab-base/dist
  FISEDIT_HOME=/tmp/fh-t BENCH_COLD=on BENCH_TAG=tma-rows-$t BENCH_TILE_CONV_SHAPES=$S timeout -k 5 150 node $d/bench/tile-conv.js > /tmp/logs/tc-$t.log 2>&1
  echo "tile-conv $t ($(( $(date +%s) - T0 )) s): rc $?"
  grep -o '"ci":[0-9]*,"co":[0-9]*,"side":[0-9]*,"tiles":[0-9]*,"rows":[0-9]*,"kdim":[0-9]*,"fusedUs":[0-9.]*,"libraryUs":[0-9.]*,"fusedKernels":"[^"]*","maxDiffRelative":[0-9.e-]*' /tmp/logs/tc-$t.log | sed 's/"kdim":[0-9]*,//' | tr '\n' ' '; echo
  save
done
echo "done ($(( $(date +%s) - T0 )) s)"
