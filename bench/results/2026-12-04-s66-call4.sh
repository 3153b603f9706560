#!/bin/bash
# Session 66, call 4: the session's code (178f43a: the snapshots' branch copies and the fast SiLU; call 3
# ran the GPU suite on it) in more processes, for the spread of its whole edits: up to seven whole runs
# (BENCH_PARTS=whole, a home each), one after another while time is left.
# Here first: bash bench/device-dist.sh --benches edit .gpu. Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-setup.sh
CALL=s66c4; source bench/gpu-edit.sh
for i in 1 2 3 4 5 6 7; do
  [ $(( $(date +%s) - T0 )) -lt 330 ] || break
  whole whole-$i dist
done
echo "done ($(( $(date +%s) - T0 )) s)"
