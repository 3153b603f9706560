#!/bin/bash
# Session 69, call 5 (call 4's build: …-s69-streaming-weights-trial.diff, not in src): call 4 had the
# cuBLASLt GEMMs' weights marked streaming 0.05-0.1 ms ahead at ~5% and level elsewhere, on a
# machine whose plain runs were ~0.1 ms slower than calls 1-2's. More alternations: warm bins in one
# home, no window against cuBLASLt's weights streaming, three times in the paper's configuration,
# once with the defaults.
# Here first: bash bench/device-dist.sh --benches edit .gpu. Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-setup.sh
CALL=s69c5; source bench/gpu-edit.sh
sw() { local tag=$1 on=$2 norm=$3 attention=$4
  (export BENCH_NORM=$norm BENCH_ATTENTION=$attention FISEDIT_TRIAL_STREAMING_WEIGHTS=$on
   BINS_PARTS=bins bins $tag dist); grep -h '^TRIAL' /tmp/logs/edit-$tag.log; }
for r in 1 2 3; do
  sw paper-off-$r 0 cached fast
  sw paper-lib-$r 1 cached fast
done
sw defaults-off 0 exact accurate
sw defaults-lib 1 exact accurate
echo "done ($(( $(date +%s) - T0 )) s)"
