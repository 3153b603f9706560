#!/bin/bash
# Session 58 call 1: session 57's two prepared trials in one call.
# 1. The GPU suite with …-s57-next-tile-rows-tma.diff applied (k_tile_conv_wgs taking its tile rows by
#    a 4-D TMA box where a block's rows are whole tiles; the 144-row build), then bench:tile-conv against
#    the base (24a8da0, ab-base) twice, 1280:1280:14:1 being the 768 px 12 x 12 convolution as whole-map tiles.
# 2. …-s57-next-inplace.sh's bench:gemm with cuBLASLt's in-place split-K reduction (bench-only code at 24a8da0).
# Here first: git apply …-s57-next-tile-rows-tma.diff && bash bench/ab-base.sh 24a8da0
#   && bash bench/device-dist.sh --benches tile-conv,gemm .gpu ab-base
# Carry [".gpu","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-suite.sh
S=1280:1280:3:20,1280:1280:3:38,1280:1280:3:60,2560:1280:3:20,640:640:3:38,1280:1280:14:1,2560:1280:14:1
for t in base-1 new-1 base-2 new-2; do
  d=dist; [ ${t%-*} = base ] && d=ab-base/dist
  FISEDIT_HOME=/tmp/fh-t BENCH_COLD=on BENCH_TAG=tma-rows-$t BENCH_TILE_CONV_SHAPES=$S timeout -k 5 120 node $d/bench/tile-conv.js > /tmp/logs/tc-$t.log 2>&1
  echo "tile-conv $t ($(( $(date +%s) - T0 )) s): rc $?"
  grep -o '"ci":[0-9]*,"co":[0-9]*,"side":[0-9]*,"tiles":[0-9]*,"rows":[0-9]*,"kdim":[0-9]*,"fusedUs":[0-9.]*,"libraryUs":[0-9.]*,"fusedKernels":"[^"]*","maxDiffRelative":[0-9.e-]*' /tmp/logs/tc-$t.log | sed 's/"kdim":[0-9]*,//' | tr '\n' ' '; echo
  save
done
for r in off on; do
  [ $(( $(date +%s) - T0 )) -gt 430 ] && { echo "gemm residual $r skipped: time"; continue; }
  BENCH_COLD=on BENCH_REDUCTION=inplace BENCH_RESIDUAL=$r BENCH_SHAPES=40x1280x11520,76x1280x11520,40x1280x23040,252x640x5760,76x1280x5120,288x1280x11520,288x1280x23040 BENCH_TAG=inplace-residual-$r timeout -k 5 80 node dist/bench/gemm.js > /tmp/logs/gemm-$r.log 2>&1
  echo "gemm residual $r ($(( $(date +%s) - T0 )) s): rc $?"
  grep -o '"rows":[0-9]*,"out":[0-9]*,"k":[0-9]*,[^]]*"firstChoiceUs":[0-9.]*,"bestUs":[0-9.]*\|"candidateUs":\[[^]]*\]\|"candidateSplits":\[[^]]*\]\|"candidateReduction":\[[^]]*\]' /tmp/logs/gemm-$r.log | sed 's/"weightCopies":[0-9]*,//' | tr '\n' ' '; echo
  save
done
echo "done ($(( $(date +%s) - T0 )) s)"
