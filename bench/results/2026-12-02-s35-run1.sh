#!/bin/bash
# Session 35, call 1 (written in session 34 as …-s34-next-run.sh): does a wgmma attention launch's
# time follow where its tensors sit? Session 34 found k_flash_wg64's 4096-token launches (512 px, 640
# blocks) 11% slower under one kernel source than another whose SASS differs in instruction order
# only (…-s34-call6-*), and the 9216-token ones spread 482-531 us between processes of one build (the final code, calls 6-8).
# bench:attention's new BENCH_PAD_KB takes that much of the pool before each shape's input, and each
# row reports the input's offset past a 2 MiB boundary (inputAt). Pads 0, 64, 512, 2048 and 4096 KiB,
# each twice, alternating; then the GPU suite, which the session's code has passed (46 of 47 and the
# fp32 skip, …-s34-call7-test-gpu.log), as a check of the machine.
# Before: bench/device-prepare.sh; bench/device-dist.sh. Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
source bench/gpu-suite.sh
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
save
a() { FISEDIT_HOME=/tmp/fh-a BENCH_PAD_KB=$1 BENCH_TAG=s35c1-pad$1-$2 timeout 60 node dist/bench/attention.js > /tmp/logs/attention-pad$1-$2.log 2>&1
  echo "attention pad $1 KiB #$2 ($(( $(date +%s) - T0 )) s): rc $? $(grep -o '"us":[0-9.]*\|"inputAt":[0-9]*' /tmp/logs/attention-pad$1-$2.log | cut -d: -f2 | paste -sd' ')"; }
for i in 1 2; do for p in 0 64 512 2048 4096; do a $p $i; done; done
save
