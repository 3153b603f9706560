#!/bin/bash
# Session 44, call 5: call 4's timing trial (…-s44-skip-kinds-trial.diff, wrong results) by family:
# bench:edit's bins in one home with every launch, then without each family of our kernels in turn
# (GroupNorm statistics, the gathers, the in-place writes, LayerNorm, the rest but flash attention),
# without cuBLASLt's GEMMs alone and cuDNN's convolutions alone, and with every launch again.
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fw
source bench/gpu-setup.sh
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
bins() { local tag=$1 skip=$2 extra=()
  [ -n "$skip" ] && extra=("FISEDIT_TRIAL_SKIP=$skip")
  env FISEDIT_HOME=/tmp/fw BENCH_TAG=s44c5-$tag BENCH_PARTS=bins "${extra[@]}" timeout 150 node --expose-gc dist/bench/edit.js > /tmp/logs/s44c5-$tag.log 2>&1; local rc=$?
  echo "$tag${skip:+ (skip $skip)} ($(( $(date +%s) - T0 )) s): rc $rc dense $(grep -o '"plainDenseStepMs":[0-9.]*' /tmp/logs/s44c5-$tag.log | head -1 | cut -d: -f2) bins $(grep -o '"editSize":[0-9.]*,"sparseStepMs":[0-9.]*' /tmp/logs/s44c5-$tag.log | sed 's/"editSize"://; s/"sparseStepMs"://' | tr '\n' ' ')"
  [ $rc = 0 ] || tail -5 /tmp/logs/s44c5-$tag.log | cut -c1-300; save; }
bins warm ''
bins all-1 ''
bins group-norm '^k_group_'
bins gathers '^k_gather_'
bins writes '^k_(overwrite_|swap)'
bins layer-norm '^k_layer_norm'
bins rest-ours '^k_(?!flash|group_|gather_|overwrite_|swap|layer_norm)'
bins gemm '^gemm'
bins cudnn '^cudnn'
bins all-2 ''
