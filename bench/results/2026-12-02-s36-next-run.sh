#!/bin/bash
# For a later session (written in session 36, not run): cuDNN's timing trials with cold weights, as
# cuBLASLt's have had since e938a85 (…-s36-cudnn-trials-cold-weights-untested.diff: each timed run
# reads the next copy of the weights, trials.ts coldCopies, through a variant pack a copy; the copies
# capped at what the first pass over the candidates runs; TRIALS_VERSION 4 keeps the choices apart).
# Typechecks, npm test's trials tests 7/7 with it; never run on a GPU. cuDNN runs ~30 convolutions of
# a dense 768 px U-Net call (2.8 ms of ~11) and 14 implicit-GEMM launches of a ~5% sparse step
# (~200 us), whose 3 x 3 weights (up to 29.5 MB) the trials have in L2 as a step never does.
# Not handled: a trial's scratch (now up to 128 MiB more) that cannot be had throws GpuOutOfMemory, as
# the operands' allocation did before; cuBLASLt's trials fall back to the heuristic's first instead.
# This call: the GPU suite with the diff (the cuDNN trials run in its first convolutions), then a fresh
# home per run, alternating three times: bench:unet at 768 px, and bench:edit's bins.
# Before: bench/ab-base.sh HEAD; git apply the diff; bash bench/device-dist.sh --benches edit,unet .gpu
# ab-base (~50 MB of the 64 MiB; `bench/device-dist.sh restore` after).
# Carry [".gpu","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
source bench/gpu-suite.sh
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
save
u() { FISEDIT_HOME=/tmp/fh-u-$1$2 BENCH_TAG=s37-unet-$1$2 BENCH_MATH=fp16 BENCH_SIZES=768 BENCH_PIPELINE=0 timeout 150 node $3/bench/unet.js > /tmp/logs/unet-$1$2.log 2>&1
  echo "unet $1$2 ($(( $(date +%s) - T0 )) s): rc $? $(grep -o '"px":[0-9]*\|"msPerCall":[0-9.]*\|"msMin":[0-9.]*' /tmp/logs/unet-$1$2.log | cut -d: -f2 | tr '\n' ' ')"; save; }
e() { FISEDIT_HOME=/tmp/fh-e-$1$2 BENCH_TAG=s37-$1$2 BENCH_PARTS=bins timeout 100 node $3/bench/edit.js > /tmp/logs/edit-$1$2.log 2>&1
  echo "edit $1$2 ($(( $(date +%s) - T0 )) s): $(grep -o '"editSize":[0-9.]*,"sparseStepMs":[0-9.]*' /tmp/logs/edit-$1$2.log | sed 's/"editSize"://; s/"sparseStepMs"://' | tr '\n' ' ') $(grep -o 'rror.*' /tmp/logs/edit-$1$2.log | head -1)"; save; }
for i in 1 2 3; do u hot $i ab-base/dist; u cold $i dist; done
for i in 1 2 3; do e hot $i ab-base/dist; e cold $i dist; done
