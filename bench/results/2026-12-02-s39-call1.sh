#!/bin/bash
# Session 39's first device call: session 38's next run (bench/results/2026-12-02-s38-next-run.sh) as
# written there, with each line's exit status taken before anything else runs. The GPU suite; then
# bench:attention's dense shapes with BENCH_ENERGY_S=3 (J a call, W, pJ a FLOP, against the U-Net
# call's 1.85 pJ a FLOP); bench:unet twice (backToBack in its helper form); 512 px twice in one
# process (BENCH_SIZES=512,512) in a fresh home and then again in it (is a home's first process
# slower because of its graph's memory, or for a while?).
# Before: bash bench/device-dist.sh --benches attention,unet .gpu.
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
source bench/gpu-suite.sh
cp /tmp/logs/test-gpu.log $OUT/s39-call1-test-gpu.log
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
FISEDIT_HOME=/tmp/fh-a BENCH_TAG=s39-energy BENCH_ENERGY_S=3 timeout 200 node dist/bench/attention.js > /tmp/logs/s39-attention.log 2>&1; rc=$?
echo "attention ($(( $(date +%s) - T0 )) s): rc $rc (tokens, us, TFLOP/s, J a call, W, pJ a FLOP)"
grep '^{"px"' /tmp/logs/s39-attention.log | node -e 'for (const l of require("fs").readFileSync(0, "utf8").trim().split("\n")) { const r = JSON.parse(l), b = r.backToBack ?? {}; console.log(r.tokens, r.us, r.tflops, b.joulesPerCall, b.watts, b.pjPerFlop); }'; save
u() { FISEDIT_HOME=/tmp/fh-u BENCH_TAG=s39-unet-$1 BENCH_MATH=fp16 BENCH_SIZES=512,768 BENCH_CALLS=50 BENCH_PIPELINE=0 timeout 150 node dist/bench/unet.js > /tmp/logs/s39-unet-$1.log 2>&1; rc=$?
  echo "unet $1 ($(( $(date +%s) - T0 )) s): rc $rc $(grep -o '"px":[0-9]*\|"msPerCall":[0-9.]*\|"smMHz":[0-9]*\|"joulesPerCall":[0-9.a-z]*\|"watts":[0-9a-z]*' /tmp/logs/s39-unet-$1.log | cut -d: -f2 | tr '\n' ' ')"; save; }
u 1; u 2
f() { FISEDIT_HOME=/tmp/fh-f BENCH_TAG=s39-unet-twice-$1 BENCH_MATH=fp16 BENCH_SIZES=512,512 BENCH_CALLS=50 BENCH_PIPELINE=0 timeout 150 node dist/bench/unet.js > /tmp/logs/s39-unet-twice-$1.log 2>&1; rc=$?
  echo "unet twice $1 ($(( $(date +%s) - T0 )) s): rc $rc $(grep -o '"px":[0-9]*\|"msPerCall":[0-9.]*\|"smMHz":[0-9]*\|"joulesPerCall":[0-9.a-z]*' /tmp/logs/s39-unet-twice-$1.log | cut -d: -f2 | tr '\n' ' ')"; save; }
f first; f later
# cuBLASLt's GEMMs at the dense steps' shapes, the fastest candidate back to back for 3 s a shape
FISEDIT_HOME=/tmp/fh-g BENCH_TAG=s39-energy BENCH_ENERGY_S=3 BENCH_SHAPES=18432x320x320,18432x2560x320,18432x320x1280,4608x5120x640,4608x640x2560,1152x10240x1280,1152x1280x5120 timeout 200 node dist/bench/gemm.js > /tmp/logs/s39-gemm.log 2>&1; rc=$?
echo "gemm ($(( $(date +%s) - T0 )) s): rc $rc (rows x out x k, us, J a GEMM, W, pJ a FLOP)"
grep '^{"rows"' /tmp/logs/s39-gemm.log | node -e 'for (const l of require("fs").readFileSync(0, "utf8").trim().split("\n")) { const r = JSON.parse(l), b = r.backToBack ?? {}; console.log(`${r.rows}x${r.out}x${r.k}`, r.bestUs, b.joulesPerCall, b.watts, b.pjPerFlop); }'; save
