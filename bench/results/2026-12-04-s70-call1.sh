#!/bin/bash
# Session 70, call 1 (timing trial, wrong results: …-s70-fp8-trial.diff, not in src): session 69's call 7
# bounded 8-bit weights by cuBLASLt's fp16 GEMMs reading half of K; here the recorded sparse steps'
# cuBLASLt GEMMs of linear layers and convolutions run as cuBLASLt's real FP8 GEMMs (e4m3 A and B over
# the first k bytes of each fp16 row, leading dimension 2k; C, D and bias fp16; scales 1): the kernels,
# tile choices and split-K an 8-bit step would get, with the bytes and MMAs it would have. Not counted:
# what writing 8-bit activations would save the kernels that make them, or a quantising pass.
# long: K >= 11520 only; all: every such GEMM; -fast: FP8 fast accumulation. Warm bins in one home, alternating.
# Here first: bash bench/device-dist.sh --benches edit .gpu. Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-setup.sh
CALL=s70c1; source bench/gpu-edit.sh
f8() { local tag=$1 fp8=$2 fast=$3 norm=$4 attention=$5
  (export BENCH_NORM=$norm BENCH_ATTENTION=$attention FISEDIT_TRIAL_FP8=$fp8 FISEDIT_TRIAL_FP8_FAST=$fast; BINS_PARTS=bins bins $tag dist)
  grep -h '^fp8 trial' /tmp/logs/edit-$tag.log | sort | uniq -c | head -8; }
f8 paper-fp16-1 none 0 cached fast
f8 paper-all-1 all 0 cached fast
f8 paper-allfast-1 all 1 cached fast
f8 paper-long-1 long 0 cached fast
f8 paper-fp16-2 none 0 cached fast
f8 paper-all-2 all 0 cached fast
f8 paper-allfast-2 all 1 cached fast
f8 defaults-fp16 none 0 exact accurate
f8 defaults-all all 0 exact accurate
echo "done ($(( $(date +%s) - T0 )) s)"
