#!/bin/bash
# Session 40 call 6. Call 5's Nsight Compute sections of k_flash_wg64 (512 px, 4096 tokens): tensor pipe
# 45% active, XU (exponentials) 45%, issue slots 41%, 2.55 warps a scheduler with 0.61 eligible; the
# stalls per issue: wait 1.84, barrier 1.19, not selected 0.48, MIO throttle 0.39, long scoreboard 0.32.
# Neither pipe nor issue is the bound: each block runs its tiles' loads, QK, softmax and PV in turn,
# with two block-wide barriers a tile. FISEDIT_TRIAL_ONE_BARRIER=1 (…-s40-one-barrier-trial.diff): one
# barrier a tile, after tile kt has landed; the next tile's loads are queued after it, into the stage
# every warp is done with, so the loop's closing barrier goes. (1) The GPU suite with it. (2)
# bench:attention's dense shapes, 0 / 1 alternating twice. (3) bench:unet at 512 and 768 px in one home,
# 0 / 1 alternating twice, 2 s back to back.
# Before: bash bench/device-dist.sh --benches attention,unet .gpu.
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
[ -f .gpu/tok.xz ] && xz -dc .gpu/tok.xz > .gpu/fixtures/tiny-sd2/tokenizer/tokenizer.json
find .gpu/fixtures -name '*.xz' -exec xz -d {} +
source .gpu/env.sh && export OUT
rm -rf /tmp/logs; mkdir -p /tmp/logs
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
FISEDIT_TRIAL_ONE_BARRIER=1 FISEDIT_HOME=/tmp/fh-suite timeout 150 node --test --test-reporter=spec dist/test/gpu/*.test.js > /tmp/logs/test-gpu-one-barrier.log 2>&1
echo "suite one barrier ($(( $(date +%s) - T0 )) s): rc $? $(grep -E '^ℹ (pass|fail|skipped)' /tmp/logs/test-gpu-one-barrier.log | tr '\n' ' ')"; grep -E '^✖' /tmp/logs/test-gpu-one-barrier.log | cut -c1-400 | head -8; save
a() { FISEDIT_TRIAL_ONE_BARRIER=$1 FISEDIT_HOME=/tmp/fh-a BENCH_TAG=s40c6-att-$1-$2 timeout 120 node dist/bench/attention.js > /tmp/logs/s40c6-att-$1-$2.log 2>&1; rc=$?
  echo "attention one barrier $1 ($2, $(( $(date +%s) - T0 )) s): rc $rc (px tokens us TFLOP/s vsCpu)"
  grep '^{"px"' /tmp/logs/s40c6-att-$1-$2.log | node -e 'for (const l of require("fs").readFileSync(0, "utf8").trim().split("\n")) { const r = JSON.parse(l); console.log(" ", r.px, r.tokens, r.us, r.tflops, r.vsCpu ?? "-"); }'; save; }
a 0 1; a 1 1; a 0 2; a 1 2
# px msPerCall msMin, backToBack msPerCall joulesPerCall watts
u() { FISEDIT_TRIAL_ONE_BARRIER=$1 FISEDIT_HOME=/tmp/hu BENCH_TAG=s40c6-unet-$1-$2 BENCH_MATH=fp16 BENCH_SIZES=512,768 BENCH_CALLS=50 BENCH_ENERGY_S=2 BENCH_PIPELINE=0 timeout 150 node dist/bench/unet.js > /tmp/logs/s40c6-unet-$1-$2.log 2>&1; rc=$?
  echo "unet one barrier $1 ($2, $(( $(date +%s) - T0 )) s): rc $rc $(grep -o '"px":[0-9]*\|"msPerCall":[0-9.]*\|"msMin":[0-9.]*\|"joulesPerCall":[0-9.a-z]*\|"watts":[0-9a-z]*' /tmp/logs/s40c6-unet-$1-$2.log | cut -d: -f2 | tr '\n' ' ')"; save; }
u 0 first; u 1 a; u 0 a; u 1 b; u 0 b
