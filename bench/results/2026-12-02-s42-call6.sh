#!/bin/bash
# Session 42, call 6. Call 5: a second CudaBackend (the same context, its own streams) running the
# model is as slow as the model after six short holds on the side stream (5.09-5.11 against controls
# 4.92-4.94 ms), with or without those holds: the process is slower once work has run on more than one
# stream (call 3: the holds on the main stream alone left it fast), whichever runs the model. Would a
# design that records graphs on a second stream but runs all work, replays and trials on the main one
# escape it? 131072: six short holds recorded on the side stream as a graph, replayed on the main
# stream; 262144: recorded, never run. Warm home, alternating with controls and 4096.
# Trial code: …-s42-machinery-trial.diff (bench/unet.ts). Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/f1
source bench/gpu-setup.sh
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
u() { local tag=$1; shift
  env FISEDIT_HOME=/tmp/f1 BENCH_TAG=s42c6-$tag BENCH_MATH=fp16 BENCH_SIZES=512 BENCH_CALLS=50 BENCH_ENERGY_S=1 BENCH_PIPELINE=0 "$@" timeout ${TO:-150} node dist/bench/unet.js > /tmp/logs/s42c6-$tag.log 2>&1; local rc=$?
  echo "$tag ($(( $(date +%s) - T0 )) s): rc $rc $(grep -o '"msPerCall":[0-9.]*\|"msMin":[0-9.]*\|"joulesPerCall":[0-9.a-z]*\|"smMHz":[0-9]*' /tmp/logs/s42c6-$tag.log | cut -d: -f2 | tr '\n' ' ') $(grep '^trial' /tmp/logs/s42c6-$tag.log | tr '\n' ' ')"; save; }
u first
for r in a b; do
  u c-$r
  u replayed-$r BENCH_TRIAL_MACHINERY=131072
  u recorded-$r BENCH_TRIAL_MACHINERY=262144
  u side4096-$r BENCH_TRIAL_MACHINERY=4096
done
