#!/bin/bash
# Session 42, call 3. Calls 1-2: the first process stays ~3% slower whether the trials' runs wait
# behind our hold kernel, a gate (a wait on mapped memory) or are replayed as graphs. Every slow
# pattern of session 41's calls 3-4 queued its kernels on the second stream (the side stream, where
# the trials run), and in all three forms kernels queue there behind running ones (if only the runs
# that load each candidate's kernels). Does 64's pattern (a 1.6 ms hold, six short holds behind it)
# on the main stream leave the process as slow (2048)? Six short holds on the side stream with no
# long one ahead (4096)? In a warm home's later processes, alternating with controls and 64.
# Trial code: bench/unet.ts with …-s41-machinery-next-trial.diff plus bits 2048 and 4096
# (…-s42-machinery-trial.diff). Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/f1
source bench/gpu-setup.sh
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
u() { local tag=$1; shift
  env FISEDIT_HOME=/tmp/f1 BENCH_TAG=s42c3-$tag BENCH_MATH=fp16 BENCH_SIZES=512 BENCH_CALLS=50 BENCH_ENERGY_S=1 BENCH_PIPELINE=0 "$@" timeout ${TO:-150} node dist/bench/unet.js > /tmp/logs/s42c3-$tag.log 2>&1; local rc=$?
  echo "$tag ($(( $(date +%s) - T0 )) s): rc $rc $(grep -o '"msPerCall":[0-9.]*\|"msMin":[0-9.]*\|"joulesPerCall":[0-9.a-z]*\|"smMHz":[0-9]*' /tmp/logs/s42c3-$tag.log | cut -d: -f2 | tr '\n' ' ') $(grep '^trial' /tmp/logs/s42c3-$tag.log | tr '\n' ' ')"; save; }
u first
for r in a b; do
  u c-$r
  u side64-$r BENCH_TRIAL_MACHINERY=64
  u main2048-$r BENCH_TRIAL_MACHINERY=2048
  u short4096-$r BENCH_TRIAL_MACHINERY=4096
done
u c-c
