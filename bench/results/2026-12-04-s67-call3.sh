#!/bin/bash
# Session 67, call 3 (no code change; d08a7ae's build): where a sparse step's time goes in the paper's
# configuration (BENCH_NORM=cached, BENCH_ATTENTION=fast; call 2: 2.40 / 3.31 / 4.68 ms later sparse steps
# at 4.2 / 13.6 / 30.1% against the 2 / 3 / 4.5 targets): the probe's event profile at ~5, ~15 and ~30%,
# warm, in one home; then the defaults' ~5% probe beside them.
# Here first: bash bench/device-dist.sh --benches edit .gpu. Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-setup.sh
CALL=s67c3; source bench/gpu-edit.sh
way() { (export BENCH_NORM=$1 BENCH_ATTENTION=$2; shift 2; "$@"); }
for b in 5 15 30; do BENCH_PROBE_BIN=$b BINS_PARTS=probe way cached fast bins paper-probe$b dist; done
BENCH_PROBE_BIN=5 BINS_PARTS=probe way exact accurate bins defaults-probe5 dist
echo "done ($(( $(date +%s) - T0 )) s)"
