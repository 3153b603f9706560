#!/bin/bash
# Session 34, call 1. (a) k_flash_wg64_pipe without its spill (…-s33-pipe-spill-untested.diff, applied
# to the working tree) against HEAD cb9d347 (ab-base): bench:attention's sparse shapes, alternating
# twice. (b) Why whole edits' later sparse steps at ~15% and ~30% queue slower on the host than the
# GPU runs them (session 33: 6.1-6.9 ms a step at 15% against 5.0-5.3 on the GPU, 8.2-8.9 against 7.2-7.5
# at 30%; session 32's profiled run, whole edits only, 2.0-3.1): bench:edit bins,whole as session 33
# ran it, now reporting the cuMemAlloc calls and garbage collections inside those steps; then the same
# under --cpu-prof (masked rounds only) for where the host's time goes.
# Before: bench/ab-base.sh cb9d347; bench/device-dist.sh .gpu-lite ab-base.
# Carry [".gpu-lite","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
mkdir -p .gpu-lite/data /tmp/logs /tmp/prof && xz -dc .gpu-lite/masks.xz > .gpu-lite/data/masks-dev-300.bin
source .gpu-lite/env.sh && export OUT
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
a() { FISEDIT_HOME=/tmp/fh-a BENCH_ATTENTION_SHAPES=sparse BENCH_TAG=s34-sparse-$1$2 timeout 60 node $3/bench/attention.js > /tmp/logs/attention-$1$2.log 2>&1
  echo "attention $1$2 ($(( $(date +%s) - T0 )) s): rc $? $(grep -o '"us":[0-9.]*' /tmp/logs/attention-$1$2.log | cut -d: -f2 | tr '\n' ' ')"; }
[ -z "$SKIP_A" ] && { a base 1 ab-base/dist; a new 1 dist; a base 2 ab-base/dist; a new 2 dist; }
save
[ -z "$SKIP_E" ] && FISEDIT_HOME=/tmp/fh-e BENCH_TAG=s34-edit BENCH_PARTS=bins,whole BENCH_PREPARE=on timeout 110 node --expose-gc dist/bench/edit.js > /tmp/logs/edit.log 2>&1
echo "edit ($(( $(date +%s) - T0 )) s): $(grep -o '"editSize":[0-9.]*,"sparseStepMs":[0-9.]*' /tmp/logs/edit.log | sed 's/"editSize"://; s/"sparseStepMs"://' | tr '\n' ' ') $(grep -o 'rror.*' /tmp/logs/edit.log | head -1)"
grep '"round":"masked' /tmp/logs/edit.log | grep -o '"bin":"[^"]*"\|"laterSparse":{[^}]*}[^}]*}' | tr '\n' ' ' | cut -c1-1500; echo
save
FISEDIT_HOME=/tmp/fh-e BENCH_TAG=s34-edit-prof BENCH_PARTS=bins,whole BENCH_WHOLE_ROUNDS=0 BENCH_PREPARE=on timeout 130 node --cpu-prof --cpu-prof-dir=/tmp/prof --cpu-prof-interval 250 --expose-gc dist/bench/edit.js > /tmp/logs/edit-prof.log 2>&1
echo "edit prof ($(( $(date +%s) - T0 )) s): rc $?"
grep '"round":"masked' /tmp/logs/edit-prof.log | grep -o '"bin":"[^"]*"\|"laterSparse":{[^}]*}[^}]*}' | tr '\n' ' ' | cut -c1-1500; echo
ls -la /tmp/prof; p=$(ls -S /tmp/prof/*.cpuprofile | head -1); [ -n "$p" ] && gzip -c $p > /tmp/logs/edit-prof.cpuprofile.gz
save
