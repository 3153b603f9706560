#!/bin/bash
# Session 41, call 5: a way of holding the trials' stream that leaves the process's graph replays as
# they were. Call 4: a 1.6 ms hold kernel on the second stream with six short holds queued behind it
# (BENCH_TRIAL_MACHINERY=64) slows every later replay 3% (5.10 / 5.16 ms against 4.93-4.96 at 512
# px), and so does fastestCandidate on a stream made for it and destroyed after (256); events queued
# behind the hold do not (32), nor one hold alone (1, call 3). Here: 512 the six short holds queued
# behind an event wait on a third stream's hold (the second stream runs no long kernel); 1024 the six
# queued behind a wait on a flag in mapped host memory (cuStreamWaitValue32) that the host sets once
# all is queued (no hold kernel at all); and 64 again with dependent launches off in the graphs
# (BENCH_DEPENDENT_LAUNCHES=off), which tells whether what is lost is the overlap of kernels.
T0=$(date +%s)
source bench/gpu-setup.sh
rm -rf /tmp/logs /tmp/w; mkdir -p /tmp/logs
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
u() { local tag=$1; shift
  env FISEDIT_HOME=/tmp/w "$@" BENCH_TAG=s41c5-$tag BENCH_MATH=fp16 BENCH_SIZES=512 BENCH_CALLS=50 BENCH_ENERGY_S=1 BENCH_PIPELINE=0 timeout ${TO:-150} node dist/bench/unet.js > /tmp/logs/s41c5-$tag.log 2>&1; local rc=$?
  echo "$tag ($(( $(date +%s) - T0 )) s): rc $rc $(grep -o '"msPerCall":[0-9.]*\|"msMin":[0-9.]*\|"joulesPerCall":[0-9.a-z]*' /tmp/logs/s41c5-$tag.log | cut -d: -f2 | tr '\n' ' ') $(grep '^trial' /tmp/logs/s41c5-$tag.log | tr '\n' ' ')"; save; }
u W-first
u later-0a
u bits512a BENCH_TRIAL_MACHINERY=512
u bits64a BENCH_TRIAL_MACHINERY=64
u pdloff-0 BENCH_DEPENDENT_LAUNCHES=off
u pdloff-bits64 BENCH_DEPENDENT_LAUNCHES=off BENCH_TRIAL_MACHINERY=64
u bits512b BENCH_TRIAL_MACHINERY=512
u later-0b
TO=40 u bits1024a BENCH_TRIAL_MACHINERY=1024
TO=40 u bits1024b BENCH_TRIAL_MACHINERY=1024
u later-0c
