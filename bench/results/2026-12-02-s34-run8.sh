#!/bin/bash
# Session 34, call 8 (the device time left): is k_flash_wg64_pipe (two blocks an SM, the next key
# tile's scores queued during the softmax) better than k_flash_wg64 (three) for the dense launches of
# ~1.5-2.5 waves, which calls 3-6 found sensitive to per-block costs (4096 tokens at 512 px: 640
# blocks)? bench:attention's dense shapes with BENCH_WGMMA_PIPELINE=auto (k_flash_wg64 above one wave)
# and =on (the pipelined kernel everywhere), alternating twice.
# Before: bench/device-dist.sh .gpu-lite. Carry [".gpu-lite","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
mkdir -p .gpu-lite/data /tmp/logs && xz -dc .gpu-lite/masks.xz > .gpu-lite/data/masks-dev-300.bin
source .gpu-lite/env.sh && export OUT
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
a() { FISEDIT_HOME=/tmp/fh-a BENCH_WGMMA_PIPELINE=$1 BENCH_TAG=s34c8-$1$2 timeout 60 node dist/bench/attention.js > /tmp/logs/c8-attention-$1$2.log 2>&1
  echo "attention pipeline $1 $2 ($(( $(date +%s) - T0 )) s): rc $? $(grep -o '"us":[0-9.]*' /tmp/logs/c8-attention-$1$2.log | cut -d: -f2 | tr '\n' ' ')"; }
for i in 1 2; do a auto $i; a on $i; done
save
