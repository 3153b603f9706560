#!/bin/bash
# For session 32's first device call (written in session 31, whose device time ran out): the GPU suite
# on session 31's last commit (conv-paths.ts, a refactor of the tile-rows choice that calls 5-6 ran as
# v3), then bench:edit's bins and whole edits with the plan by rows (the default), the figures the
# README's next table should take, and which cuBLASLt algorithms the convolutions by rows at 12 x 12
# and 24 x 24 run (hostCosts in the JSON names borrowed choices; the census of call 7 had 40- and
# 76-row ones at ~16 us on 40 blocks, ~1.8 TB/s of weights), then the same with BENCH_GEMM_ALGOS=splits (CudaOptions.gemmAlgorithms
# 'timed with splits', written in session 31 without a GPU: trials also time each proposal with 2 and 4
# times its K slices for GEMMs of <= 512 columns over K >= 2048; the suite's new test checks its product),
# alternating twice.
# Before: build dist; move node_modules/@koromix/koffi-linux-x64/musl_x64 aside.
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
source bench/gpu-suite.sh
e() { FISEDIT_HOME=/tmp/fh-e BENCH_GEMM_ALGOS=$1 BENCH_TAG=s32-first-$1$2 BENCH_PARTS=bins,whole BENCH_PREPARE=on timeout 200 node --expose-gc dist/bench/edit.js > /tmp/logs/edit-$1$2.log 2>&1
  echo "edit $1$2 ($(( $(date +%s) - T0 )) s): $(grep -o '"editSize":[0-9.]*,"sparseStepMs":[0-9.]*' /tmp/logs/edit-$1$2.log | sed 's/"editSize"://; s/"sparseStepMs"://' | tr '\n' ' ') $(grep -o 'rror.*' /tmp/logs/edit-$1$2.log | head -1)"
  node dist/bench/whole-edits-summary.js /tmp/logs/edit-$1$2.log | tr '|' '\n' | sed 's/, recordings.*//; s/^.*log: //' | grep -E 'masked|^ ?2 ' | tr '\n' '|' | cut -c1-900; echo; }
for r in 1 2; do e timed $r; e splits $r; done
# the convolutions by rows alone: every heuristic candidate and its 2x / 4x K slices, weights from memory
BENCH_COLD=on BENCH_SPLITS=on BENCH_SHAPES=40x1280x11520,76x1280x11520,40x1280x23040,160x1280x11520,288x1280x11520 timeout 120 node dist/bench/gemm.js > /tmp/logs/gemm-splits.log 2>&1
echo "gemm splits ($(( $(date +%s) - T0 )) s):"; grep -o '"rows":[0-9]*,"out":[0-9]*,"k":[0-9]*\|"firstChoiceUs":[0-9.]*,"bestUs":[0-9.]*\|"bestSplits":[0-9]*' /tmp/logs/gemm-splits.log | tr '\n' ' '; echo
grep -o 'cuBLASLt borrowed[^"]*"[^"]*"[^}]*' /tmp/logs/edit-timed1.log | head -5
cd $OUT && mkdir -p j && mv $OUT/*.json j/ 2>/dev/null; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j
