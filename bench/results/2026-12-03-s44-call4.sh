#!/bin/bash
# Session 44, call 4: where a sparse step's time goes inside its graph, by kind of launch. A timing
# trial with wrong results (…-s44-skip-kinds-trial.diff: FISEDIT_TRIAL_SKIP, a pattern of op names
# CudaDevice.timed leaves out of recordings): bench:edit's bins in one home with every launch, with
# no library calls (cuBLASLt, cuDNN: /^(gemm|cudnn)/), with none of our kernels but flash attention's
# (/^k_(?!flash)/), with neither, and with every launch again. Sparse steps run below the power
# limit (1965-1980 MHz, session 38), so data left as garbage should not move the clock.
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fw
source bench/gpu-setup.sh
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
bins() { local tag=$1 skip=$2 extra=()
  [ -n "$skip" ] && extra=("FISEDIT_TRIAL_SKIP=$skip")
  env FISEDIT_HOME=/tmp/fw BENCH_TAG=s44c4-$tag BENCH_PARTS=bins "${extra[@]}" timeout 150 node --expose-gc dist/bench/edit.js > /tmp/logs/s44c4-$tag.log 2>&1; local rc=$?
  echo "$tag${skip:+ (skip $skip)} ($(( $(date +%s) - T0 )) s): rc $rc dense $(grep -o '"plainDenseStepMs":[0-9.]*' /tmp/logs/s44c4-$tag.log | cut -d: -f2) bins $(grep -o '"editSize":[0-9.]*,"sparseStepMs":[0-9.]*' /tmp/logs/s44c4-$tag.log | sed 's/"editSize"://; s/"sparseStepMs"://' | tr '\n' ' ')"
  [ $rc = 0 ] || tail -5 /tmp/logs/s44c4-$tag.log | cut -c1-300; save; }
bins warm ''
bins all-1 ''
bins library '^(gemm|cudnn)'
bins ours '^k_(?!flash)'
bins both '^(gemm|cudnn|k_(?!flash))'
bins all-2 ''
