#!/bin/bash
# Session 45, call 1: the GPU suite at 3676a13 (session 44's review: a recorded call's layout of kinds
# and names, not run on a GPU before) with the session's cuBLASLt reduction trial (inactive without
# its variable); bench:edit's bins with cuBLASLt's heuristic held to K-slice reductions without a
# kernel of their own (FISEDIT_TRIAL_GEMM_REDUCTIONS=1: none or in place) against as it is, a home
# each, alternating twice after a warm-up each; whole edits in the base's home (the host's own work a
# later sparse step with the review's layout); mask 0 (no K slices) if time is left.
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-suite.sh
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
save
run() { local tag=$1 mask=$2 parts=$3 env=()
  [ "$mask" != - ] && env=(FISEDIT_TRIAL_GEMM_REDUCTIONS=$mask)
  env "${env[@]}" FISEDIT_HOME=/tmp/fh-$mask BENCH_TAG=s45c1-$tag BENCH_PARTS=$parts timeout 150 node --expose-gc dist/bench/edit.js > /tmp/logs/s45c1-$tag.log 2>&1; local rc=$?
  echo "$tag ($(( $(date +%s) - T0 )) s): rc $rc bins $(grep -o '"editSize":[0-9.]*,"sparseStepMs":[0-9.]*' /tmp/logs/s45c1-$tag.log | sed 's/"editSize"://; s/"sparseStepMs"://' | tr '\n' ' ')"
  grep -o '"gpuMsPerStep":[0-9.]*,"hostQueueMsPerStep":[0-9.]*,"graphLaunchMsPerStep":[0-9.]*' /tmp/logs/s45c1-$tag.log | sed 's/"gpuMsPerStep"://; s/"hostQueueMsPerStep"://; s/"graphLaunchMsPerStep"://' | tr '\n' ' '; echo
  [ $rc = 0 ] || tail -5 /tmp/logs/s45c1-$tag.log | cut -c1-300; save; }
run warm-base - bins
run warm-r1 1 bins
for r in 1 2; do run base-$r - bins; run r1-$r 1 bins; done
run whole-base - probe,whole
[ $(( $(date +%s) - T0 )) -lt 420 ] && { run warm-r0 0 bins; run r0-1 0 bins; }
echo "done ($(( $(date +%s) - T0 )) s)"
