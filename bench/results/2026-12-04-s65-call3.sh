#!/bin/bash
# Session 65, call 3: an image's host memory page-locked (StableDiffusion.imageBuffer takes the
# backend's hostBuffer; CudaDevice.download lands there by DMA, not through the staging buffer and a
# host copy of 7 MiB) against d11d7c6 (ab-base). The GPU suite (its toHost-into case now into
# page-locked memory too), then …-s65-tail-probe.mjs on each build (where an edit's end goes), alternating
# twice, the base first; then whole edits alternating.
# Here first: bash bench/ab-base.sh HEAD; bash bench/device-dist.sh --benches edit .gpu ab-base; the
# probe copied back from ../koffi-aside/profiles.
# Carry [".gpu","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-suite.sh
CALL=s65c3; source bench/gpu-edit.sh
probe() { local tag=$1 d=$2
  PROBE_DIST=$d FISEDIT_HOME=/tmp/fh-t timeout -k 5 200 node --expose-gc bench/results/2026-12-04-s65-tail-probe.mjs > /tmp/logs/probe-$tag.log 2>&1; local rc=$?
  echo "probe $tag ($(( $(date +%s) - T0 )) s): rc $rc"; grep '^{' /tmp/logs/probe-$tag.log; [ $rc = 0 ] || tail -5 /tmp/logs/probe-$tag.log | cut -c1-400; save; }
for i in 1 2; do
  probe base-$i ab-base/dist
  probe new-$i dist
done
whole whole-new-1 dist
whole whole-base-1 ab-base/dist
echo "done ($(( $(date +%s) - T0 )) s)"
