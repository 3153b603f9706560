#!/bin/bash
# Session 55, call 1: k_gemm_rows with a model parameter's weights loaded into registers before its
# wait (fc0fb5d), where session 54 only prefetched them into L2 (its Nsight Compute: latency-bound).
# Here first: bash bench/ab-base.sh 8bbe466 && bash bench/device-dist.sh --benches edit,gemm-rows .gpu ab-base
# Carry [".gpu","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
# 1. The GPU suite (the new test: a parameter read after, then before the wait, the same bits).
# 2. bench:gemm-rows from 2 to 768 rows: Ours (parameters, early) against OursLate (session 54's
#    loads) and cuBLASLt, behind a LayerNorm. 3. Whole edits: 8bbe466 (ab-base) against this build at
#    the default 32 rows, and with the kernel up to 96 rows (a ~5% step's 76-row layers of 1280).
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-suite.sh
save
FISEDIT_HOME=/tmp/fh-g BENCH_TAG=s55c1 BENCH_SHAPES=2x320x1280,32x1280x1280,76x1280x1280,128x1280x1280,64x640x640,128x640x640,252x640x640,64x320x320,256x320x320,768x320x320,768x320x1280 timeout -k 5 150 node dist/bench/gemm-rows.js > /tmp/logs/gemm-rows.log 2>&1; echo "gemm-rows rc $? ($(( $(date +%s) - T0 )) s)"
grep '^{' /tmp/logs/gemm-rows.log | sed 's/"launch":{[^}]*}/L/; s/"launch":"[^"]*"/R/; s/"maxDiff[^A]*After/After/; s/,"backToBack[^}]*//' | cut -c1-400; grep -iE 'error' /tmp/logs/gemm-rows.log | head -5
save
CALL=s55c1
source bench/gpu-edit.sh
whole whole-base ab-base/dist; whole whole-32 dist; BENCH_ROWS_GEMM=96 whole whole-96 dist
echo "done ($(( $(date +%s) - T0 )) s)"
