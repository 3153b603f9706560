#!/bin/bash
# Session 64, call 4: what runs on the GPU before an edit's first step, fewer launches: the text
# encoder's q, k and v stacked (models/clip-text.ts: one GEMM and a split where three GEMMs ran, 23
# layers), and the U-Net's text keys and values by Linear.forwardMany (one linearMany call an attention
# where two GEMMs ran, 16 attentions), against b61ab62 (ab-base: call 3's code). The GPU suite (dist),
# …-s64-timeline-probe2.mjs on each build, then whole edits alternating twice.
# Here first: bash bench/ab-base.sh b61ab62; bash bench/device-dist.sh --benches edit .gpu ab-base; the
# probe copied back from ../koffi-aside/profiles.
# Carry [".gpu","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-suite.sh
CALL=s64c4; source bench/gpu-edit.sh
probe() { local tag=$1 d=$2
  PROBE_DIST=$d FISEDIT_HOME=/tmp/fh-t-$tag timeout -k 5 200 node --expose-gc bench/results/2026-12-04-s64-timeline-probe2.mjs > /tmp/logs/timeline-$tag.log 2>&1; local rc=$?
  echo "timeline $tag ($(( $(date +%s) - T0 )) s): rc $rc"; grep '^{' /tmp/logs/timeline-$tag.log | cut -c1-420; [ $rc = 0 ] || tail -5 /tmp/logs/timeline-$tag.log | cut -c1-400; save; }
probe new dist
probe base ab-base/dist
for i in 1 2; do
  whole whole-new-$i dist
  whole whole-base-$i ab-base/dist
done
echo "done ($(( $(date +%s) - T0 )) s)"
