#!/bin/bash
# For session 32's first device call (written in session 31, whose device time ran out): the GPU suite
# on session 31's last commit (conv-paths.ts, a refactor of the tile-rows choice that calls 5-6 ran as
# v3), then bench:edit's bins and whole edits with the plan by rows (the default), the figures the
# README's next table should take, and which cuBLASLt algorithms the 12 x 12 level's GEMMs of 40-200
# rows run (hostCosts in the JSON names borrowed choices; the census of call 7 had them at 16 us on 40
# blocks, ~1.8 TB/s of weights: more split-K candidates are the next thing to try).
# Before: build dist; move node_modules/@koromix/koffi-linux-x64/musl_x64 aside.
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
source bench/gpu-suite.sh
FISEDIT_HOME=/tmp/fh-e BENCH_TAG=s32-first BENCH_PARTS=bins,whole BENCH_PREPARE=on timeout 300 node --expose-gc dist/bench/edit.js > /tmp/logs/edit.log 2>&1
echo "edit ($(( $(date +%s) - T0 )) s): $(grep -o '"editSize":[0-9.]*,"sparseStepMs":[0-9.]*' /tmp/logs/edit.log | sed 's/"editSize"://; s/"sparseStepMs"://' | tr '\n' ' ')"
node dist/bench/whole-edits-summary.js /tmp/logs/edit.log | tr '|' '\n' | sed 's/, recordings.*//; s/^.*log: //' | grep -v 'its region' | tr '\n' '|' | cut -c1-1400; echo
grep -o 'cuBLASLt borrowed[^"]*"[^"]*"[^}]*' /tmp/logs/edit.log | head -5
cd $OUT && mkdir -p j && mv $OUT/*.json j/ 2>/dev/null; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j
