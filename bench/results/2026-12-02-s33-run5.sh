#!/bin/bash
# Session 33, call 5: the wgmma attention with a launch's full waves whole and only a part-full last
# wave's query blocks split (flash-splits.ts splitTail; attention-sm90.cu's `whole`; k_flash_combine
# over the split query blocks only). The GPU suite first (its new test: tail-split launches against
# unsplit ones, 9216x9216 and 2816x9216), then bench:attention's dense and sparse shapes, bench:unet
# at 512 and 768 px alternating with BENCH_FLASH_SPLITS=1 (every launch unsplit, as session 32's rule
# had a dense call's), and bench:edit's bins.
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
source bench/gpu-suite.sh
for s in auto 1; do
  FISEDIT_HOME=/tmp/fh-a BENCH_FLASH_SPLITS=$s BENCH_TAG=s33-tail-$s timeout 90 node dist/bench/attention.js > /tmp/logs/attention-dense-$s.log 2>&1
  echo "attention dense splits $s: rc $? $(grep -o '"us":[0-9.]*' /tmp/logs/attention-dense-$s.log | cut -d: -f2 | tr '\n' ' ')"
done
FISEDIT_HOME=/tmp/fh-a BENCH_ATTENTION_SHAPES=sparse BENCH_TAG=s33-sparse-tail timeout 60 node dist/bench/attention.js > /tmp/logs/attention-sparse-tail.log 2>&1
echo "attention sparse: rc $? $(grep -o '"us":[0-9.]*' /tmp/logs/attention-sparse-tail.log | cut -d: -f2 | tr '\n' ' ')"
u() { FISEDIT_HOME=/tmp/fh-u BENCH_FLASH_SPLITS=$1 BENCH_TAG=s33-unet-splits-$1-$2 BENCH_MATH=fp16 BENCH_SIZES=512,768 BENCH_PIPELINE=0 timeout 120 node dist/bench/unet.js > /tmp/logs/unet-$1-$2.log 2>&1; rc=$?
  echo "unet splits $1 round $2 ($(( $(date +%s) - T0 )) s): rc $rc $(grep -o '"px":[0-9]*\|"msPerCall":[0-9.]*\|"msMin":[0-9.]*' /tmp/logs/unet-$1-$2.log | cut -d: -f2 | tr '\n' ' ')"; }
for r in 1 2; do u auto $r; u 1 $r; done
FISEDIT_HOME=/tmp/fh-e BENCH_TAG=s33-tail-bins BENCH_PARTS=bins timeout 120 node --expose-gc dist/bench/edit.js > /tmp/logs/edit-bins.log 2>&1
echo "edit bins ($(( $(date +%s) - T0 )) s): $(grep -o '"editSize":[0-9.]*,"sparseStepMs":[0-9.]*' /tmp/logs/edit-bins.log | sed 's/"editSize"://; s/"sparseStepMs"://' | tr '\n' ' ') $(grep -o 'rror.*' /tmp/logs/edit-bins.log | head -1)"
cd $OUT && mkdir -p j && mv $OUT/*.json j/ 2>/dev/null; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j
