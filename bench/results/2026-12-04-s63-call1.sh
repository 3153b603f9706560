#!/bin/bash
# Session 63, call 1: a sparse step's 3x3 tile convolutions by Winograd's F(2x2, 3x3) over the tiles
# (k_wino2_input_tiles reads each tile's patches from the map where it lies, through the norm's affine
# and SiLU; the products and the output transform are the dense path's), in place of gathering the tiles
# for cuDNN. The whole GPU suite first (a new case: conv2dTiles and convTilesInto by it), then the bins
# with it and with BENCH_WINOGRAD=off (sparse steps as before; dense ones lose Winograd too, which the
# bins' replayed sparse steps do not run), twice, then whole edits against ab-base (d3d0591) twice.
# Here first: bash bench/device-dist.sh --benches edit .gpu ab-base; bash bench/ab-base.sh d3d0591
# Carry [".gpu","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-suite.sh
CALL=s63c1; source bench/gpu-edit.sh
bins tiles-1 dist
BENCH_WINOGRAD=off bins off-1 dist
bins tiles-2 dist
BENCH_WINOGRAD=off bins off-2 dist
whole whole-new-1 dist
whole whole-base-1 ab-base/dist
[ $(( $(date +%s) - T0 )) -lt 480 ] && { whole whole-new-2 dist; whole whole-base-2 ab-base/dist; }
echo "done ($(( $(date +%s) - T0 )) s)"
