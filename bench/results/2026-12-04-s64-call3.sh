#!/bin/bash
# Session 64, call 3: the text encoder's layers as one replayable call (StableDiffusion.encodeText; a
# CUDA graph on the cuda backend) against 0eb4a99 (ab-base), where they ran eagerly: call 2's timeline
# probe found 6.3 ms of host time for 2.4 ms of GPU work before each edit's first step.
# The GPU suite (dist), then …-s64-timeline-probe2.mjs on each build (the host's time before the first
# step by what it was in), then whole edits alternating twice.
# Here first: bash bench/ab-base.sh 0eb4a99; bash bench/device-dist.sh --benches edit .gpu ab-base; the
# probe copied back from ../koffi-aside/profiles.
# Carry [".gpu","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-suite.sh
CALL=s64c3; source bench/gpu-edit.sh
probe() { local tag=$1 d=$2
  PROBE_DIST=$d FISEDIT_HOME=/tmp/fh-t-$tag timeout -k 5 200 node --expose-gc bench/results/2026-12-04-s64-timeline-probe2.mjs > /tmp/logs/timeline-$tag.log 2>&1; local rc=$?
  echo "timeline $tag ($(( $(date +%s) - T0 )) s): rc $rc"; grep '^{' /tmp/logs/timeline-$tag.log | cut -c1-700; [ $rc = 0 ] || tail -5 /tmp/logs/timeline-$tag.log | cut -c1-400; save; }
probe new dist
probe base ab-base/dist
for i in 1 2; do
  whole whole-new-$i dist
  whole whole-base-$i ab-base/dist
done
echo "done ($(( $(date +%s) - T0 )) s)"
