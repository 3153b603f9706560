#!/bin/bash
# bench:edit runs as device calls A/B them (bench/results/*.sh), each printing one line of what it
# measured and saving: `bins TAG DIST` (the bins and the probe's profile after the warm-up, in the
# home /tmp/fh-e that every bins run shares; BINS_PARTS=bins,probe,host adds the host tier) and
# `whole TAG DIST` (whole edits after prepareEdits, a home of their own); bench:unet as `unet TAG DIST`
# (fp16, 512 and 768 px, no pipeline, in the home /tmp/fh-u: its medians, back to back figures and peak
# memory, and the profile's ops matching UNET_OPS, default the Winograd transforms). TAG names the JSON
# (BENCH_TAG=$CALL-TAG, CALL set by the script, e.g. s54c1); DIST is a build's dist (dist, or
# ab-base/dist). Sourced after bench/gpu-suite.sh or bench/gpu-setup.sh (save, T0). (Call scripts
# before session 54 defined these as e and w themselves.)
bins() { local tag=$1 d=$2
  FISEDIT_HOME=/tmp/fh-e BENCH_PREPARE=warm-up BENCH_TAG=$CALL-$tag BENCH_PARTS=${BINS_PARTS:-bins,probe} timeout -k 5 200 node --expose-gc $d/bench/edit.js > /tmp/logs/edit-$tag.log 2>&1; local rc=$?
  echo "edit $tag ($(( $(date +%s) - T0 )) s): rc $rc bins $(grep -o '"editSize":[0-9.]*,"sparseStepMs":[0-9.]*' /tmp/logs/edit-$tag.log | sed 's/"editSize"://; s/"sparseStepMs"://' | tr '\n' ' ') $(grep -o '[0-9]* launches in the step' /tmp/logs/edit-$tag.log | head -1)"
  grep -o 'sparse step profile[^[]*' /tmp/logs/edit-$tag.log | cut -c1-200
  grep -o '{"op":"k_[a-z_]*","ms":[0-9.]*,"count":[0-9]*}' /tmp/logs/edit-$tag.log | head -8 | tr '\n' ' '; echo
  grep -h '^capacity:\|^host tier' /tmp/logs/edit-$tag.log | cut -c1-600
  [ $rc = 0 ] || tail -5 /tmp/logs/edit-$tag.log | cut -c1-300; save; }
whole() { local tag=$1 d=$2
  FISEDIT_HOME=/tmp/fh-w-$tag BENCH_PREPARE=on BENCH_TAG=$CALL-$tag BENCH_PARTS=whole timeout -k 5 200 node --expose-gc $d/bench/edit.js > /tmp/logs/whole-$tag.log 2>&1; local rc=$?
  echo "whole $tag ($(( $(date +%s) - T0 )) s): rc $rc (edit size, wall s, later sparse steps' GPU ms a step)"
  grep -o '"editSize":[0-9.]*,"wallS":[0-9.]*,[^}]*"gpuMsPerStep":[0-9.]*' /tmp/logs/whole-$tag.log | sed 's/"editSize":\([0-9.]*\),"wallS":\([0-9.]*\),.*"gpuMsPerStep":\([0-9.]*\)/\1 \2 \3/' | tr '\n' ';'; echo
  [ $rc = 0 ] || tail -5 /tmp/logs/whole-$tag.log | cut -c1-300; save; }
unet() { local tag=$1 d=$2
  FISEDIT_HOME=/tmp/fh-u BENCH_TAG=$CALL-unet-$tag BENCH_MATH=fp16 BENCH_SIZES=512,768 BENCH_PIPELINE=0 timeout -k 5 120 node $d/bench/unet.js > /tmp/logs/unet-$tag.log 2>&1; local rc=$?
  echo "unet $tag ($(( $(date +%s) - T0 )) s): rc $rc $(grep -o '"px":[0-9]*,"batch":2,"msPerCall":[0-9.]*,"msMin":[0-9.]*,"msPerCallEager":[0-9.]*,"clocks":[^}]*},"backToBack":{[^}]*}\|"peakGpuGiB":[0-9.]*' /tmp/logs/unet-$tag.log | sed 's/"clocks":[^}]*},//' | tr '\n' ' ')"
  grep -o "{\"op\":\"\(${UNET_OPS:-k_wino}\)[^}]*}" /tmp/logs/unet-$tag.log | tr '\n' ' '; echo
  [ $rc = 0 ] || tail -5 /tmp/logs/unet-$tag.log | cut -c1-300; save; }
