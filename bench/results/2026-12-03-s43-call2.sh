#!/bin/bash
# Session 43, call 2: does the host tier's prefetch (a k_copy_many on the side stream, beside the
# step) leave the process slower, as session 42's side-stream work did? Call 1's whole edits ran
# 0.2 ms a step slower after the host tier's part (2.87 against 2.65 ms a step at ~0%, 3.48 against
# 3.27 at ~15%), once each, in that order. Here whole edits in one warm home, in processes that run
# the host tier's part first (BENCH_PARTS=probe,host,whole) in three forms (FISEDIT_TRIAL_PREFETCH:
# unset = the kernel on the side stream; copies = cuMemcpyHtoDAsync per tensor on the side stream,
# the copy engines; main = the kernel on the main stream, no overlap) against processes without it
# (probe,whole), alternating twice. Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fw
source bench/gpu-setup.sh
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
# a home warmed by a bins run (trials and kernels cached), not timed
FISEDIT_HOME=/tmp/fw BENCH_TAG=s43c2-warm BENCH_PARTS=bins timeout 120 node --expose-gc dist/bench/edit.js > /tmp/logs/s43c2-warm.log 2>&1
echo "warm ($(( $(date +%s) - T0 )) s): rc $?"
whole() { local tag=$1 parts=$2; shift 2
  env FISEDIT_HOME=/tmp/fw BENCH_TAG=s43c2-$tag BENCH_PARTS=$parts BENCH_PREPARE=on "$@" timeout 100 node --expose-gc dist/bench/edit.js > /tmp/logs/s43c2-$tag.log 2>&1; local rc=$?
  echo "$tag ($(( $(date +%s) - T0 )) s): rc $rc $(grep -o '"copyGBps":[0-9.]*\|"hostTierStepMs":[0-9.]*\|"prefetchOverlap":[0-9.]*' /tmp/logs/s43c2-$tag.log | tr '\n' ' ') gpuMsPerStep $(grep -o '"gpuMsPerStep":[0-9.]*' /tmp/logs/s43c2-$tag.log | cut -d: -f2 | tr '\n' ' ')"; save; }
for r in 1 2; do
  whole plain-$r probe,whole
  whole kernel-$r probe,host,whole
  whole copies-$r probe,host,whole FISEDIT_TRIAL_PREFETCH=copies
  whole main-$r probe,host,whole FISEDIT_TRIAL_PREFETCH=main
done
