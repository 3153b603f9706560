#!/bin/bash
# Session 32, call 2: weights fetched into L2 ahead of the GEMMs that read them (k_prefetch_l2,
# cp.async.bulk.prefetch.L2; CudaOptions.prefetchWeights, BENCH_PREFETCH=on).
# 1. bench:gemm on the few-row shapes of a ~5% step: weights warm in L2 (one copy), read from memory
#    (BENCH_COLD), and read from memory with the next GEMM's copy prefetched before each GEMM.
# 2. bench:edit bins and whole edits (after prepareEdits) with the option off / on, alternating twice.
# No GPU suite (a hint that changes no result; the suite ran at call 1), so the call carries .gpu-lite.
# Carry [".gpu-lite","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
mkdir -p .gpu-lite/data /tmp/logs && xz -dc .gpu-lite/masks.xz > .gpu-lite/data/masks-dev-300.bin
source .gpu-lite/env.sh && export OUT
SHAPES=40x1280x11520,76x1280x11520,40x1280x23040,76x1280x17280,76x10240x1280,76x1280x5120,40x1280x1280
g() { env $2 BENCH_SHAPES=$SHAPES BENCH_TAG=s32-$1 timeout 100 node dist/bench/gemm.js > /tmp/logs/gemm-$1.log 2>&1
  echo "gemm $1 ($(( $(date +%s) - T0 )) s): $(grep -o '"rows":[0-9]*,"out":[0-9]*,"k":[0-9]*\|"firstChoiceUs":[0-9.]*,"bestUs":[0-9.]*' /tmp/logs/gemm-$1.log | sed 's/"rows"://; s/,"out":/x/; s/,"k":/x/; s/"firstChoiceUs"://; s/,"bestUs":/\//' | tr '\n' ' ') $(grep -o 'rror.*' /tmp/logs/gemm-$1.log | head -1)"; }
g warm BENCH_COLD=off
g cold BENCH_COLD=on
g prefetch "BENCH_COLD=on BENCH_PREFETCH=on"
e() { FISEDIT_HOME=/tmp/fh-e BENCH_PREFETCH=$1 BENCH_TAG=s32-prefetch-$1$2 BENCH_PARTS=bins,whole BENCH_PREPARE=on timeout 150 node --expose-gc dist/bench/edit.js > /tmp/logs/edit-$1$2.log 2>&1
  echo "edit $1$2 ($(( $(date +%s) - T0 )) s): $(grep -o '"editSize":[0-9.]*,"sparseStepMs":[0-9.]*' /tmp/logs/edit-$1$2.log | sed 's/"editSize"://; s/"sparseStepMs"://' | tr '\n' ' ') $(grep -o 'rror.*' /tmp/logs/edit-$1$2.log | head -1)"
  node dist/bench/whole-edits-summary.js /tmp/logs/edit-$1$2.log | tr '|' '\n' | sed 's/, recordings.*//; s/^.*log: //' | grep -E 'masked ~|^ ?2 ' | tr '\n' '|' | cut -c1-700; echo; }
for r in 1 2; do e off $r; e on $r; done
cd $OUT && mkdir -p j && mv $OUT/*.json j/ 2>/dev/null; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j
