#!/bin/bash
# Session 55, call 2: linear runs k_gemm_rows up to K / 10 rows (call 1's crossover with a model's
# weights loaded before the wait: 128 rows at K = 1280, 64 at 640, 32 at 320), against 8bbe466
# (ab-base: up to 32 rows, weights into L2 only). Here first: bash bench/ab-base.sh 8bbe466 &&
# bash bench/device-dist.sh --benches edit,gemm-rows,unet .gpu ab-base
# Carry [".gpu","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
# 1. bench:gemm-rows with blocks of fewer slabs (more blocks: x and weights in flight on more SMs)
#    where the kernel lost in call 1. 2. Whole edits, base and new in turn, twice. 3. bench:unet 512
#    and 768 px (at 512 px the mid block's 128 rows of 1280 now take the kernel), base and new.
#    4. The GPU suite (linear's rule now K / 10) if time is left.
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-setup.sh
FISEDIT_HOME=/tmp/fh-g BENCH_TAG=s55c2 BENCH_SHAPES=76x1280x1280,128x1280x1280,128x640x640,252x640x640,64x320x320,256x320x320,768x320x320,768x320x1280 timeout -k 5 150 node dist/bench/gemm-rows.js > /tmp/logs/gemm-rows.log 2>&1; echo "gemm-rows rc $? ($(( $(date +%s) - T0 )) s)"
grep '^{' /tmp/logs/gemm-rows.log | sed 's/"launch":{[^}]*}/L/; s/"launch":"[^"]*"/R/; s/"maxDiff[^A]*After/After/; s/,"backToBack[^}]*//' | cut -c1-500; grep -iE 'error' /tmp/logs/gemm-rows.log | head -5
save
CALL=s55c2
source bench/gpu-edit.sh
whole whole-base-1 ab-base/dist; whole whole-new-1 dist; whole whole-base-2 ab-base/dist; whole whole-new-2 dist
u() { local tag=$1 d=$2
  FISEDIT_HOME=/tmp/fh-u BENCH_TAG=s55c2-unet-$tag BENCH_MATH=fp16 BENCH_SIZES=512,768 BENCH_PIPELINE=0 timeout -k 5 120 node $d/bench/unet.js > /tmp/logs/unet-$tag.log 2>&1; local rc=$?
  echo "unet $tag ($(( $(date +%s) - T0 )) s): rc $rc $(grep -o '"px":[0-9]*\|"msPerCall":[0-9.]*' /tmp/logs/unet-$tag.log | cut -d: -f2 | tr '\n' ' ')"
  [ $rc = 0 ] || tail -5 /tmp/logs/unet-$tag.log | cut -c1-300; save; }
u base ab-base/dist; u new dist
if [ $(( $(date +%s) - T0 )) -lt 400 ]; then
  FISEDIT_HOME=/tmp/fh-suite timeout -k 10 150 node --test --test-reporter=spec dist/test/gpu/*.test.js > /tmp/logs/test-gpu.log 2>&1
  echo "rc $?" >> /tmp/logs/test-gpu.log
  echo "suite ($(( $(date +%s) - T0 )) s): $(grep -E '^ℹ (pass|fail)' /tmp/logs/test-gpu.log | tr '\n' ' ')"
  grep -A8 '^✖ failing tests' /tmp/logs/test-gpu.log | grep -vE '^\s+at ' | cut -c1-300 | head -20
  save
fi
echo "done ($(( $(date +%s) - T0 )) s)"
