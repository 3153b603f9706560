#!/bin/bash
# Session 40 call 2. Call 1 ruled out where our kernels' code is loaded (CUDA_MODULE_LOADING=EAGER and
# cuFuncLoad at module load: first processes as slow). Next: where the memory pool's slabs land. A first
# process's timing trials cuMemAlloc and cuMemFree their scratch (up to ~300 MB each) between the slabs'
# allocations, so its slabs lie scattered in the address space; a later process's lie together.
# FISEDIT_TRIAL_ARENA_MIB=2048 (…-s40-trial-arena-trial.diff): one allocation made when the driver opens,
# lent to each trial's scratch in turn (it prints how many scratches did not fit). Fresh homes, with and
# without, first and later processes, alternating. Then the edit probe (a ~5% sparse step's op profile,
# last taken in session 20) and the dense U-Net at 768 px in a home whose choices are made.
# Before: bash bench/device-dist.sh --benches unet,edit .gpu.
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
[ -f .gpu/tok.xz ] && xz -dc .gpu/tok.xz > .gpu/fixtures/tiny-sd2/tokenizer/tokenizer.json
find .gpu/fixtures -name '*.xz' -exec xz -d {} +
[ -f .gpu/masks.xz ] && mkdir -p .gpu/data && xz -dc .gpu/masks.xz > .gpu/data/masks-dev-300.bin
source .gpu/env.sh && export OUT
rm -rf /tmp/logs; mkdir -p /tmp/logs
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
# px msPerCall msMin msPerCallEager, backToBack msPerCall and joulesPerCall, deviceUsedGiB, poolDriverAllocs; the arena's line
u() { FISEDIT_TRIAL_ARENA_MIB=$1 FISEDIT_HOME=/tmp/$2 BENCH_TAG=s40c2-unet-$2-$3 BENCH_MATH=fp16 BENCH_SIZES=${PX:-512} BENCH_CALLS=50 BENCH_ENERGY_S=${ES:-1} BENCH_PIPELINE=0 timeout 150 node dist/bench/unet.js > /tmp/logs/s40c2-unet-$2-$3.log 2>&1; rc=$?
  echo "unet arena $1 $2 $3 ($(( $(date +%s) - T0 )) s): rc $rc $(grep -o '"px":[0-9]*\|"msPerCall":[0-9.]*\|"msMin":[0-9.]*\|"msPerCallEager":[0-9.]*\|"joulesPerCall":[0-9.a-z]*\|"deviceUsedGiB":[0-9.]*\|"poolDriverAllocs":[0-9]*' /tmp/logs/s40c2-unet-$2-$3.log | cut -d: -f2 | tr '\n' ' ') $(grep -o 'trial arena.*' /tmp/logs/s40c2-unet-$2-$3.log)"; save; }
u 2048 ha1 first; u 0 hn1 first; u 2048 ha2 first; u 0 hn2 first; u 2048 ha1 later; u 0 hn1 later; u 2048 ha2 later; u 0 hn2 later
PX=768 ES=3 u 0 hn1 768
FISEDIT_HOME=/tmp/hn1 BENCH_TAG=s40c2-probe BENCH_PARTS=probe timeout 150 node --expose-gc dist/bench/edit.js > /tmp/logs/s40c2-probe.log 2>&1; rc=$?
echo "edit probe ($(( $(date +%s) - T0 )) s): rc $rc $(grep -o 'replayed sparse step by phase.*' /tmp/logs/s40c2-probe.log | head -c 300) $(grep -o 'sparse step profile ([^:]*:[^:]*' /tmp/logs/s40c2-probe.log | head -c 300)"; save
