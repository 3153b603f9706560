#!/bin/bash
# Session 69, call 7 (timing trial, wrong results: …-s69-half-k-trial.diff, not in src): for the
# precision decision sessions 67-69 leave to the planners (8-bit weights for the weight-streaming
# GEMMs), what halving their bytes would give a sparse step: cuBLASLt's GEMMs of a recorded step read
# half of K (k/2, leading dimension unchanged), the long-K ones (K >= 11520: the 1280-channel levels'
# 3x3 convolutions) or all of them. An upper bound on the bytes' share (no dequantisation, no scale,
# the half-size MMAs). Warm bins in one home, alternating, both configurations.
# Here first: bash bench/device-dist.sh --benches edit .gpu. Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-setup.sh
CALL=s69c7; source bench/gpu-edit.sh
hk() { local tag=$1 half=$2 norm=$3 attention=$4
  (export BENCH_NORM=$norm BENCH_ATTENTION=$attention FISEDIT_TRIAL_HALF_K=$half; BINS_PARTS=bins bins $tag dist); }
hk paper-full-1 none cached fast
hk paper-long-1 long cached fast
hk paper-all-1 all cached fast
hk paper-full-2 none cached fast
hk paper-long-2 long cached fast
hk paper-all-2 all cached fast
hk defaults-full none exact accurate
hk defaults-long long exact accurate
echo "done ($(( $(date +%s) - T0 )) s)"
