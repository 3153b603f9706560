#!/bin/bash
# Session 34, call 3: the wgmma attention with partials for its split query blocks only (and
# k_flash_wg64_pipe without its spill) against cb9d347 (ab-base) on one machine: bench:attention's
# sparse shapes alternating three times (call 2, on another machine than call 1's A/B, had 1280 and
# 1920 rows over 9216 keys 5-7% above call 1's cb9d347 runs), then its dense shapes (1024 px's
# 16384 tokens split their last wave) once each.
# Before: bench/ab-base.sh cb9d347; bench/device-dist.sh .gpu-lite ab-base.
# Carry [".gpu-lite","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
mkdir -p .gpu-lite/data /tmp/logs && xz -dc .gpu-lite/masks.xz > .gpu-lite/data/masks-dev-300.bin
source .gpu-lite/env.sh && export OUT
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
a() { FISEDIT_HOME=/tmp/fh-a BENCH_ATTENTION_SHAPES=$4 BENCH_TAG=s34-$4-$1$2 timeout 90 node $3/bench/attention.js > /tmp/logs/attention-$4-$1$2.log 2>&1
  echo "attention $4 $1$2 ($(( $(date +%s) - T0 )) s): rc $? $(grep -o '"us":[0-9.]*' /tmp/logs/attention-$4-$1$2.log | cut -d: -f2 | tr '\n' ' ')"; }
for i in 1 2 3; do a base $i ab-base/dist sparse; a new $i dist sparse; done
save
a base 1 ab-base/dist dense; a new 1 dist dense
save
