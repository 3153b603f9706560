#!/bin/bash
# Session 33, call 4 (trial): a sparse step's one-position tiles of 320-639 input channels as im2col
# rows + GEMM (BENCH_TILE_ROWS_FROM=320: CudaOptions.tileRowsFromChannels) instead of cuDNN over
# APSC's blocks (gather tiles, convolve, write: 63.6 us a 96 x 96 x 320 layer at ~30% in call 1's
# census). bench:edit's bins and whole edits (after prepareEdits), default / trial, alternating twice.
# Carry [".gpu-lite","dist","node_modules/koffi","node_modules/@koromix"].
mkdir -p .gpu-lite/data /tmp/logs && xz -dc .gpu-lite/masks.xz > .gpu-lite/data/masks-dev-300.bin
source .gpu-lite/env.sh && export OUT
T0=$(date +%s)
e() { FISEDIT_HOME=/tmp/fh-e BENCH_TILE_ROWS_FROM=$1 BENCH_TAG=s33-rows-from-$3$2 BENCH_PARTS=bins,whole BENCH_PREPARE=on timeout 140 node --expose-gc dist/bench/edit.js > /tmp/logs/edit-$3$2.log 2>&1
  echo "edit $3$2 ($(( $(date +%s) - T0 )) s): $(grep -o '"editSize":[0-9.]*,"sparseStepMs":[0-9.]*' /tmp/logs/edit-$3$2.log | sed 's/"editSize"://; s/"sparseStepMs"://' | tr '\n' ' ') $(grep -o 'rror.*' /tmp/logs/edit-$3$2.log | head -1)"
  node dist/bench/whole-edits-summary.js /tmp/logs/edit-$3$2.log | tr '|' '\n' | sed 's/, recordings.*//; s/^.*log: //' | grep -E 'masked ~|^ ?2 ' | tr '\n' '|' | cut -c1-700; echo; }
for r in 1 2; do e '' $r base; e 320 $r rows320; done
cd $OUT && mkdir -p j && mv $OUT/*.json j/ 2>/dev/null; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j
