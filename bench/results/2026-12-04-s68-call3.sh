#!/bin/bash
# Session 68, call 3: call 2's timing trial (…-s68-skip-families-trial.diff, wrong results) for the
# families call 2 left out, and for the defaults (exact statistics, accurate attention). Warm bins in
# one home after the warm-up. The paper's configuration: none; flash attention; the transformers'
# linear layers (k_gemm_rows, cuBLASLt's linear GEMMs of K up to 5120 and the batched projections);
# Winograd's products and output transforms over tiles. The defaults: none; GroupNorm's statistics
# (partial sums and fold); flash attention; the long-K GEMMs of the 1280-channel levels; none again.
# Here first: the trial diff applied, bash bench/device-dist.sh --benches edit .gpu. Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-setup.sh
CALL=s68c3; source bench/gpu-edit.sh
skip() { local tag=$1 norm=$2 att=$3; shift 3; (export BENCH_NORM=$norm BENCH_ATTENTION=$att FISEDIT_TRIAL_SKIP="$1"; BINS_PARTS=bins bins $tag dist); }
skip paper-none cached fast '^$'
skip paper-attention cached fast '^k_flash'
skip paper-linear cached fast '^(k_gemm_rows|gemm linear/conv [0-9]+x[0-9]+x(320|640|1280|2560|5120)$|gemm projections)'
skip paper-wino-rest cached fast '^(gemm winograd|k_wino2_output)'
skip defaults-none exact accurate '^$'
skip defaults-group-norm exact accurate '^k_group'
skip defaults-attention exact accurate '^k_flash'
skip defaults-long-k exact accurate '^gemm linear/conv [0-9]+x1280x(11520|23040)$'
skip defaults-none-2 exact accurate '^$'
echo "done ($(( $(date +%s) - T0 )) s)"
