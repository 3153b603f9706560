#!/bin/bash
# Session 54, call 2: why k_gemm_rows is slower than cuBLASLt (call 1: 76 x 1280 x 1280 10.2 against
# 8.3 us behind a LayerNorm, 10.9 against 5.5 back to back; only 2 rows faster, 4.4 against 6.6).
# Now: x's shared-memory rows padded to 64 past a multiple of 128 at 5 chunks too (call 1's 384-byte
# rows put two rows' reads on the same banks), the bias as one half2 load. No suite this call.
# Here first: bash bench/device-dist.sh --benches gemm-rows .gpu
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
# 1. bench:gemm-rows with every split of K a build offers at each shape.
# 2. Nsight Compute on k_gemm_rows and cuBLASLt's kernel at 76 x 1280 x 1280 (their first eager launches).
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-setup.sh
FISEDIT_HOME=/tmp/fh-g BENCH_TAG=s54c2 timeout -k 5 150 node dist/bench/gemm-rows.js > /tmp/logs/gemm-rows.log 2>&1; echo "gemm-rows rc $? ($(( $(date +%s) - T0 )) s)"
grep '^{' /tmp/logs/gemm-rows.log | sed 's/"launch":{[^}]*}/L/; s/"launch":"[^"]*"/R/' | cut -c1-600; grep -iE 'error' /tmp/logs/gemm-rows.log | head -5
save
which ncu >/dev/null || export PATH=$PATH:/usr/local/cuda/bin
FISEDIT_HOME=/tmp/fh-g BENCH_SHAPES=76x1280x1280 timeout -k 5 200 ncu --set full -k "regex:gemm_rows|nvjet|gemm|splitK" -c 3 --print-units base --page details --log-file /tmp/logs/ncu-rows.log node dist/bench/gemm-rows.js > /tmp/logs/ncu-run.log 2>&1
echo "ncu rc $? ($(( $(date +%s) - T0 )) s)"
grep -E '^  [a-zA-Z_]|Duration|Elapsed Cycles|SM Active Cycles|Executed Instructions  |Memory Throughput|DRAM Throughput|L2 Cache Throughput|Achieved Occupancy|Registers Per|Block Size|Grid Size|Cluster Size|Dynamic Shared|Warp Cycles Per Issued|Issue Slots Busy|No Eligible|Stall' /tmp/logs/ncu-rows.log | head -90 | cut -c1-150
grep -iE 'est\. speedup|stall' /tmp/logs/ncu-rows.log | head -20 | cut -c1-250
save
echo "done ($(( $(date +%s) - T0 )) s)"
