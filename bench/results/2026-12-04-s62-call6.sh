#!/bin/bash
# Session 62, call 6: the decode changes as they will be committed (no prints): StableDiffusion.decode
# takes the latents where the backend keeps them, toHost(t, into) fills an image buffer whose pages the
# session touched while the GPU still ran the steps (StableDiffusion.imageBuffer), downloads from 1 MiB
# through page-locked memory. The GPU suite (a new toHost case), whole edits (decodeMs; calls 1 and 3:
# 17-23 ms), bench:unet at 768 px with its text-to-image run.
# Here first: npm test; bash bench/device-dist.sh --benches edit,unet .gpu
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-suite.sh
CALL=s62c6; source bench/gpu-edit.sh
whole whole dist
grep -o '"round":[^,]*,[^}]*"decodeMs":[0-9]*' /tmp/logs/whole-whole.log | sed 's/"prompt":"[^"]*",//; s/"targetSize":[0-9.]*,//; s/"mask":[0-9]*,//; s/"denseMs".*"decodeMs"/decodeMs/' | tr '\n' ';'; echo
FISEDIT_HOME=/tmp/fh-u BENCH_TAG=s62c6-768 BENCH_MATH=fp16 BENCH_SIZES=768 timeout -k 5 150 node dist/bench/unet.js > /tmp/logs/unet-768.log 2>&1; rc=$?
echo "unet 768 ($(( $(date +%s) - T0 )) s): rc $rc"; grep -o '"msPerCall":[0-9.]*,"msMin":[0-9.]*\|"seconds":[0-9.]*,"firstSeconds":[0-9.]*\|"what":"VAE decode 768 px","ms":[0-9.]*,"profiledMs":[0-9.]*' /tmp/logs/unet-768.log; save
echo "done ($(( $(date +%s) - T0 )) s)"
