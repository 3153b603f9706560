#!/bin/bash
# Session 67, call 2 (no code change; d08a7ae's build): what the paper's approximations give at today's
# kernels (session 51 last measured them, at 3.57-3.60 / 4.58-4.64 / 6.31-6.35 ms default steps).
# Warm bins in one home: the defaults (exact statistics, accurate attention) and the paper's reference
# configuration (BENCH_NORM=cached, BENCH_ATTENTION=fast) alternating twice, each approximation alone once,
# the 512 px bins (the speedup over dense at 15%) with the defaults, and whole 50-step edits
# (k = 10) after prepareEdits in the paper's configuration (a home of their own).
# Here first: bash bench/device-dist.sh --benches edit .gpu. Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-setup.sh
CALL=s67c2; source bench/gpu-edit.sh
way() { (export BENCH_NORM=$1 BENCH_ATTENTION=$2; shift 2; "$@"); }
for r in 1 2; do
  BINS_PARTS=bins way exact accurate bins defaults-$r dist
  BINS_PARTS=bins way cached fast bins paper-$r dist
done
BINS_PARTS=bins way cached accurate bins cached-1 dist
BINS_PARTS=bins way exact fast bins fast-1 dist
(export BENCH_PX=512; BINS_PARTS=bins bins px512-defaults dist)
way cached fast whole paper dist
echo "done ($(( $(date +%s) - T0 )) s)"
