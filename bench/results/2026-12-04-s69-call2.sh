#!/bin/bash
# Session 69, call 2: call 1's weight prefetch was slower in every bin (~0.1 ms at ~5%, 24 or 48 MiB
# alike). Which part costs: the branch nodes themselves (a 1 KiB prefetch: the same ~150 nodes, no
# traffic), and whether fewer or earlier prefetches gain: only weights of 8 MiB and more (the
# 1280-channel levels' long-K convolutions and feed-forwards, ~35 a step), two GEMMs ahead instead of
# one, and both. Trial knobs FISEDIT_TRIAL_PREFETCH_LEAST (MiB) / _AHEAD (GEMMs) in this build only
# (both in …-s69-weight-prefetch-trial.diff, not in src). Warm bins in one home, the paper's configuration.
# Here first: bash bench/device-dist.sh --benches edit .gpu. Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-setup.sh
CALL=s69c2; source bench/gpu-edit.sh
pf() { local tag=$1 mib=$2 least=$3 ahead=$4
  (export BENCH_NORM=cached BENCH_ATTENTION=fast FISEDIT_TRIAL_PREFETCH_LEAST=$least FISEDIT_TRIAL_PREFETCH_AHEAD=$ahead
   if [ -n "$mib" ]; then export BENCH_WEIGHT_PREFETCH=$mib; fi
   BINS_PARTS=bins bins $tag dist); }
pf off-1 '' 0 1
pf nodes-1k 0.001 0 1
pf least8 24 8 1
pf ahead2 24 0 2
pf off-2 '' 0 1
pf least8-ahead2 24 8 2
pf nodes-1k-2 0.001 0 1
echo "done ($(( $(date +%s) - T0 )) s)"
