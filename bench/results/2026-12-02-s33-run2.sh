#!/bin/bash
# Session 33, call 2: the wgmma attention over a 768 px sparse step's shapes (few query rows over all
# of a level's keys) at each number of key splits, with and without the pipelined kernel: call 1's
# census had the ~30% step's five level-1 self-attentions at 209 us each, 440 blocks for 396 places
# (a second wave of 44), and the ~15% step's at 105 us, 200 blocks in one wave of two an SM.
# Carry [".gpu-lite","dist","node_modules/koffi","node_modules/@koromix"].
mkdir -p .gpu-lite/data /tmp/logs && xz -dc .gpu-lite/masks.xz > .gpu-lite/data/masks-dev-300.bin
source .gpu-lite/env.sh && export OUT
for p in auto on off; do
  for s in auto 1 2 3 4 5 6 8 12; do
    [ $p = auto ] && [ $s != auto ] && continue
    FISEDIT_HOME=/tmp/fh-a BENCH_ATTENTION_SHAPES=sparse BENCH_FLASH_SPLITS=$s BENCH_WGMMA_PIPELINE=$p BENCH_TAG=s33-sparse-$p-$s timeout 60 node dist/bench/attention.js > /tmp/logs/attention-$p-$s.log 2>&1
    echo "pipe $p splits $s: rc $? $(grep -o '"us":[0-9.]*' /tmp/logs/attention-$p-$s.log | cut -d: -f2 | tr '\n' ' ')"
  done
done
cd $OUT && mkdir -p j && mv $OUT/*.json j/ 2>/dev/null; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j
