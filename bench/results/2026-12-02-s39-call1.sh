#!/bin/bash
# Session 39's first device call. Session 38's next run (…-s38-next-run.sh) with each line's exit
# status taken before anything else runs: the GPU suite; bench:attention's dense shapes with
# BENCH_ENERGY_S=3 (J a call, W, pJ a FLOP, against the U-Net call's 1.85 pJ a FLOP); 512 px twice in
# one process (BENCH_SIZES=512,512) in a fresh home and then again in it (is a home's first process
# slower because of its graph's memory, or for a while?). Added: bench:gemm's dense shapes with
# BENCH_ENERGY_S=3 (what cuBLASLt's kernels take a FLOP at the power limit), and a trial
# (…-s39-ff-chunks-trial.diff, FISEDIT_TRIAL_FF_ROWS=n): a dense transformer's feed-forward (GEMM,
# GEGLU, GEMM + residual) in chunks of n rows through one reused pair of scratch buffers, so that each
# chunk's 2F- and F-wide intermediates are read back from L2 (~24 MB a chunk at n = 4608, 96 x 96 x
# 1280 x 2 of GEGLU input) rather than memory; the GPU suite with n = 32 for its correctness, then
# bench:unet alternating off / 4608 / 2304, twice, in one home.
# Before: bash bench/device-dist.sh --benches attention,unet,gemm .gpu.
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
source bench/gpu-suite.sh
cp /tmp/logs/test-gpu.log $OUT/s39-call1-test-gpu.log
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
FISEDIT_TRIAL_FF_ROWS=32 FISEDIT_HOME=/tmp/fh-suite timeout 150 node --test --test-reporter=spec dist/test/gpu/*.test.js > /tmp/logs/test-gpu-ff32.log 2>&1; rc=$?
echo "suite, FF in chunks of 32 rows ($(( $(date +%s) - T0 )) s): rc $rc $(grep -E '^ℹ (pass|fail)' /tmp/logs/test-gpu-ff32.log | tr '\n' ' ')"
grep -E '^✖' /tmp/logs/test-gpu-ff32.log | cut -c1-300 | head -5; save
FISEDIT_HOME=/tmp/fh-a BENCH_TAG=s39-energy BENCH_ENERGY_S=3 timeout 200 node dist/bench/attention.js > /tmp/logs/s39-attention.log 2>&1; rc=$?
echo "attention ($(( $(date +%s) - T0 )) s): rc $rc (tokens, us, TFLOP/s, J a call, W, pJ a FLOP)"
grep '^{"px"' /tmp/logs/s39-attention.log | node -e 'for (const l of require("fs").readFileSync(0, "utf8").trim().split("\n")) { const r = JSON.parse(l), b = r.backToBack ?? {}; console.log(r.tokens, r.us, r.tflops, b.joulesPerCall, b.watts, b.pjPerFlop); }'; save
FISEDIT_HOME=/tmp/fh-g BENCH_TAG=s39-energy BENCH_ENERGY_S=3 BENCH_SHAPES=18432x320x320,18432x2560x320,18432x320x1280,4608x5120x640,4608x640x2560,1152x10240x1280,1152x1280x5120 timeout 200 node dist/bench/gemm.js > /tmp/logs/s39-gemm.log 2>&1; rc=$?
echo "gemm ($(( $(date +%s) - T0 )) s): rc $rc (rows x out x k, us, J a GEMM, W, pJ a FLOP)"
grep '^{"rows"' /tmp/logs/s39-gemm.log | node -e 'for (const l of require("fs").readFileSync(0, "utf8").trim().split("\n")) { const r = JSON.parse(l), b = r.backToBack ?? {}; console.log(`${r.rows}x${r.out}x${r.k}`, r.bestUs, b.joulesPerCall, b.watts, b.pjPerFlop); }'; save
f() { FISEDIT_HOME=/tmp/fh-f BENCH_TAG=s39-unet-twice-$1 BENCH_MATH=fp16 BENCH_SIZES=512,512 BENCH_CALLS=50 BENCH_PIPELINE=0 timeout 150 node dist/bench/unet.js > /tmp/logs/s39-unet-twice-$1.log 2>&1; rc=$?
  echo "unet twice $1 ($(( $(date +%s) - T0 )) s): rc $rc $(grep -o '"px":[0-9]*\|"msPerCall":[0-9.]*\|"smMHz":[0-9]*\|"joulesPerCall":[0-9.a-z]*' /tmp/logs/s39-unet-twice-$1.log | cut -d: -f2 | tr '\n' ' ')"; save; }
f first; f later
# px msPerCall (synchronised), then backToBack's msPerCall and joulesPerCall, the clocks' smMHz and watts, per size
u() { FISEDIT_TRIAL_FF_ROWS=$2 FISEDIT_HOME=/tmp/fh-u BENCH_TAG=s39-unet-ff$2-$1 BENCH_MATH=fp16 BENCH_SIZES=512,768 BENCH_CALLS=50 BENCH_PIPELINE=0 timeout 150 node dist/bench/unet.js > /tmp/logs/s39-unet-ff$2-$1.log 2>&1; rc=$?
  echo "unet ff $2 #$1 ($(( $(date +%s) - T0 )) s): rc $rc $(grep -o '"px":[0-9]*\|"msPerCall":[0-9.]*\|"smMHz":[0-9]*\|"joulesPerCall":[0-9.a-z]*\|"watts":[0-9a-z]*' /tmp/logs/s39-unet-ff$2-$1.log | cut -d: -f2 | tr '\n' ' ')"; save; }
u 1 0; u 1 4608; u 1 2304; u 2 0; u 2 4608; u 2 2304
