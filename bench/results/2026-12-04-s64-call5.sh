#!/bin/bash
# Session 64, call 5: the host's front of an edit shorter: the U-Net's text keys and values as one
# replayable call (StableDiffusion.textKeysValues; 16 linearMany calls eagerly before), and an edit's
# first latents its base's (the session's noise, already on the device: no upload from pageable memory),
# against 959aba2 (ab-base: call 4's code). The GPU suite (dist), …-s64-timeline-probe2.mjs on each build
# (the base build first this time: a call's first process is slower on the host), then whole edits once
# each. The device time left was ~417 s: no second round.
# Here first: bash bench/ab-base.sh 959aba2; bash bench/device-dist.sh --benches edit .gpu ab-base; the
# probe copied back from ../koffi-aside/profiles.
# Carry [".gpu","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-suite.sh
CALL=s64c5; source bench/gpu-edit.sh
probe() { local tag=$1 d=$2
  PROBE_DIST=$d FISEDIT_HOME=/tmp/fh-t-$tag timeout -k 5 200 node --expose-gc bench/results/2026-12-04-s64-timeline-probe2.mjs > /tmp/logs/timeline-$tag.log 2>&1; local rc=$?
  echo "timeline $tag ($(( $(date +%s) - T0 )) s): rc $rc"; grep '^{' /tmp/logs/timeline-$tag.log | cut -c1-420; [ $rc = 0 ] || tail -5 /tmp/logs/timeline-$tag.log | cut -c1-400; save; }
probe base ab-base/dist
probe new dist
whole whole-new-1 dist
whole whole-base-1 ab-base/dist
echo "done ($(( $(date +%s) - T0 )) s)"
