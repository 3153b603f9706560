#!/bin/bash
# Session 65, call 4: is garbage collection the ~1.7 ms that follows an edit's decode beyond the
# composite (call 3's tail probe: 2.66-2.98 ms after sd.decode returns; the composite alone ~1 ms)?
# …-s65-tail-probe.mjs on this build (call 3's new one) with node's defaults, with a young
# generation of 64 MiB semi-spaces (--max-semi-space-size=64: fewer scavenges), alternating, and
# once with --trace-gc (each collection's time, beside the probe's clocks).
# Here first: bash bench/device-dist.sh --benches edit .gpu; the probe copied back from ../koffi-aside/profiles.
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-setup.sh
CALL=s65c4; source bench/gpu-edit.sh
probe() { local tag=$1; shift
  FISEDIT_HOME=/tmp/fh-t timeout -k 5 200 node --expose-gc "$@" bench/results/2026-12-04-s65-tail-probe.mjs > /tmp/logs/probe-$tag.log 2>&1; local rc=$?
  echo "probe $tag ($(( $(date +%s) - T0 )) s): rc $rc"; grep '^{' /tmp/logs/probe-$tag.log; [ $rc = 0 ] || tail -5 /tmp/logs/probe-$tag.log | cut -c1-400; save; }
probe default-0
for i in 1 2; do probe default-$i; probe semi64-$i --max-semi-space-size=64; done
probe trace --trace-gc
grep -c 'Scavenge\|Mark-Compact\|Mark-sweep' /tmp/logs/probe-trace.log
echo "done ($(( $(date +%s) - T0 )) s)"
