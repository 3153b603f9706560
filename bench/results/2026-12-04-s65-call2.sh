#!/bin/bash
# Session 65, call 2: does a side stream's device-to-device copy slow a process's later replays?
# (…-s65-side-copy-probe.mjs: SIDE=none, then none and d2d alternating twice; four ~30% edits each, the dense and
# sparse steps' GPU ms.) Call 1's probe suggested so (its sparse steps 5.93-5.95 ms after such copies,
# its whole-edit processes 5.77-5.83). Decides whether a dense step's cache copy (k_copy_many, 0.37 ms
# in line) can move to the copy engines beside the next step.
# Here first: bash bench/device-dist.sh --benches edit .gpu; the probe copied back from ../koffi-aside/profiles.
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-setup.sh
CALL=s65c2; source bench/gpu-edit.sh
side() { local mode=$1 i=$2
  SIDE=$mode FISEDIT_HOME=/tmp/fh-s timeout -k 5 200 node --expose-gc bench/results/2026-12-04-s65-side-copy-probe.mjs > /tmp/logs/side-$mode-$i.log 2>&1; local rc=$?
  echo "side $mode $i ($(( $(date +%s) - T0 )) s): rc $rc"; grep '^{' /tmp/logs/side-$mode-$i.log; [ $rc = 0 ] || tail -5 /tmp/logs/side-$mode-$i.log | cut -c1-400; save; }
side none 0
for i in 1 2; do side none $i; side d2d $i; done
echo "done ($(( $(date +%s) - T0 )) s)"
