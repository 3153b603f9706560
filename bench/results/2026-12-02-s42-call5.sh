#!/bin/bash
# Session 42, call 5. Call 4: the side stream's flags are not it (a side stream made with flags 0, as
# the main stream, left a first process as slow: 5.09 / 5.07 against the base's 5.08 / 5.07 ms; six
# short holds on it, or on a new stream of flags 0 or 1, 5.09-5.10 against controls 4.97). Call 3:
# the same pattern on the main stream is harmless. Is it the main stream that is left slower, or the
# context? 65536: a second CudaBackend (the same primary context, its own main and side streams) made
# after the bits' patterns runs the model. 4096 + 65536: six short holds on the first backend's side
# stream, then the model on a second backend; 65536 alone: the second backend's control.
# Trial code: …-s42-machinery-trial.diff (bench/unet.ts). Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/f1
source bench/gpu-setup.sh
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
u() { local tag=$1; shift
  env FISEDIT_HOME=/tmp/f1 BENCH_TAG=s42c5-$tag BENCH_MATH=fp16 BENCH_SIZES=512 BENCH_CALLS=50 BENCH_ENERGY_S=1 BENCH_PIPELINE=0 "$@" timeout ${TO:-150} node dist/bench/unet.js > /tmp/logs/s42c5-$tag.log 2>&1; local rc=$?
  echo "$tag ($(( $(date +%s) - T0 )) s): rc $rc $(grep -o '"msPerCall":[0-9.]*\|"msMin":[0-9.]*\|"joulesPerCall":[0-9.a-z]*\|"smMHz":[0-9]*' /tmp/logs/s42c5-$tag.log | cut -d: -f2 | tr '\n' ' ') $(grep '^trial' /tmp/logs/s42c5-$tag.log | tr '\n' ' ')"; save; }
u first
for r in a b; do
  u c-$r
  u side4096-then-new-$r BENCH_TRIAL_MACHINERY=$((4096 + 65536))
  u new-$r BENCH_TRIAL_MACHINERY=65536
  u side4096-$r BENCH_TRIAL_MACHINERY=4096
done
u c-c
