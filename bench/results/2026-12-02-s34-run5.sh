#!/bin/bash
# Session 34, call 5: call 3 had the unsplit dense attentions of k_flash_wg64 7% slower with the
# compact partials (9216 tokens 534.5 against 498.6 us, 4096 113.5 against 105.9; one run each) and
# 1280 / 1920 rows over 9216 keys ~3% slower, where its Work (now holding the block's Part) stayed
# live through the key loop; call 4 (k_flash_wg64 asking for its Work again where it writes, as the
# pipelined kernel does) was no better. Now the kernels are cb9d347's but for the partials' address,
# worked out in write_rows from blockIdx (nothing more kept through the loop), and k_flash_wg64_pipe's
# work_again (165 / 253 registers). bench:attention's dense and sparse shapes against cb9d347 (ab-base),
# alternating three and two times; and both builds' SASS of attention-sm90.cu (nvcc, cuobjdump), to compare.
# Before: bench/ab-base.sh cb9d347; bench/device-dist.sh .gpu-lite ab-base.
# Carry [".gpu-lite","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
mkdir -p .gpu-lite/data /tmp/logs && xz -dc .gpu-lite/masks.xz > .gpu-lite/data/masks-dev-300.bin
source .gpu-lite/env.sh && export OUT
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
a() { FISEDIT_HOME=/tmp/fh-a BENCH_ATTENTION_SHAPES=$4 BENCH_TAG=s34c5-$4-$1$2 timeout 90 node $3/bench/attention.js > /tmp/logs/c5-attention-$4-$1$2.log 2>&1
  echo "attention $4 $1$2 ($(( $(date +%s) - T0 )) s): rc $? $(grep -o '"us":[0-9.]*' /tmp/logs/c5-attention-$4-$1$2.log | cut -d: -f2 | tr '\n' ' ')"; }
for i in 1 2 3; do a base $i ab-base/dist dense; a new $i dist dense; done
save
for i in 1 2; do a base $i ab-base/dist sparse; a new $i dist sparse; done
save
for b in new:src base:ab-base/src; do n=${b%%:*}; d=${b#*:}
  $CUDA_HOME/bin/nvcc -arch=sm_90a -cubin --use_fast_math -DWG_KB=128 -I$d/backend/cuda/kernels -o /tmp/att-$n.cubin $d/backend/cuda/kernels/attention-sm90.cu && $CUDA_HOME/bin/cuobjdump -sass /tmp/att-$n.cubin | xz > /tmp/logs/c5-attention-sm90-$n.sass.xz
done
ls -la /tmp/logs/*.sass.xz
save
