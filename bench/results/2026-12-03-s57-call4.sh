#!/bin/bash
# Session 57, call 4: the dense im2col (k_im2col) and the sparse step's gather into im2col rows
# (k_gather_im2col) a block per (row, ky) taking the kw taps' run of the row, four vectors a thread
# loaded before any is stored (they were a block per (row, ky, kx), one vector a thread: k_im2col ~8.7 us
# alone at the 768 px 12 x 12 level, call 2), against b089f74 (ab-base).
# Here first: bash bench/ab-base.sh b089f74 && bash bench/device-dist.sh --benches unet,edit .gpu ab-base
# Carry [".gpu","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
# 1. The GPU suite (im2col convolutions and the tiles' gather against the cpu). 2. bench:unet 512 and 768 px,
# base and new in turn, twice (one home). 3. Whole edits, base and new in turn, twice.
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-suite.sh
CALL=s57c4
source bench/gpu-edit.sh
for t in base-1 new-1 base-2 new-2; do
  d=dist; [ ${t%-*} = base ] && d=ab-base/dist
  FISEDIT_HOME=/tmp/fh-u BENCH_TAG=$CALL-unet-$t BENCH_MATH=fp16 BENCH_SIZES=512,768 BENCH_PIPELINE=0 timeout -k 5 120 node $d/bench/unet.js > /tmp/logs/unet-$t.log 2>&1
  echo "unet $t ($(( $(date +%s) - T0 )) s): rc $? $(grep -o '"px":[0-9]*,"batch":2,"msPerCall":[0-9.]*,"msMin":[0-9.]*' /tmp/logs/unet-$t.log | tr '\n' ' ') $(grep -o '"profiledMs":[0-9.]*' /tmp/logs/unet-$t.log | tr '\n' ' ')"
  grep -o '{"op":"k_im2col_v","ms":[0-9.]*,"count":[0-9]*}\|{"op":"gemm linear/conv [0-9]*x1280x[0-9]*0","ms":[0-9.]*,"count":[0-9]*}' /tmp/logs/unet-$t.log | tr '\n' ' '; echo
  save
done
whole whole-base-1 ab-base/dist; whole whole-new-1 dist; whole whole-base-2 ab-base/dist; whole whole-new-2 dist
echo "done ($(( $(date +%s) - T0 )) s)"
