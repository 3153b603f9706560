#!/bin/bash
# Session 63, call 2: call 1's Winograd over a sparse step's tiles, now with its cuBLASLt batches in
# families by octave of tiles (cublaslt.ts GemmStrides 'by octave'): call 1's first masked edits were
# 20-30 ms slower, each tile count its own family, whose heuristic-first algorithm loaded its kernels
# inside the edit's first sparse step (hostCosts 'cuBLASLt first matmul' 69-98 ms). The GPU suite
# (the dense Winograd's batches keep their families by shape), whole edits against ab-base (d3d0591)
# twice, the bins once.
# Here first: bash bench/device-dist.sh --benches edit .gpu ab-base (ab-base: bash bench/ab-base.sh d3d0591)
# Carry [".gpu","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-suite.sh
CALL=s63c2; source bench/gpu-edit.sh
whole whole-new-1 dist
whole whole-base-1 ab-base/dist
whole whole-new-2 dist
whole whole-base-2 ab-base/dist
bins tiles-1 dist
[ $(( $(date +%s) - T0 )) -lt 500 ] && BENCH_WINOGRAD=off bins off-1 dist
echo "done ($(( $(date +%s) - T0 )) s)"
