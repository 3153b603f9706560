#!/bin/bash
# Session 55, call 3: k_gemm_rows's launch now takes as many blocks as a wave holds (blocks of 1-8
# slabs, the fewest splits among those), and linear runs it while x is at most 128 Ki values (102
# rows of 1280, 204 of 640, 409 of 320), against 8bbe466 (ab-base: up to 32 rows, blocks of up to
# 8 slabs, weights into L2 only). Here first: bash bench/ab-base.sh 8bbe466 &&
# bash bench/device-dist.sh --benches edit,gemm-rows .gpu ab-base
# Carry [".gpu","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
# 1. bench:gemm-rows at the shapes of a 1-30% step's layers. 2. Whole edits, base and new in turn,
# twice. 3. Bins with the probe's profile (new). 4. The GPU suite if time is left.
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-setup.sh
FISEDIT_HOME=/tmp/fh-g BENCH_TAG=s55c3 BENCH_SHAPES=32x1280x1280,76x1280x1280,100x1280x1280,64x640x640,128x640x640,200x640x640,64x320x320,256x320x320,400x320x320,768x320x320,2x320x1280 timeout -k 5 150 node dist/bench/gemm-rows.js > /tmp/logs/gemm-rows.log 2>&1; echo "gemm-rows rc $? ($(( $(date +%s) - T0 )) s)"
grep '^{' /tmp/logs/gemm-rows.log | sed 's/"launch":{"name":"\([^"]*\)","grid":\([0-9]*\),"splits":[0-9]*,"slabs":\([0-9]*\)[^}]*}/\1 g\2 s\3/; s/"launch":"[^"]*"/R/; s/"maxDiff[^A]*After/After/; s/,"backToBack[^}]*//' | cut -c1-500; grep -iE 'error' /tmp/logs/gemm-rows.log | head -5
save
CALL=s55c3
source bench/gpu-edit.sh
whole whole-base-1 ab-base/dist; whole whole-new-1 dist; whole whole-base-2 ab-base/dist; whole whole-new-2 dist
bins bins-new dist
if [ $(( $(date +%s) - T0 )) -lt 400 ]; then
  FISEDIT_HOME=/tmp/fh-suite timeout -k 10 150 node --test --test-reporter=spec dist/test/gpu/*.test.js > /tmp/logs/test-gpu.log 2>&1
  echo "rc $?" >> /tmp/logs/test-gpu.log
  echo "suite ($(( $(date +%s) - T0 )) s): $(grep -E '^ℹ (pass|fail)' /tmp/logs/test-gpu.log | tr '\n' ' ')"
  grep -A8 '^✖ failing tests' /tmp/logs/test-gpu.log | grep -vE '^\s+at ' | cut -c1-300 | head -20
  save
fi
echo "done ($(( $(date +%s) - T0 )) s)"
