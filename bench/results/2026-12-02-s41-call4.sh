#!/bin/bash
# Session 41, call 4: what in fastestCandidate slows a process's graph replays. Call 3: in a warm
# home's later process, fastestCandidate over two holds run before the model (BENCH_TRIAL_MACHINERY=4)
# made 512 px 5.10 / 5.10 ms against 4.95-4.96 (the event profile and eager calls level); a hold with
# a wait (1), two timing events on an idle stream (2), a hold on the main stream (8) and an eager
# linear (16, which borrowed a choice, no trial) did not. Here its steps apart (…-s41-machinery-trial.diff):
# 32 a 1.6 ms hold on the second stream and two events recorded behind it, waited for (no timing
# read); 64 the hold and six short holds queued behind it, no events; 128 the hold, an event, three
# short holds, an event, the elapsed time read (one candidate's timing); 256 fastestCandidate as in 4
# on a stream made for it and destroyed after. Then 4 and a control with CUDA_DEVICE_MAX_CONNECTIONS=1.
T0=$(date +%s)
source bench/gpu-setup.sh
rm -rf /tmp/logs /tmp/w; mkdir -p /tmp/logs
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
u() { local tag=$1; shift
  env FISEDIT_HOME=/tmp/w "$@" BENCH_TAG=s41c4-$tag BENCH_MATH=fp16 BENCH_SIZES=512 BENCH_CALLS=50 BENCH_ENERGY_S=1 BENCH_PIPELINE=0 timeout 150 node dist/bench/unet.js > /tmp/logs/s41c4-$tag.log 2>&1; local rc=$?
  echo "$tag ($(( $(date +%s) - T0 )) s): rc $rc $(grep -o '"msPerCall":[0-9.]*\|"msMin":[0-9.]*\|"joulesPerCall":[0-9.a-z]*' /tmp/logs/s41c4-$tag.log | cut -d: -f2 | tr '\n' ' ') $(grep '^trial' /tmp/logs/s41c4-$tag.log | tr '\n' ' ')"; save; }
u W-first
u later-0a
u bits32a BENCH_TRIAL_MACHINERY=32
u bits64a BENCH_TRIAL_MACHINERY=64
u bits128a BENCH_TRIAL_MACHINERY=128
u bits256a BENCH_TRIAL_MACHINERY=256
u bits4a BENCH_TRIAL_MACHINERY=4
u later-0b
u bits256b BENCH_TRIAL_MACHINERY=256
u bits128b BENCH_TRIAL_MACHINERY=128
u bits64b BENCH_TRIAL_MACHINERY=64
u bits32b BENCH_TRIAL_MACHINERY=32
u conn1-0 CUDA_DEVICE_MAX_CONNECTIONS=1
u conn1-bits4 CUDA_DEVICE_MAX_CONNECTIONS=1 BENCH_TRIAL_MACHINERY=4
u later-0c
