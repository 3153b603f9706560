#!/bin/bash
# Session 39's third device call: which library's trials make a home's first process slower at 512 px
# (call 2: with only our cubins kept, the first process took 5.09 ms and times the libraries; with only
# the libraries' choices and plans kept, 4.95, as fast as later processes). A full home made first
# (h0, not timed: its trials), then homes with one library's choices kept: h4, h6 cuDNN's choices and
# plans (cuBLASLt's trials run), h5, h7 cuBLASLt's choices (cuDNN's trials run); all with h0's cubins.
# Before: bash bench/device-dist.sh --benches unet .gpu.
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
source .gpu/env.sh && export OUT; mkdir -p /tmp/logs
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
u() { FISEDIT_HOME=/tmp/$1 BENCH_TAG=s39c3-unet-$1-$2 BENCH_MATH=fp16 BENCH_SIZES=512 BENCH_CALLS=50 BENCH_ENERGY_S=2 BENCH_PIPELINE=0 timeout 150 node dist/bench/unet.js > /tmp/logs/s39c3-unet-$1-$2.log 2>&1; rc=$?
  echo "unet $1 $2 ($(( $(date +%s) - T0 )) s): rc $rc $(grep -o '"px":[0-9]*\|"msPerCall":[0-9.]*\|"joulesPerCall":[0-9.a-z]*\|"watts":[0-9a-z]*' /tmp/logs/s39c3-unet-$1-$2.log | cut -d: -f2 | tr '\n' ' ')"; save; }
u h0 first
for h in h4 h5 h6 h7; do mkdir -p /tmp/$h; cp -r /tmp/h0/cubin /tmp/$h/; done
for h in h4 h6; do cp -r /tmp/h0/cudnn-plans /tmp/h0/cudnn-choices.json /tmp/$h/; done
for h in h5 h7; do cp /tmp/h0/cublaslt-choices.json /tmp/$h/; done
u h4 first; u h5 first; u h6 first; u h7 first; u h0 later
