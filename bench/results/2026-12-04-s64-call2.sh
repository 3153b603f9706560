#!/bin/bash
# Session 64, call 2: where a whole 768 px edit's wall time goes against the GPU's
# (…-s64-timeline-probe.mjs: events at the call and at each step queued; the text encoder alone).
# The code is call 1's "both" build, HEAD 0eb4a99.
# Here first: bash bench/device-dist.sh --benches edit .gpu; the probe copied back from ../koffi-aside/profiles.
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-setup.sh
FISEDIT_HOME=/tmp/fh-t timeout -k 5 400 node --expose-gc bench/results/2026-12-04-s64-timeline-probe.mjs > /tmp/logs/timeline-probe.log 2>&1; rc=$?
echo "timeline probe ($(( $(date +%s) - T0 )) s): rc $rc"; grep '^{' /tmp/logs/timeline-probe.log | cut -c1-900; [ $rc = 0 ] || tail -5 /tmp/logs/timeline-probe.log | cut -c1-400
save
echo "done ($(( $(date +%s) - T0 )) s)"
