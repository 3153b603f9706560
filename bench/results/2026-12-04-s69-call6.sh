#!/bin/bash
# Session 69, call 6 (timing trial, wrong results: …-s69-no-proj-out-trial.diff, not in src): what a
# sparse step would gain with one dependent GEMM fewer in each transformer. A transformer's
# feed-forward output (W2 g + b2 + h) and proj_out (P t + bP + x) are linear back to back, so
# y = (P W2) g + [P h + P b2 + bP + x], the bracket computable beside LayerNorm3 -> W1 -> GEGLU:
# 16 GEMMs off the chain. Here the bound: proj_out's GEMM left out of the recorded sparse steps (its
# input written in its place). Warm bins in one home, alternating, both configurations.
# Here first: bash bench/device-dist.sh --benches edit .gpu. Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-setup.sh
CALL=s69c6; source bench/gpu-edit.sh
np() { local tag=$1 on=$2 norm=$3 attention=$4
  (export BENCH_NORM=$norm BENCH_ATTENTION=$attention FISEDIT_TRIAL_NO_PROJ_OUT=$on; BINS_PARTS=bins bins $tag dist); }
for r in 1 2; do
  np paper-with-$r 0 cached fast
  np paper-without-$r 1 cached fast
done
np defaults-with 0 exact accurate
np defaults-without 1 exact accurate
echo "done ($(( $(date +%s) - T0 )) s)"
