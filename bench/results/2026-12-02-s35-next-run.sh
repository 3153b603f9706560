#!/bin/bash
# For session 36's first device call (written in session 35, not run): k_overwrite_blocks reading what
# it displaces, the residual and the bias before it waits, where the host knows the kernel just
# before wrote only its source (the tile convolutions' writes, CudaBackend.convolveTilesThenWrite:
# bench/results/2026-12-02-s35-overwrite-early-untested.diff, which compiles with nvcc 13 for sm_90
# and passes the CPU tests; never run on a GPU). Session 35 found a small kernel's time is mostly its
# chain of memory round trips after its wait, the far ones (weights, the base's cached maps) the
# slowest: LayerNorm's gamma and beta loaded with the row took 5.02 -> 3.46 us a launch. A ~5% step
# has 65 k_overwrite_blocks_v launches at ~3.6 us, each reading the base's cached map (cold) after its
# wait. The GPU suite (the tiny models' bitwise edit tests go through the early path; the op tests
# through the other), then bench:edit's bins against ab-base, alternating three times in one home.
# Before: git apply bench/results/2026-12-02-s35-overwrite-early-untested.diff; bench/ab-base.sh <the
# commit before it>; bench/device-dist.sh .gpu ab-base (prune dist/bench and ab-base/dist/bench to
# edit.js, kernel-times.js, output.js, random-weights.js, sd2.js and stats.js if the carry is over).
# Carry [".gpu","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
source bench/gpu-suite.sh
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
save
e() { FISEDIT_HOME=/tmp/fh-e BENCH_TAG=s36c1-$1$2 BENCH_PARTS=bins timeout 100 node $3/bench/edit.js > /tmp/logs/edit-$1$2.log 2>&1
  echo "edit $1$2 ($(( $(date +%s) - T0 )) s): $(grep -o '"editSize":[0-9.]*,"sparseStepMs":[0-9.]*' /tmp/logs/edit-$1$2.log | sed 's/"editSize"://; s/"sparseStepMs"://' | tr '\n' ' ') $(grep -o 'rror.*' /tmp/logs/edit-$1$2.log | head -1)"; save; }
for i in 1 2 3; do e base $i ab-base/dist; e new $i dist; done
