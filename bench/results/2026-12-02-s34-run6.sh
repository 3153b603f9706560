#!/bin/bash
# Session 34, call 6: where calls 3-5's slower k_flash_wg64 launches come from (4096 tokens at 512 px,
# unsplit: 118-123 us against 106-109 with cb9d347, though the two builds' SASS of the kernel differ in
# scheduling only). Three builds, every launch unsplit (BENCH_FLASH_SPLITS=1, so that the mixed build's
# host never launches k_flash_combine): cb9d347 (ab-base), the working tree (dist), and cb9d347's host
# code with the working tree's attention-sm90.cu (its batch parameter put back, unused: ab-mix).
# bench:attention's dense shapes, alternating three times.
# Before: bench/ab-base.sh cb9d347; ab-mix = a copy of ab-base with that kernel source; bench/device-dist.sh .gpu-lite ab-base ab-mix.
# Carry [".gpu-lite","dist","ab-base","ab-mix","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
mkdir -p .gpu-lite/data /tmp/logs && xz -dc .gpu-lite/masks.xz > .gpu-lite/data/masks-dev-300.bin
source .gpu-lite/env.sh && export OUT
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
a() { FISEDIT_HOME=/tmp/fh-a BENCH_FLASH_SPLITS=1 BENCH_TAG=s34c6-$1$2 timeout 90 node $3/bench/attention.js > /tmp/logs/c6-attention-$1$2.log 2>&1
  echo "attention $1$2 ($(( $(date +%s) - T0 )) s): rc $? $(grep -o '"us":[0-9.]*' /tmp/logs/c6-attention-$1$2.log | cut -d: -f2 | tr '\n' ' ')"; }
for i in 1 2 3; do a base $i ab-base/dist; a mix $i ab-mix/dist; a new $i dist; done
save
