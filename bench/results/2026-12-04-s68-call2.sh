#!/bin/bash
# Session 68, call 2: what each family of a sparse step's launches costs the step's chain, in the
# paper's configuration (BENCH_NORM=cached BENCH_ATTENTION=fast), the one nearest the targets. A timing
# trial with wrong results (…-s68-skip-families-trial.diff, session 44's FISEDIT_TRIAL_SKIP with the
# op's shape in what the pattern reads): the ops whose name matches are left out of the recorded
# sparse steps, and the warm bins say how much shorter the steps get. Patterns: none; the blocks'
# in-place writes; the token rows' writes; LayerNorm; the im2col gathers; the long-K GEMMs of the
# 1280-channel levels (3x3 convolutions by rows); Winograd's input transforms over tiles; the
# gathers of token rows, GEGLU and concatenation; none again. One home, after the warm-up.
# Here first: the trial diff applied, bash bench/device-dist.sh --benches edit .gpu. Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-setup.sh
CALL=s68c2; source bench/gpu-edit.sh
skip() { local tag=$1; shift; (export BENCH_NORM=cached BENCH_ATTENTION=fast FISEDIT_TRIAL_SKIP="$1"; BINS_PARTS=bins bins $tag dist); }
skip none-1 '^$'
skip blocks-writes '^k_overwrite_blocks'
skip rows-writes '^k_overwrite_rows'
skip layer-norm '^k_layer_norm'
skip im2col '^k_gather_im2col'
skip long-k '^gemm linear/conv [0-9]+x1280x(11520|23040)$'
skip wino-tiles '^k_wino2_input_tiles'
skip small '^k_(gather_rows|geglu|concat)'
skip none-2 '^$'
echo "done ($(( $(date +%s) - T0 )) s)"
