#!/bin/bash
# For session 31's first device call (written in session 30, whose device time ran out): checks
# what session 30 could not run. The empty node before cuDNN calls now goes into graphs recorded
# without dependent launches too (the suite's dependent-launches test asserts that backend's graphs
# hold no programmatic edge into a library kernel), and bench:unet / bench:edit report
# libraryDependents for the 768 px graphs (none expected). Then bench:repeatability's replays with and
# without dependent launches.
# Before: build dist; move node_modules/@koromix/koffi-linux-x64/musl_x64 aside.
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
source bench/gpu-suite.sh
FISEDIT_HOME=/tmp/fh-unet BENCH_TAG=s31-check BENCH_SIZES=768 BENCH_MATH=fp16 timeout 150 node --expose-gc dist/bench/unet.js > /tmp/logs/unet.log 2>&1
echo "unet ($(( $(date +%s) - T0 )) s): $(grep -o '"msPerCall":[0-9.]*\|"libraryDependents":{[^}]*}' /tmp/logs/unet.log | tr '\n' ' ') $(grep -o 'rror.*' /tmp/logs/unet.log | head -2)"
FISEDIT_HOME=/tmp/fh-whole BENCH_TAG=s31-check BENCH_PARTS=whole BENCH_PREPARE=on timeout 150 node --expose-gc dist/bench/edit.js > /tmp/logs/edit-whole.log 2>&1
echo "whole ($(( $(date +%s) - T0 )) s): rc $?; $(grep 'programmatic edges into library' /tmp/logs/edit-whole.log)"; node dist/bench/whole-edits-summary.js /tmp/logs/edit-whole.log | cut -c1-2000
d() { FISEDIT_HOME=/tmp/fh-$RANDOM$RANDOM BENCH_REPLAYS=150 BENCH_ORDER=$1 BENCH_TAG=s31-$1-$2 timeout 60 node --expose-gc dist/bench/repeatability.js > /tmp/logs/rep-$1-$2.log 2>&1; echo "rep $1 ($(( $(date +%s) - T0 )) s): $(grep -E 'replays parted|library kernels|rror' /tmp/logs/rep-$1-$2.log | cut -c1-400)"; }
d on 1; d off 1
cd $OUT && mkdir -p j && mv $OUT/*.json j/ 2>/dev/null; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j
