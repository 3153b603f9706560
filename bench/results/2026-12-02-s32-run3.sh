#!/bin/bash
# Session 32, calls 3 and 4 (call 4: k_group_small with a lane per (position class, channel slice), 16 warps a block): a sparse step's GroupNorm statistics over few flagged segments in one launch
# (k_group_small: a warp a segment in k_group_partial's order, then k_group_affine's fold;
# CudaOptions.groupStatsInOneLaunch, default on). The GPU suite first (its group-statistics tests
# assert the same bits as over the whole map, now through k_group_small), then bench:edit's bins and
# whole edits (after prepareEdits) with BENCH_GROUP_SMALL=off / on, alternating twice in one home.
# Before: build dist, delete dist/test/*.js but dist/test/gpu (the 64 MiB carry), move musl_x64 aside.
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
source bench/gpu-suite.sh
e() { FISEDIT_HOME=/tmp/fh-e BENCH_GROUP_SMALL=$1 BENCH_TAG=s32-group-small-$1$2 BENCH_PARTS=bins,whole BENCH_PREPARE=on timeout 150 node --expose-gc dist/bench/edit.js > /tmp/logs/edit-$1$2.log 2>&1
  echo "edit $1$2 ($(( $(date +%s) - T0 )) s): $(grep -o '"editSize":[0-9.]*,"sparseStepMs":[0-9.]*' /tmp/logs/edit-$1$2.log | sed 's/"editSize"://; s/"sparseStepMs"://' | tr '\n' ' ') $(grep -o 'rror.*' /tmp/logs/edit-$1$2.log | head -1)"
  node dist/bench/whole-edits-summary.js /tmp/logs/edit-$1$2.log | tr '|' '\n' | sed 's/, recordings.*//; s/^.*log: //' | grep -E 'masked ~|^ ?2 ' | tr '\n' '|' | cut -c1-700; echo; }
for r in 1 2; do e off $r; e on $r; done
cd $OUT && mkdir -p j && mv $OUT/*.json j/ 2>/dev/null; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j
