#!/bin/bash
# Session 54, call 3: k_gemm_rows with blocks of 8 warps (64 output channels: x read half as often as
# with 32), the partial products' rows padded (call 2's Nsight run: 8-way bank conflicts on their
# stores), the multiply unrolled for each slab count (a switch), no 20-chunk builds (spilled).
# Here first: bash bench/device-dist.sh --benches edit,gemm-rows .gpu
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
# 1. bench:gemm-rows (every split). 2. The GPU suite. 3. bench:edit bins + probe, BENCH_ROWS_GEMM=off
# and on alternating twice, one home. 4. Whole edits, off then on, a home each.
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-setup.sh
FISEDIT_HOME=/tmp/fh-g BENCH_TAG=s54c3 timeout -k 5 150 node dist/bench/gemm-rows.js > /tmp/logs/gemm-rows.log 2>&1; echo "gemm-rows rc $? ($(( $(date +%s) - T0 )) s)"
grep '^{' /tmp/logs/gemm-rows.log | sed 's/"launch":{[^}]*}/L/; s/"launch":"[^"]*"/R/' | cut -c1-600; grep -iE 'error' /tmp/logs/gemm-rows.log | head -5
save
FISEDIT_HOME=/tmp/fh-suite timeout -k 10 150 node --test --test-reporter=spec dist/test/gpu/*.test.js > /tmp/logs/test-gpu.log 2>&1
echo "rc $?" >> /tmp/logs/test-gpu.log
echo "suite ($(( $(date +%s) - T0 )) s): $(grep -E '^ℹ (pass|fail)' /tmp/logs/test-gpu.log | tr '\n' ' ')"
grep -q '^ℹ fail 0' /tmp/logs/test-gpu.log || { grep -E '^✖' /tmp/logs/test-gpu.log | cut -c1-300 | head -8; grep -A8 '^✖ failing tests' /tmp/logs/test-gpu.log | grep -vE '^\s+at ' | cut -c1-300 | head -30; }
save
CALL=s54c3
source bench/gpu-edit.sh
BENCH_ROWS_GEMM=off bins off-1 dist; bins on-1 dist
BENCH_ROWS_GEMM=off bins off-2 dist; bins on-2 dist
[ $(( $(date +%s) - T0 )) -lt 420 ] && { BENCH_ROWS_GEMM=off whole whole-off dist; whole whole-on dist; }
echo "done ($(( $(date +%s) - T0 )) s)"
