#!/bin/bash
# Session 44, call 6: bench:edit's bins now report the host's pace over the timed steps
# (hostMsPerStep: from the synchronisation before them to the last step queued), with every launch
# and, by call 4's timing trial (…-s44-skip-kinds-trial.diff, wrong results), without the library
# calls, without our kernels but flash attention's, and without either: whether the ~1.1 ms a step
# left with neither is the host's own work, and what the host's pace is with every launch.
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fw
source bench/gpu-setup.sh
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
bins() { local tag=$1 skip=$2 extra=()
  [ -n "$skip" ] && extra=("FISEDIT_TRIAL_SKIP=$skip")
  env FISEDIT_HOME=/tmp/fw BENCH_TAG=s44c6-$tag BENCH_PARTS=bins "${extra[@]}" timeout 150 node --expose-gc dist/bench/edit.js > /tmp/logs/s44c6-$tag.log 2>&1; local rc=$?
  echo "$tag${skip:+ (skip $skip)} ($(( $(date +%s) - T0 )) s): rc $rc dense $(grep -o '"plainDenseStepMs":[0-9.]*' /tmp/logs/s44c6-$tag.log | head -1 | cut -d: -f2) bins $(grep -o '"editSize":[0-9.]*,"sparseStepMs":[0-9.]*' /tmp/logs/s44c6-$tag.log | sed 's/"editSize"://; s/"sparseStepMs"://' | tr '\n' ' ') host $(grep -o '"hostMsPerStep":[0-9.]*' /tmp/logs/s44c6-$tag.log | cut -d: -f2 | tr '\n' ' ')"
  [ $rc = 0 ] || tail -5 /tmp/logs/s44c6-$tag.log | cut -c1-300; save; }
bins warm ''
bins all-1 ''
bins library '^(gemm|cudnn)'
bins ours '^k_(?!flash)'
bins both '^(gemm|cudnn|k_(?!flash))'
bins all-2 ''
