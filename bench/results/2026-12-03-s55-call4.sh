#!/bin/bash
# Session 55, call 4: k_gemm_rows with K looped in passes (builds k_gemm_rows5_<S>x<P>: K = 2560,
# 5120, 5760, 11520, 23040, the im2col convolutions of levels 1-3 and the feed-forwards' second
# layers), linear running them up to 80 rows, against 1d90979 (ab-base: those on cuBLASLt).
# Here first: bash bench/ab-base.sh 1d90979 && bash bench/device-dist.sh --benches edit,gemm-rows .gpu ab-base
# Carry [".gpu","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
# 1. The GPU suite (long-K shapes against cpu and cuBLASLt). 2. bench:gemm-rows at a sparse step's
# long-K shapes. 3. Whole edits, base and new in turn, twice.
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-suite.sh
save
FISEDIT_HOME=/tmp/fh-g BENCH_TAG=s55c4 BENCH_SHAPES=40x1280x11520,76x1280x11520,40x1280x23040,76x1280x23040,76x1280x5120,40x1280x5120,252x640x5760,252x640x2560,76x640x2560 timeout -k 5 150 node dist/bench/gemm-rows.js > /tmp/logs/gemm-rows.log 2>&1; echo "gemm-rows rc $? ($(( $(date +%s) - T0 )) s)"
grep '^{' /tmp/logs/gemm-rows.log | sed 's/"launch":{"name":"\([^"]*\)","grid":\([0-9]*\),"splits":[0-9]*,"slabs":\([0-9]*\)[^}]*}/\1 g\2 s\3/; s/"launch":"[^"]*"/R/; s/"maxDiff[^A]*After/After/; s/,"backToBack[^}]*//' | cut -c1-500; grep -iE 'error' /tmp/logs/gemm-rows.log | head -5
save
CALL=s55c4
source bench/gpu-edit.sh
whole whole-base-1 ab-base/dist; whole whole-new-1 dist; whole whole-base-2 ab-base/dist; whole whole-new-2 dist
echo "done ($(( $(date +%s) - T0 )) s)"
