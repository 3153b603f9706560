#!/bin/bash
# Session 46, call 5: call 4 again (which hung: k_gemm_geglu's consumers asked for more registers than its producer freed; now 56 and 224). CudaBackend.linearGeglu (a transformer's feed-forward input layer and GEGLU in
# one kernel, k_gemm_geglu, from 1024 rows on Hopper in fp16; x now by cp.async, the weight by TMA).
# The GPU suite (its linearGeglu test checks which kernel ran and the results against the cpu and
# the two-op path); bench:gemm-geglu; bench:unet at 512 and 768 px, 261826f (ab-base: the session's
# start) against the working tree, alternating twice after a warm-up, one home.
# Carry [".gpu","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-suite.sh
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
save
BENCH_TAG=s46c5 timeout -k 5 100 node dist/bench/gemm-geglu.js > /tmp/logs/s46c5-geglu.log 2>&1; rc=$?
echo "gemm-geglu ($(( $(date +%s) - T0 )) s): rc $rc"; grep '^{' /tmp/logs/s46c5-geglu.log | cut -c1-200
[ $rc = 0 ] || tail -8 /tmp/logs/s46c5-geglu.log | cut -c1-300; save
u() { local tag=$1 dir=$2
  FISEDIT_HOME=/tmp/fh-u BENCH_TAG=s46c5-unet-$tag BENCH_MATH=fp16 BENCH_SIZES=512,768 BENCH_PIPELINE=0 timeout -k 5 120 node $dir/bench/unet.js > /tmp/logs/s46c5-unet-$tag.log 2>&1; local rc=$?
  echo "unet $tag ($(( $(date +%s) - T0 )) s): rc $rc $(grep -o '"px":[0-9]*\|"msPerCall":[0-9.]*' /tmp/logs/s46c5-unet-$tag.log | cut -d: -f2 | tr '\n' ' ')"
  [ $rc = 0 ] || tail -5 /tmp/logs/s46c5-unet-$tag.log | cut -c1-300; save; }
u warm dist
for r in 1 2; do u base-$r ab-base/dist; u new-$r dist; done
echo "done ($(( $(date +%s) - T0 )) s)"
