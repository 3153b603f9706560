#!/bin/bash
# Session 36, call 1: session 35's next-run script as written, with the working tree's third change
# on top of the two diffs (session 36): k_overwrite_rows loads the displaced row and its source before
# either store, and k_overwrite_blocks its source before the store to `held` (one dependent round trip
# to memory after the wait, not two; the same bits). Call 2 separates the three.
# (Session 35's header follows.)
# For session 36's first device call (written in session 35, not run). Two untested diffs, both
# compiled with nvcc 13 for sm_90, npm test 188/188 with both applied, never run on a GPU:
# - bench/results/2026-12-02-s35-overwrite-early-untested.diff: k_overwrite_blocks reads what it
#   displaces, the residual and the bias before it waits, where the host knows the kernel just before
#   wrote only its source (the tile convolutions' writes, CudaBackend.convolveTilesThenWrite). A ~5%
#   step has 65 launches at ~3.6 us, each reading the base's cached map (cold) after its wait.
# - …-s35-layer-norm-weights-early-untested.diff (on top of the first): k_layer_norm_vw loads gamma
#   and beta before it waits where no kernel has written them since they came from the host
#   (CudaDevice.unwrittenSinceUpload: a WeakSet of uploaded buffers that in-place writes and
#   replayable calls' inputs leave). 48 launches a ~5% step at 3.46 us.
# Session 35 found a small kernel's time is mostly its chain of memory round trips after its wait,
# the far ones the slowest (LayerNorm's gamma and beta loaded with the row: 5.02 -> 3.46 us a launch).
# This call: the GPU suite with both applied (the tiny models' bitwise edit tests go through both
# early paths; the op tests through the others), then bench:edit's bins against ab-base (the code
# without them), alternating three times in one home. If both together win, a second call can
# separate them (ab-mix with the first diff only; .gpu-lite, as session 35's run6). A third diff,
# cuBLASLt's trials with cold weights, has a call of its own: …-s35-next-run-2.sh.
# Before: bench/ab-base.sh HEAD; git apply both diffs (in that order); bench/device-dist.sh .gpu
# ab-base (prune dist/bench and ab-base/dist/bench to edit.js, kernel-times.js, output.js,
# random-weights.js, sd2.js and stats.js if the carry is over 65,536 KiB).
# Carry [".gpu","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
source bench/gpu-suite.sh
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
save
e() { FISEDIT_HOME=/tmp/fh-e BENCH_TAG=s36c1-$1$2 BENCH_PARTS=bins timeout 100 node $3/bench/edit.js > /tmp/logs/edit-$1$2.log 2>&1
  echo "edit $1$2 ($(( $(date +%s) - T0 )) s): $(grep -o '"editSize":[0-9.]*,"sparseStepMs":[0-9.]*' /tmp/logs/edit-$1$2.log | sed 's/"editSize"://; s/"sparseStepMs"://' | tr '\n' ' ') $(grep -o 'rror.*' /tmp/logs/edit-$1$2.log | head -1)"; save; }
for i in 1 2 3; do e base $i ab-base/dist; e new $i dist; done
