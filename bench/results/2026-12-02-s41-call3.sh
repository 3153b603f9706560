#!/bin/bash
# Session 41, call 3: which part of the timing trials' machinery slows the rest of a process. Call 2:
# a first process is 2-3% slower at 512 px whichever library's trials it runs (cuDNN's alone 5.08 /
# 5.09 ms, cuBLASLt's alone 5.09 / 5.10, both 5.09-5.11, against its home's later processes at
# 4.93-5.00), and compiling our sources alone (no trials) is not slower (4.96 / 4.94). Call 1: with
# one candidate a trial, still slower. Here a warm home's later processes run, before the model is
# made, a part of that machinery (BENCH_TRIAL_MACHINERY bits, a trial in bench/unet.ts,
# …-s41-machinery-trial.diff): 1 our hold kernel (%globaltimer, __nanosleep) on the second stream
# for 1 ms, then a wait for that stream; 2 two timing events recorded on the second stream, their
# elapsed time read, destroyed; 4 fastestCandidate itself over two holds (events, hold, waits);
# 8 the hold kernel on the main stream; 16 a linear of a shape the U-Net lacks (24 x 200 -> 136), whose
# cuBLASLt family is then chosen by a timing trial, if one runs eagerly. 0: none (the control).
T0=$(date +%s)
source bench/gpu-setup.sh
rm -rf /tmp/logs /tmp/w /tmp/w16a /tmp/w16b; mkdir -p /tmp/logs
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
u() { local tag=$1; shift
  env FISEDIT_HOME=/tmp/w "$@" BENCH_TAG=s41c3-$tag BENCH_MATH=fp16 BENCH_SIZES=512 BENCH_CALLS=50 BENCH_ENERGY_S=1 BENCH_PIPELINE=0 timeout 150 node dist/bench/unet.js > /tmp/logs/s41c3-$tag.log 2>&1; local rc=$?
  echo "$tag ($(( $(date +%s) - T0 )) s): rc $rc $(grep -o '"msPerCall":[0-9.]*\|"msMin":[0-9.]*\|"joulesPerCall":[0-9.a-z]*' /tmp/logs/s41c3-$tag.log | cut -d: -f2 | tr '\n' ' ') $(grep '^trial' /tmp/logs/s41c3-$tag.log | tr '\n' ' ') trials $(grep -o '"\(cuDNN\|cuBLASLt\) timing trials":{"calls":[0-9]*' /tmp/logs/s41c3-$tag.log | sed 's/":{"calls"//; s/"//g' | tr '\n' ' ')"; save; }
u W-first
u later-0a
u bits1a BENCH_TRIAL_MACHINERY=1
u bits2a BENCH_TRIAL_MACHINERY=2
u bits4a BENCH_TRIAL_MACHINERY=4
u bits8a BENCH_TRIAL_MACHINERY=8
u later-0b
u bits4b BENCH_TRIAL_MACHINERY=4
u bits8b BENCH_TRIAL_MACHINERY=8
u bits2b BENCH_TRIAL_MACHINERY=2
u bits1b BENCH_TRIAL_MACHINERY=1
cp -r /tmp/w /tmp/w16a; u bits16a BENCH_TRIAL_MACHINERY=16 FISEDIT_HOME=/tmp/w16a
u later-0c
cp -r /tmp/w /tmp/w16b; u bits16b BENCH_TRIAL_MACHINERY=16 FISEDIT_HOME=/tmp/w16b
