#!/bin/bash
# Session 48, call 7 (the last of the session's device time): bench:tile-conv at a sparse step's
# one-position tiles (side 3: a plan by rows), the fused k_tile_conv_wg against the library path
# (gather, cuBLASLt with split-K and its reduction, write) in graphs of 10: 40 / 76 / 120 rows of
# 1280 -> 1280 and 40 of 2560 -> 1280 (a ~5-30% step's 12 x 12 and 24 x 24 convolutions). Whether
# the fused path, one launch where the library's is four, is near enough to build on for them.
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-setup.sh
BENCH_TAG=s48c7 BENCH_TILE_CONV_SHAPES=1280:1280:3:20,1280:1280:3:38,1280:1280:3:60,2560:1280:3:20 timeout -k 5 100 node dist/bench/tile-conv.js > /tmp/logs/tile-conv.log 2>&1
echo "tile-conv ($(( $(date +%s) - T0 )) s): rc $?"; grep '^{' /tmp/logs/tile-conv.log; tail -3 /tmp/logs/tile-conv.log | grep -v '^{' | cut -c1-300
cp /tmp/logs/tile-conv.log $OUT/
