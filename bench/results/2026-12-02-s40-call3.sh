#!/bin/bash
# Session 40 call 3: exp2 on the FMA pipe for part of the softmax (…-s40-exp-poly-trial.diff,
# FISEDIT_TRIAL_EXP_POLY=n: n-tiles j with j % 4 < n, so 1 = a quarter, 2 = half, of a key tile's
# exponentials by a cubic instead of MUFU.EX2). At head dim 64 the exponentials take the MUFU as long
# as the two GEMMs take the tensor cores (16 a clock an SM against 4096 FLOP: 0.0625 clocks each an
# element), and the dense 9216-token attention runs at ~42% of the tensor cores' peak at 1980 MHz.
# (1) bench:attention's dense shapes, 0 / 1 / 2 alternating, with 1 s back to back (J, W); outputs of
# up to 1024 tokens against the CPU. (2) The GPU suite with 1. (3) bench:unet at 512 and 768 px in one
# home (a first process made its choices), 0 / 1 alternating twice.
# Before: bash bench/device-dist.sh --benches attention,unet .gpu.
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
[ -f .gpu/tok.xz ] && xz -dc .gpu/tok.xz > .gpu/fixtures/tiny-sd2/tokenizer/tokenizer.json
find .gpu/fixtures -name '*.xz' -exec xz -d {} +
source .gpu/env.sh && export OUT
rm -rf /tmp/logs; mkdir -p /tmp/logs
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
a() { FISEDIT_TRIAL_EXP_POLY=$1 FISEDIT_HOME=/tmp/fh-a BENCH_TAG=s40c3-att-$1-$2 BENCH_ENERGY_S=1 timeout 120 node dist/bench/attention.js > /tmp/logs/s40c3-att-$1-$2.log 2>&1; rc=$?
  echo "attention poly $1 ($2, $(( $(date +%s) - T0 )) s): rc $rc (px tokens us TFLOP/s vsCpu | J W pJ/FLOP)"
  grep '^{"px"' /tmp/logs/s40c3-att-$1-$2.log | node -e 'for (const l of require("fs").readFileSync(0, "utf8").trim().split("\n")) { const r = JSON.parse(l), b = r.backToBack ?? {}; console.log(" ", r.px, r.tokens, r.us, r.tflops, r.vsCpu ?? "-", "|", b.joulesPerCall, b.watts, b.pjPerFlop); }'; save; }
a 0 1; a 1 1; a 2 1; a 0 2; a 1 2
FISEDIT_TRIAL_EXP_POLY=1 FISEDIT_HOME=/tmp/fh-suite timeout 150 node --test --test-reporter=spec dist/test/gpu/*.test.js > /tmp/logs/test-gpu-poly1.log 2>&1
echo "suite poly 1 ($(( $(date +%s) - T0 )) s): rc $? $(grep -E '^ℹ (pass|fail|skipped)' /tmp/logs/test-gpu-poly1.log | tr '\n' ' ')"; grep -E '^✖' /tmp/logs/test-gpu-poly1.log | cut -c1-400 | head -8; save
# px msPerCall msMin, backToBack msPerCall joulesPerCall watts
u() { FISEDIT_TRIAL_EXP_POLY=$1 FISEDIT_HOME=/tmp/hu BENCH_TAG=s40c3-unet-$1-$2 BENCH_MATH=fp16 BENCH_SIZES=512,768 BENCH_CALLS=50 BENCH_ENERGY_S=2 BENCH_PIPELINE=0 timeout 150 node dist/bench/unet.js > /tmp/logs/s40c3-unet-$1-$2.log 2>&1; rc=$?
  echo "unet poly $1 ($2, $(( $(date +%s) - T0 )) s): rc $rc $(grep -o '"px":[0-9]*\|"msPerCall":[0-9.]*\|"msMin":[0-9.]*\|"joulesPerCall":[0-9.a-z]*\|"watts":[0-9a-z]*' /tmp/logs/s40c3-unet-$1-$2.log | cut -d: -f2 | tr '\n' ' ')"; save; }
u 0 first; u 1 a; u 0 a; u 1 b; u 0 b
