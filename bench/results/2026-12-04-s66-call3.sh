#!/bin/bash
# Session 66, call 3: SiLU by the fast exponential and division in every kernel of the fp16 build
# (storage.cuh silu_f: __expf / __fdividef, as Winograd's input transform has had since session 60;
# expf and an IEEE division before), against c5e8b92 (ab-base). The GPU suite on it, then
# …-s65-probe.mjs on each build (the 768 px decode's profile op by op: k_channel_affine_vb, 1.20 ms of
# 13 launches in session 65; the ~30% edits' tail), then whole edits alternating twice (later sparse
# steps' GPU ms a step: the tile gathers apply a norm's affine and SiLU).
# Here first: bash bench/ab-base.sh c5e8b92; bash bench/device-dist.sh --benches edit .gpu ab-base;
# the probe copied back from ../koffi-aside/profiles.
# Carry [".gpu","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-suite.sh
CALL=s66c3; source bench/gpu-edit.sh
probe() { local tag=$1 d=$2
  PROBE_DIST=$d FISEDIT_HOME=/tmp/fh-t-$tag timeout -k 5 200 node --expose-gc bench/results/2026-12-04-s65-probe.mjs > /tmp/logs/probe-$tag.log 2>&1; local rc=$?
  echo "probe $tag ($(( $(date +%s) - T0 )) s): rc $rc"; grep '^{' /tmp/logs/probe-$tag.log | cut -c1-1600; [ $rc = 0 ] || tail -5 /tmp/logs/probe-$tag.log | cut -c1-400; save; }
probe base ab-base/dist
probe new dist
for i in 1 2; do
  whole whole-new-$i dist
  whole whole-base-$i ab-base/dist
done
echo "done ($(( $(date +%s) - T0 )) s)"
