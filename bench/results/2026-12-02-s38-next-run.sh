#!/bin/bash
# For session 39's first device call (written in session 38, not run): where a dense U-Net call's
# energy goes. Session 38 found the call at the H200's ~700 W limit back to back (3.5 J at 512 px, 8.0
# J at 768: 1.85 pJ a FLOP over the call), so a kernel that takes more energy a FLOP than that is
# where the 768 px target's 13% would come from. bench:attention's dense shapes with BENCH_ENERGY_S=3
# (its graphs back to back for 3 s a shape: J a call, W, pJ a FLOP; first run of that code), beside
# bench:unet's back-to-back figures (bench/clocks.ts backToBack, moved there after session 38's call 5:
# the same calls, not yet run in that form). The GPU suite first (no src change since 188acd4's run).
# Last, why a home's first process is slower at 512 px (5.09-5.14 against 4.94-5.04 ms, session 38):
# 512 px measured twice in one process (BENCH_SIZES=512,512: the second replays the graph the first
# recorded, the same memory), in a fresh home and then again in it. If the first process's second
# measure is as slow as its first, the graph's memory (laid out after the trials) is the suspect; if
# as fast as the later process, something that passes with time.
# Before: bash bench/device-dist.sh --benches attention,unet .gpu.
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
source bench/gpu-suite.sh
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
FISEDIT_HOME=/tmp/fh-a BENCH_TAG=s39-energy BENCH_ENERGY_S=3 timeout 200 node dist/bench/attention.js > /tmp/logs/s39-attention.log 2>&1
echo "attention ($(( $(date +%s) - T0 )) s): rc $? (tokens, us, TFLOP/s, J a call, W, pJ a FLOP)"
grep '^{"px"' /tmp/logs/s39-attention.log | node -e 'for (const l of require("fs").readFileSync(0, "utf8").trim().split("\n")) { const r = JSON.parse(l), b = r.backToBack ?? {}; console.log(r.tokens, r.us, r.tflops, b.joulesPerCall, b.watts, b.pjPerFlop); }'; save
u() { FISEDIT_HOME=/tmp/fh-u BENCH_TAG=s39-unet-$1 BENCH_MATH=fp16 BENCH_SIZES=512,768 BENCH_CALLS=50 BENCH_PIPELINE=0 timeout 150 node dist/bench/unet.js > /tmp/logs/s39-unet-$1.log 2>&1
  echo "unet $1 ($(( $(date +%s) - T0 )) s): rc $? $(grep -o '"px":[0-9]*\|"msPerCall":[0-9.]*\|"smMHz":[0-9]*\|"joulesPerCall":[0-9.a-z]*\|"watts":[0-9a-z]*' /tmp/logs/s39-unet-$1.log | cut -d: -f2 | tr '\n' ' ')"; save; }
u 1; u 2
f() { FISEDIT_HOME=/tmp/fh-f BENCH_TAG=s39-unet-twice-$1 BENCH_MATH=fp16 BENCH_SIZES=512,512 BENCH_CALLS=50 BENCH_PIPELINE=0 timeout 150 node dist/bench/unet.js > /tmp/logs/s39-unet-twice-$1.log 2>&1
  echo "unet twice $1 ($(( $(date +%s) - T0 )) s): rc $? $(grep -o '"px":[0-9]*\|"msPerCall":[0-9.]*\|"smMHz":[0-9]*\|"joulesPerCall":[0-9.a-z]*' /tmp/logs/s39-unet-twice-$1.log | cut -d: -f2 | tr '\n' ' ')"; save; }
f first; f later
