#!/bin/bash
# Session 65, call 5: a copy on a parallel branch inside a CUDA graph: hidden behind the graph's
# kernels, and without call 2's lasting slowdown of later replays? (…-s65-branch-probe.mjs: MODE=none,
# then none and branch alternating twice; the decode graph with and without a 574 MiB branch copy,
# then four ~30% edits each, dense and sparse steps' GPU ms.)
# Here first: bash bench/device-dist.sh --benches edit .gpu; the probe copied back from ../koffi-aside/profiles.
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-setup.sh
CALL=s65c5; source bench/gpu-edit.sh
run() { local mode=$1 i=$2
  MODE=$mode FISEDIT_HOME=/tmp/fh-b timeout -k 5 200 node --expose-gc bench/results/2026-12-04-s65-branch-probe.mjs > /tmp/logs/branch-$mode-$i.log 2>&1; local rc=$?
  echo "branch $mode $i ($(( $(date +%s) - T0 )) s): rc $rc"; grep '^{' /tmp/logs/branch-$mode-$i.log; [ $rc = 0 ] || tail -8 /tmp/logs/branch-$mode-$i.log | cut -c1-400; save; }
run none 0
for i in 1 2; do run none $i; run branch $i; done
echo "done ($(( $(date +%s) - T0 )) s)"
