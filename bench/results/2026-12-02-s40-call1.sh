#!/bin/bash
# Session 40 call 1: session 39's next-run script, with bench:edit given --expose-gc (as it asks), and a third
# kind of home: FISEDIT_TRIAL_FUNC_LOAD=1 (…-s40-func-load-trial.diff) loads each of our kernels' code with
# cuFuncLoad when the module loads (lazy loading otherwise loads it at first launch, after trials).
# For session 40's first device call (written in session 39, not run). Session 39 found a machine's
# first process (the one that runs cuBLASLt's and cuDNN's timing trials) 2-3% slower at 512 px for its
# whole life, eager calls too (7.16-7.70 against 7.03-7.14 ms), with our small kernels each ~0.2 us slower in the
# op profile and the libraries' convolutions not; the trials' scratch allocations are not the cause
# (…-s39-call4.sh). Next suspect: where our kernels' code lands once the trials have loaded hundreds of
# candidate kernels (CUDA loads modules lazily by default). Fresh homes with CUDA_MODULE_LOADING=EAGER
# against the default, first and later process each, alternating; then bench:edit's bins (not run in
# session 39; no change to a sparse step since session 37).
# Before: bash bench/device-dist.sh --benches unet,edit .gpu.
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
source bench/gpu-suite.sh
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
# px msPerCall msMin msPerCallEager, backToBack msPerCall and joulesPerCall, deviceUsedGiB, poolDriverAllocs
# (the device memory in use and the pool's cuMemAlloc calls: a first process's footprint against a later one's)
u() { FISEDIT_TRIAL_FUNC_LOAD=$FL CUDA_MODULE_LOADING=$1 FISEDIT_HOME=/tmp/$2 BENCH_TAG=s40-unet-$1-$2-$3 BENCH_MATH=fp16 BENCH_SIZES=512 BENCH_CALLS=50 BENCH_ENERGY_S=1 BENCH_PIPELINE=0 timeout 150 node dist/bench/unet.js > /tmp/logs/s40-unet-$1-$2-$3.log 2>&1; rc=$?
  echo "unet $1 $2 $3 ($(( $(date +%s) - T0 )) s): rc $rc $(grep -o '"px":[0-9]*\|"msPerCall":[0-9.]*\|"msMin":[0-9.]*\|"msPerCallEager":[0-9.]*\|"joulesPerCall":[0-9.a-z]*\|"deviceUsedGiB":[0-9.]*\|"poolDriverAllocs":[0-9]*' /tmp/logs/s40-unet-$1-$2-$3.log | cut -d: -f2 | tr '\n' ' ')"; save; }
FL=0
f() { FL=1; u LAZY $1 $2; FL=0; }
u LAZY hl1 first; u EAGER he1 first; f hf1 first; u LAZY hl2 first; u EAGER he2 first; f hf2 first; u LAZY hl1 later; u EAGER he1 later; f hf1 later
FISEDIT_HOME=/tmp/fh-e BENCH_TAG=s40-bins BENCH_PARTS=bins timeout 150 node --expose-gc dist/bench/edit.js > /tmp/logs/s40-edit.log 2>&1; rc=$?
echo "edit bins ($(( $(date +%s) - T0 )) s): rc $rc $(grep -o '"editSize":[0-9.]*,"sparseStepMs":[0-9.]*' /tmp/logs/s40-edit.log | sed 's/"editSize"://; s/"sparseStepMs"://' | tr '\n' ' ')"; save
