#!/bin/bash
# Session 54, call 1: k_gemm_rows (kernels/gemm-rows-sm90.cu), a few-row linear layer of ours that
# brings its weights into L2 (bulk prefetch) before its programmatic wait, K split among a cluster's
# blocks, mma.sync; linear() runs it for up to 1024 rows where a build covers K in one wave
# (gemm-rows.ts), cuBLASLt otherwise. The cluster helpers moved to cluster.cuh (tile-conv-sm90's
# cubin rebuilt from them).
# Here first: bash bench/device-dist.sh --benches edit,gemm-rows,unet .gpu
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
# 1. The GPU suite (new: linear of few rows on k_gemm_rows against cpu and cuBLASLt). Benches run even if it fails.
# 2. bench:gemm-rows (library against ours, behind a LayerNorm and back to back).
# 3. bench:edit bins + probe, BENCH_ROWS_GEMM=off and on alternating twice, one home.
# 4. Whole edits, off then on, a home each.
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-suite.sh
save
grep -q '^ℹ fail 0' /tmp/logs/test-gpu.log || { echo "suite failed: the benches run all the same"; grep -B2 -A8 'linear of few rows' /tmp/logs/test-gpu.log | grep -E 'error|✖|expected|actual' | cut -c1-300 | head -20; }
FISEDIT_HOME=/tmp/fh-g BENCH_TAG=s54c1 timeout -k 5 120 node dist/bench/gemm-rows.js > /tmp/logs/gemm-rows.log 2>&1; echo "gemm-rows rc $? ($(( $(date +%s) - T0 )) s)"
grep '^{' /tmp/logs/gemm-rows.log | sed 's/"launch":{[^}]*}/L/' | cut -c1-400; grep -iE 'error' /tmp/logs/gemm-rows.log | head -5
save
CALL=s54c1
source bench/gpu-edit.sh
BENCH_ROWS_GEMM=off bins off-1 dist; bins on-1 dist
BENCH_ROWS_GEMM=off bins off-2 dist; bins on-2 dist
[ $(( $(date +%s) - T0 )) -lt 420 ] && { BENCH_ROWS_GEMM=off whole whole-off dist; whole whole-on dist; }
echo "done ($(( $(date +%s) - T0 )) s)"
