#!/bin/bash
# Session 51, call 3: what holds k_tile_conv_wgs now that its weights come by the TMA (call 1: 18.6 /
# 24.9 us in bench:tile-conv's graphs at 40 / 76 rows of 1280 -> 1280 over K = 11520, against 19.2-19.6 /
# 27.2-27.4 with every thread copying the weights, and the library path's 15.3-16.7 / 16.4-17.2).
# Session 49's Nsight Compute (…-s49-call4.log) had the cp.async form issue-bound: 2.75M / 4.0M
# instructions against cuBLASLt's 0.95M. The same sections on two launches of each.
# Here first: bash bench/device-dist.sh --benches tile-conv .gpu
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-setup.sh
which ncu >/dev/null || export PATH=$PATH:/usr/local/cuda/bin
n() { local tag=$1 shape=$2 filter=$3 count=$4
  FISEDIT_HOME=/tmp/fh-n timeout -k 5 150 ncu --set full -k "regex:$filter" -c $count --print-units base --page details --log-file /tmp/logs/ncu-$tag.log \
    env BENCH_REPLAYS=3 BENCH_TAG=s51c3-$tag BENCH_TILE_CONV_SHAPES=$shape node dist/bench/tile-conv.js > /tmp/logs/run-$tag.log 2>&1
  echo "ncu $tag ($(( $(date +%s) - T0 )) s): rc $?"
  grep -E '^  [a-zA-Z_]|Duration|Elapsed Cycles|SM Active Cycles|Executed Instructions  |Memory Throughput|DRAM Throughput|L2 Cache Throughput|Compute \(SM\) Throughput|Achieved Occupancy|Registers Per|Block Size|Grid Size|Dynamic Shared|Warp Cycles Per Issued|Issue Slots Busy|No Eligible|One or More|Stall' /tmp/logs/ncu-$tag.log | head -60 | cut -c1-150
  save; }
n wgs40 1280:1280:3:20 'k_tile_conv_wgs' 2
n wgs76 1280:1280:3:38 'k_tile_conv_wgs' 2
echo "done ($(( $(date +%s) - T0 )) s)"
