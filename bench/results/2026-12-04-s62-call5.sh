#!/bin/bash
# Session 62, call 5: why an edit's image download still took 4.1-5.8 ms in call 4 (through page-locked
# memory) against 1.5 ms in call 2's bare process: the probe's prints split toHost into the new
# Float32Array, the DMA (and its wait) and the host copy; node's --trace-gc (the whole edits run as gpu-edit.sh's `whole`, with that flag; NODE_OPTIONS refuses it) says whether a collection
# falls there. Whole edits once, as calls 3-4.
# Here first: the working tree of call 4 (…-s62-decode-probe-edit2.diff, against 429906a) plus prints in
# device.ts toHost / download around `new Float32Array`, the DMA and the `.set` (not kept as a diff);
# bash bench/device-dist.sh --benches edit .gpu. Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-setup.sh
T0=$(date +%s)
CALL=s62c5; source bench/gpu-edit.sh
FISEDIT_HOME=/tmp/fh-w BENCH_PREPARE=on BENCH_TAG=$CALL-probe BENCH_PARTS=whole timeout -k 5 200 node --expose-gc --trace-gc dist/bench/edit.js > /tmp/logs/whole-probe.log 2>&1; echo "whole rc $? ($(( $(date +%s) - T0 )) s)"; save
grep -B3 -A1 'decode-probe alloc' /tmp/logs/whole-probe.log | grep 'decode-probe\|Mark\|Scav' | cut -c1-160 | tail -60
