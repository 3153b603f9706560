#!/bin/bash
# Session 67, call 5: the session's code (a41fd72: the fold's change, the fast-attention write aside) in
# more processes, for the spread of its whole edits: whole runs (BENCH_PARTS=whole, a home each) with the
# defaults and with the paper's approximations (BENCH_NORM=cached BENCH_ATTENTION=fast) in turn, while time is left.
# Here first: bash bench/device-dist.sh --benches edit .gpu. Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-setup.sh
CALL=s67c5; source bench/gpu-edit.sh
way() { (export BENCH_NORM=$1 BENCH_ATTENTION=$2; shift 2; "$@"); }
for i in 1 2 3 4; do
  [ $(( $(date +%s) - T0 )) -lt 440 ] || break
  way exact accurate whole defaults-$i dist
  [ $(( $(date +%s) - T0 )) -lt 440 ] || break
  way cached fast whole paper-$i dist
done
echo "done ($(( $(date +%s) - T0 )) s)"
