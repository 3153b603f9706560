#!/bin/bash
# Session 44, call 9: call 8's whole edits again, in the other order and twice: the session's host
# change (new) against 73a9b4a (base), alternating in one home whose first process (new) only warms
# it; laterSparse's hostQueueMsPerStep less graphLaunchMsPerStep is the host's own work a step.
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix","ab-base"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fw
source bench/gpu-setup.sh
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
run() { local tag=$1 dir=$2
  FISEDIT_HOME=/tmp/fw BENCH_TAG=s44c9-$tag BENCH_PARTS=probe,whole timeout 100 node --expose-gc $dir/bench/edit.js > /tmp/logs/s44c9-$tag.log 2>&1; local rc=$?
  echo "$tag ($(( $(date +%s) - T0 )) s): rc $rc gpu,queue,launch: $(grep -o '"gpuMsPerStep":[0-9.]*,"hostQueueMsPerStep":[0-9.]*,"graphLaunchMsPerStep":[0-9.]*' /tmp/logs/s44c9-$tag.log | sed 's/"gpuMsPerStep"://; s/"hostQueueMsPerStep"://; s/"graphLaunchMsPerStep"://' | tr '\n' ' ')"
  [ $rc = 0 ] || tail -5 /tmp/logs/s44c9-$tag.log | cut -c1-300; save; }
run warm dist
run new-1 dist
run base-1 ab-base/dist
run new-2 dist
run base-2 ab-base/dist
