#!/bin/bash
# Session 65, call 6: an edit's image kept as its base outside the region on the device (toHost's
# `outside`: k_to_host_keeping writes the image into the page-locked image buffer, reading the base
# image, page-locked too, over PCIe outside the region; the host's pass after the download is gone)
# against 78ec890 (ab-base: call 3's new build). The GPU suite (its new toHost-keeping case), then
# …-s65-tail-probe.mjs on each build (the base first), then whole edits once each. ~436 s of device
# time were left: one round.
# Here first: npm test; bash bench/ab-base.sh 78ec890; bash bench/device-dist.sh --benches edit .gpu ab-base;
# the probe copied back from ../koffi-aside/profiles.
# Carry [".gpu","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-suite.sh
CALL=s65c6; source bench/gpu-edit.sh
probe() { local tag=$1 d=$2
  PROBE_DIST=$d FISEDIT_HOME=/tmp/fh-t timeout -k 5 200 node --expose-gc bench/results/2026-12-04-s65-tail-probe.mjs > /tmp/logs/probe-$tag.log 2>&1; local rc=$?
  echo "probe $tag ($(( $(date +%s) - T0 )) s): rc $rc"; grep '^{' /tmp/logs/probe-$tag.log | cut -c1-300; [ $rc = 0 ] || tail -5 /tmp/logs/probe-$tag.log | cut -c1-400; save; }
probe base ab-base/dist
probe new dist
whole whole-new-1 dist
whole whole-base-1 ab-base/dist
echo "done ($(( $(date +%s) - T0 )) s)"
