#!/bin/bash
# Session 44, call 8: the host's own work a replayed sparse step, 73a9b4a (base) against the session's
# host change (fill() without parsing slots, replayId without a string per input): bench:edit's bins
# (hostMsPerStep: the host's pace less its waits in cuGraphLaunch) alternating twice in one warm home,
# then whole edits once each (laterSparse: hostQueueMsPerStep less graphLaunchMsPerStep).
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix","ab-base"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fw
source bench/gpu-setup.sh
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
run() { local tag=$1 dir=$2 parts=$3
  FISEDIT_HOME=/tmp/fw BENCH_TAG=s44c8-$tag BENCH_PARTS=$parts timeout 150 node --expose-gc $dir/bench/edit.js > /tmp/logs/s44c8-$tag.log 2>&1; local rc=$?
  echo "$tag ($(( $(date +%s) - T0 )) s): rc $rc bins $(grep -o '"editSize":[0-9.]*,"sparseStepMs":[0-9.]*,"hostMsPerStep":[0-9.]*' /tmp/logs/s44c8-$tag.log | sed 's/"editSize"://; s/"sparseStepMs"://; s/"hostMsPerStep"://' | tr '\n' ' ')"
  grep -o '"gpuMsPerStep":[0-9.]*,"hostQueueMsPerStep":[0-9.]*,"graphLaunchMsPerStep":[0-9.]*' /tmp/logs/s44c8-$tag.log | sed 's/"gpuMsPerStep"://; s/"hostQueueMsPerStep"://; s/"graphLaunchMsPerStep"://' | tr '\n' ' '; echo
  [ $rc = 0 ] || tail -5 /tmp/logs/s44c8-$tag.log | cut -c1-300; save; }
run warm dist bins
for r in 1 2; do run base-$r ab-base/dist bins; run new-$r dist bins; done
run whole-base ab-base/dist probe,whole
run whole-new dist probe,whole
