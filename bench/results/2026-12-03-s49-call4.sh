#!/bin/bash
# Session 49, call 4: why k_tile_conv_wgs40x64_6 / 80x64_6 take 19 / 29 us for 40 / 76 rows of
# 1280 -> 1280 over K = 11520 (29.5 MB of weights: ~1.5 TB/s) while the library path's GEMM takes
# ~13-17, and why more stages made them slower (call 3). Nsight Compute's full set on two launches of
# each kernel from bench:tile-conv (weights in L2, as call 3's "cold off"), and on the library path's
# GEMM of the same shapes (14 launches: cuBLASLt's timing trials come first, the chosen kernel repeats last). Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-setup.sh
which ncu >/dev/null || export PATH=$PATH:/usr/local/cuda/bin
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
n() { local tag=$1 shape=$2 filter=$3 count=$4
  FISEDIT_HOME=/tmp/fh-n timeout -k 5 150 ncu --set full -k "regex:$filter" -c $count --print-units base --page details --log-file /tmp/logs/ncu-$tag.log \
    env BENCH_REPLAYS=3 BENCH_TAG=s49c4-$tag BENCH_TILE_CONV_SHAPES=$shape node dist/bench/tile-conv.js > /tmp/logs/run-$tag.log 2>&1
  echo "ncu $tag ($(( $(date +%s) - T0 )) s): rc $?"
  grep -E '^  [a-zA-Z_]|Duration|Memory Throughput|DRAM Throughput|L2 Cache Throughput|L1/TEX Cache Throughput|Compute \(SM\) Throughput|Achieved Occupancy|Registers Per|Block Size|Grid Size|Dynamic Shared|Warp Cycles Per Issued|Issue Slots Busy|No Eligible|One or More|Stall' /tmp/logs/ncu-$tag.log | head -80 | cut -c1-150
  save; }
n wgs40 1280:1280:3:20 'k_tile_conv_wgs' 2
n lib40 1280:1280:3:20 'nvjet|gemm|xmma' 14
n wgs76 1280:1280:3:38 'k_tile_conv_wgs' 2
n lib76 1280:1280:3:38 'nvjet|gemm|xmma' 14
echo "done ($(( $(date +%s) - T0 )) s)"
