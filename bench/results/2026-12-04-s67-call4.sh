#!/bin/bash
# Session 67, call 4: a fast-attention sparse step's all-token key/value write (k_overwrite_rows_v, 16
# launches a step: nothing later in the step reads it) on a branch of the step's graph (Backend.aside,
# Driver.onBranch; the write's reads kept from the work recorded after it), against fbd3bcc (ab-base).
# The GPU suite first: its new cases are the aside case (ops) and the paper's approximations on the
# cuda backend (golden: empty mask, outside the mask, graphs vs eager, cuda vs cpu), neither run before.
# Then warm bins in the paper's configuration (BENCH_NORM=cached BENCH_ATTENTION=fast), base and new
# alternating twice in one home, and whole edits in it, one process a build.
# Here first: bash bench/ab-base.sh fbd3bcc; bash bench/device-dist.sh --benches edit .gpu ab-base.
# Carry [".gpu","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-suite.sh
CALL=s67c4; source bench/gpu-edit.sh
way() { (export BENCH_NORM=$1 BENCH_ATTENTION=$2; shift 2; "$@"); }
for r in 1 2; do
  BINS_PARTS=bins way cached fast bins paper-base-$r ab-base/dist
  BINS_PARTS=bins way cached fast bins paper-new-$r dist
done
way cached fast whole paper-new dist
way cached fast whole paper-base ab-base/dist
echo "done ($(( $(date +%s) - T0 )) s)"
