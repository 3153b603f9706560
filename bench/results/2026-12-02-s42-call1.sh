#!/bin/bash
# Session 42, call 1 (written in session 41 as its call 5, not run there: the device
# refused three starts and then had too little time left to start one). The timing trials' runs
# queued behind a gate, a wait on a word of mapped host memory that the host sets once all are
# queued (Driver.gate, cuStreamWaitValue32), instead of behind our hold kernel. Calls 3-4: kernels
# queued behind a running hold kernel on the second stream (BENCH_TRIAL_MACHINERY=64) slowed every
# later graph replay of the process ~3% (512 px 5.10 / 5.16 ms against 4.93-4.96); one hold alone,
# or events queued behind it, did not. Here, on the gated code: a fresh home's first process
# against its later one; 64 (the old pattern, in a warm home) to show the machine has the effect;
# the GPU suite (its trials through the gate); 512 (six short holds queued on the second stream
# behind an event wait on a third stream's 1.6 ms hold: a hold that ends by itself, for the
# profiler); 768 px alone against 768 px after 512 px (whose event profile, behind a 200 ms hold
# kernel, comes before 768 px is measured; the records do not show it slower for that); 4
# (fastestCandidate, now gated, over two short holds); then an A/B in fresh homes against ab-base
# (the hold kernel): a first process at 512 px, and bench:edit's bins twice each. In order of need.
# Before: bash bench/ab-base.sh HEAD (the hold kernel's code, before the diffs), then
# git apply bench/results/2026-12-02-s41-trials-gate-untested.diff and
# bench/results/2026-12-02-s41-machinery-next-trial.diff (the gate is then the code; the bits a trial
# in bench/unet.ts), then bash bench/device-dist.sh --benches unet,edit .gpu ab-base (~49.9 MB).
# Carry [".gpu","dist","ab-base","node_modules/koffi","node_modules/@koromix"]. ~450 s.
# If the suite hangs or fails in the trials (a library call that waits for the gated stream would
# wait for ever, where the hold kernel ran out), drop the gate and try 512's form instead.
# After: if 512 is level with the controls, …-s41-profiler-hold-aside-untested.diff gives the
# profiler that form (the main stream waits for a hold kernel on the second stream, Driver.behind);
# then px512-768 with and without it, alternating, tells what the old profile cost 768 px figures.
T0=$(date +%s)
rm -rf /tmp/logs /tmp/f1 /tmp/fb1 /tmp/fe-* /tmp/fh-suite
source bench/gpu-setup.sh
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
u() { local tag=$1 home=$2; shift 2
  env FISEDIT_HOME=$home "$@" BENCH_TAG=s42c1-$tag BENCH_MATH=fp16 BENCH_SIZES=512 BENCH_CALLS=50 BENCH_ENERGY_S=1 BENCH_PIPELINE=0 timeout ${TO:-150} node ${BENCH_DIST:-dist}/bench/unet.js > /tmp/logs/s42c1-$tag.log 2>&1; local rc=$?
  echo "$tag ($(( $(date +%s) - T0 )) s): rc $rc $(grep -o '"msPerCall":[0-9.]*\|"msMin":[0-9.]*\|"joulesPerCall":[0-9.a-z]*' /tmp/logs/s42c1-$tag.log | cut -d: -f2 | tr '\n' ' ') $(grep '^trial' /tmp/logs/s42c1-$tag.log | tr '\n' ' ') trials $(grep -o '"\(cuDNN\|cuBLASLt\) timing trials":{"calls":[0-9]*,"ms":[0-9.]*' /tmp/logs/s42c1-$tag.log | sed 's/":{"calls"//; s/"//g' | tr '\n' ' ')"; save; }
# a process with trials takes ~30 s: a gate that never opened would show as rc 124 here, not cost 150 s
TO=70 u f1-first /tmp/f1
u f1-later /tmp/f1
u bits64 /tmp/f1 BENCH_TRIAL_MACHINERY=64
FISEDIT_HOME=/tmp/fh-suite timeout 100 node --test --test-reporter=spec dist/test/gpu/*.test.js > /tmp/logs/test-gpu.log 2>&1
echo "suite ($(( $(date +%s) - T0 )) s): rc $? $(grep -E '^ℹ (pass|fail|skipped)' /tmp/logs/test-gpu.log | tr '\n' ' ')"; grep -E '^✖' /tmp/logs/test-gpu.log | cut -c1-400 | head -8; save
u bits512 /tmp/f1 BENCH_TRIAL_MACHINERY=512
u px768 /tmp/f1 BENCH_SIZES=768
u px512-768 /tmp/f1 BENCH_SIZES=512,768
u bits4 /tmp/f1 BENCH_TRIAL_MACHINERY=4
# A/B in fresh homes, alternating: ab-base (the hold kernel) against the gate. A first process at
# 512 px each, then bench:edit's bins each twice (each process runs its sparse shapes' trials, as a
# server's first edits do).
TO=70 BENCH_DIST=ab-base/dist u base-first /tmp/fb1
bins() { rm -rf /tmp/fe-$1; FISEDIT_HOME=/tmp/fe-$1 BENCH_TAG=s42c1-bins-$1 BENCH_PARTS=bins timeout 120 node --expose-gc $2/bench/edit.js > /tmp/logs/s42c1-edit-$1.log 2>&1; local rc=$?
  echo "edit bins $1, a fresh home ($(( $(date +%s) - T0 )) s): rc $rc $(grep -o '"editSize":[0-9.]*,"sparseStepMs":[0-9.]*' /tmp/logs/s42c1-edit-$1.log | sed 's/"editSize"://; s/"sparseStepMs"://' | tr '\n' ' ')"; save; }
bins gate-1 dist; bins base-1 ab-base/dist; bins gate-2 dist; bins base-2 ab-base/dist
