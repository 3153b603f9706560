#!/bin/bash
# Session 65, call 1: session 64's prepared causal k_attend_short (…-s64-next-causal-attend-short.diff,
# applied: k_attend_short with a causal mask and no probabilities, a launch a batch item, for the text
# encoder's causal attention of up to SHORT_KEYS tokens) against c394884 (ab-base: HEAD, session 64's
# review). The GPU suite (dist: its attention case at CLIP's widths covers the new path; also the first
# GPU run of the review's initialLatents), then …-s65-probe.mjs on each build (the base first: a call's
# first process is slower on the host): the encoder's and the 768 px decoder's profiles op by op, a
# side stream's device-to-device copies of a dense step's cache beside the decode (would they hide?),
# and three ~30% edits; then whole edits alternating twice.
# Here first: npm test; bash bench/ab-base.sh HEAD; bash bench/device-dist.sh --benches edit .gpu ab-base;
# the probe copied back from ../koffi-aside/profiles.
# Carry [".gpu","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-suite.sh
CALL=s65c1; source bench/gpu-edit.sh
probe() { local tag=$1 d=$2
  PROBE_DIST=$d FISEDIT_HOME=/tmp/fh-t-$tag timeout -k 5 200 node --expose-gc bench/results/2026-12-04-s65-probe.mjs > /tmp/logs/probe-$tag.log 2>&1; local rc=$?
  echo "probe $tag ($(( $(date +%s) - T0 )) s): rc $rc"; grep '^{' /tmp/logs/probe-$tag.log | cut -c1-2400; [ $rc = 0 ] || tail -5 /tmp/logs/probe-$tag.log | cut -c1-400; save; }
probe base ab-base/dist
probe new dist
for i in 1 2; do
  whole whole-new-$i dist
  whole whole-base-$i ab-base/dist
done
echo "done ($(( $(date +%s) - T0 )) s)"
