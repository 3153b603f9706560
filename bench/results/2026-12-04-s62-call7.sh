#!/bin/bash
# Session 62, call 7: the session's final code (ebbda4b: F(4x4, 3x3) opt-in, the decode changes) at
# bench:unet's defaults (512 / 768 / 1024 px, fp16, the text-to-image run and its VAE decode), then
# whole edits with BENCH_WINOGRAD=f4 (call 6 had them at the default F(2x2, 3x3)).
# Here first: bash bench/device-dist.sh --benches edit,unet .gpu
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-setup.sh
T0=$(date +%s)
CALL=s62c7; source bench/gpu-edit.sh
FISEDIT_HOME=/tmp/fh-u BENCH_TAG=s62c7-all BENCH_MATH=fp16 timeout -k 5 200 node dist/bench/unet.js > /tmp/logs/unet-all.log 2>&1; rc=$?
echo "unet all ($(( $(date +%s) - T0 )) s): rc $rc"; grep -o '"px":[0-9]*,"batch":2,"msPerCall":[0-9.]*,"msMin":[0-9.]*,"msPerCallEager":[0-9.]*\|"backToBack":{[^}]*}\|"tflops":[0-9.]*\|"peakGpuGiB":[0-9.]*\|"seconds":[0-9.]*,"firstSeconds":[0-9.]*\|"what":"VAE decode 768 px","ms":[0-9.]*,"profiledMs":[0-9.]*' /tmp/logs/unet-all.log | tr '\n' ' '; echo; save
BENCH_WINOGRAD=f4 whole whole-f4 dist
echo "done ($(( $(date +%s) - T0 )) s)"
