#!/bin/bash
# Session 54, call 4: where k_gemm_rows beats cuBLASLt. Call 3: at 76 x 1280 x 1280 its 4-way split
# 8.2 against 8.7 us behind a LayerNorm (the chooser's 8-way 9.0), slower at 252 / 768 / 700 rows, 2
# rows 4.3 against 6.7; whole edits' later sparse steps slower with it at 4.2 / 13.6% (3.27-3.33 /
# 4.65-4.70 against 3.13-3.19 / 4.43-4.49 ms), faster at the tiniest edits (0.04-0.13%: 2.34-2.47
# against 2.58-2.67). linear now runs it up to CudaOptions.rowsGemm rows (default 32, a guess this
# call checks); no 8-way splits (slower than 4 in call 3). Here first: bash bench/device-dist.sh --benches edit,gemm-rows .gpu
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
# 1. bench:gemm-rows at 8-128 rows. 2. Whole edits with BENCH_ROWS_GEMM=off and 32 (the default), a
# home each. 3. The GPU suite if time is left. (Device time left: ~520 s, with the start.)
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-setup.sh
FISEDIT_HOME=/tmp/fh-g BENCH_TAG=s54c4 BENCH_SHAPES=8x1280x1280,16x1280x1280,32x1280x1280,40x1280x1280,64x1280x1280,16x640x640,32x640x640,64x640x640,128x640x640,32x320x320,64x320x320,128x320x320 timeout -k 5 150 node dist/bench/gemm-rows.js > /tmp/logs/gemm-rows.log 2>&1; echo "gemm-rows rc $? ($(( $(date +%s) - T0 )) s)"
grep '^{' /tmp/logs/gemm-rows.log | sed 's/"launch":{[^}]*}/L/; s/"launch":"[^"]*"/R/; s/"maxDiff[^A]*After/After/; s/,"backToBack[^}]*//' | cut -c1-400; grep -iE 'error' /tmp/logs/gemm-rows.log | head -5
save
CALL=s54c4
source bench/gpu-edit.sh
BENCH_ROWS_GEMM=off whole whole-off dist; whole whole-32 dist
if [ $(( $(date +%s) - T0 )) -lt 200 ]; then
  FISEDIT_HOME=/tmp/fh-suite timeout -k 10 150 node --test --test-reporter=spec dist/test/gpu/*.test.js > /tmp/logs/test-gpu.log 2>&1
  echo "rc $?" >> /tmp/logs/test-gpu.log
  echo "suite ($(( $(date +%s) - T0 )) s): $(grep -E '^ℹ (pass|fail)' /tmp/logs/test-gpu.log | tr '\n' ' ')"
  grep -A8 '^✖ failing tests' /tmp/logs/test-gpu.log | grep -vE '^\s+at ' | cut -c1-300 | head -20
  save
fi
echo "done ($(( $(date +%s) - T0 )) s)"
