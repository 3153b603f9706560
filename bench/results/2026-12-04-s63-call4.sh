#!/bin/bash
# Session 63, call 4: the session's code as committed (Winograd over a sparse step's tiles, its batches'
# cuBLASLt families by octave of tiles; call 3's fused output transform dropped, k_wino2_output as
# before): the GPU suite (the tile case writing with a residual and undoing it, by k_overwrite_blocks
# again), the bins, the probe's profile at ~15% and ~30% (what a step spends now that its tile
# convolutions are Winograd's), whole edits once.
# Here first: bash bench/device-dist.sh --benches edit .gpu
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-suite.sh
CALL=s63c4; source bench/gpu-edit.sh
bins bins dist
for b in 15 30; do BENCH_PROBE_BIN=$b BINS_PARTS=probe bins probe-$b dist; done
whole whole dist
echo "done ($(( $(date +%s) - T0 )) s)"
