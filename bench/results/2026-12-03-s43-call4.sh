#!/bin/bash
# Session 43, call 4: the README's figures at the session's code, in one fresh home: bench:edit with
# all its parts (bins, probe, host tier, whole edits; the README's bins table was session 35's), then
# bench:unet in fp16 at 512, 768 and 1024 px, 50 calls each, with the 768 px text-to-image run (the
# table's last full run was session 35's). Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/ff
source bench/gpu-setup.sh
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
FISEDIT_HOME=/tmp/ff BENCH_TAG=s43c4-all BENCH_PREPARE=on timeout 280 node --expose-gc dist/bench/edit.js > /tmp/logs/s43c4-edit.log 2>&1; rc=$?
echo "edit, all parts ($(( $(date +%s) - T0 )) s): rc $rc"
grep -o '"editSize":[0-9.]*,"sparseStepMs":[0-9.]*' /tmp/logs/s43c4-edit.log | sed 's/"editSize"://; s/"sparseStepMs"://' | tr '\n' ' '; echo
grep -o '"copyGBps":[0-9.]*\|"hostTierStepMs":[0-9.]*\|"gpuTierStepMs":[0-9.]*\|"prefetchOverlap":[0-9.]*\|"sessions[A-Za-z]*":[0-9.]*' /tmp/logs/s43c4-edit.log | tr '\n' ' '; echo
echo "whole edits (s): $(grep -o '"wallS":[0-9.]*' /tmp/logs/s43c4-edit.log | cut -d: -f2 | tr '\n' ' ')"; save
FISEDIT_HOME=/tmp/ff BENCH_TAG=s43c4-all BENCH_MATH=fp16 BENCH_CALLS=50 BENCH_ENERGY_S=2 timeout 240 node dist/bench/unet.js > /tmp/logs/s43c4-unet.log 2>&1; rc=$?
echo "unet ($(( $(date +%s) - T0 )) s): rc $rc $(grep -o '"px":[0-9]*\|"msPerCall":[0-9.]*\|"tflops":[0-9.]*\|"peakGiB":[0-9.]*\|"joulesPerCall":[0-9.a-z]*' /tmp/logs/s43c4-unet.log | cut -d: -f2 | tr '\n' ' ')"
grep -i 'text-to-image\|pipeline' /tmp/logs/s43c4-unet.log | cut -c1-300 | tail -4; save
