#!/bin/bash
# Session 53, call 4 (calls 1-3 again, the writes' sums per row of threads, no shared memory): a sparse step's exact GroupNorm statistics from what its writes changed (the
# base's sums per batch item and group plus, per channel, sum(new - old) and sum(new^2 - old^2) that
# k_overwrite_blocks / k_overwrite_rows add up per block as they write), k_group_affine alone: no
# k_group_partial in a sparse step. Call 1 ran it with a thread a position (suite 53/53, steps slower:
# 3.72 against 3.37-3.41 ms at 4.2%, 8.73 against 6.34 at 30.1%): now WRITE_POSITIONS (4) positions a
# thread, so a change has a quarter of the parts for k_group_affine to add, and that kernel takes up to
# 512 threads where the parts are many. Call 2 (suite 53/53): whole edits' later sparse steps 3.30 /
# 4.68-4.70 / 6.47-6.48 ms against 3.17-3.18 / 4.49-4.52 / 6.22-6.24 at 4.2 / 13.6 / 30.1%; the probe's
# k_overwrite_blocks_v 0.29 -> 0.50 ms. Now every thread of a write's block adds some of its sums (the
# first row's threads did all). Call 3 (suite 53/53): no better (k_overwrite_blocks_v 0.52 ms; whole edits
# 3.26-3.31 / 4.68-4.73 / 6.41-6.46 against 3.16-3.20 / 4.46-4.51 / 6.18-6.24). Now each thread stores
# its own sums (a part a row of threads), no shared memory, no barrier; k_group_affine adds 6x the parts.
# Against 9d44623 (ab-base). Here first: bash bench/ab-base.sh 9d44623;
# bash bench/device-dist.sh --benches edit .gpu ab-base
# Carry [".gpu","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
# 1. The GPU suite (a first run of this call stopped on the fp32 suite's sums 1.1e-6 apart: float
#    sums of what fp32 writes changed; now double there). The benches run even if it fails.
# 2. bench:edit's bins and probe, base and new, one home.
# (bench:group-norm ran in call 2.)
# 3. Whole edits, new (base: call 3's).
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-suite.sh
save
grep -q '^ℹ fail 0' /tmp/logs/test-gpu.log || { echo "suite failed: the benches run all the same"; grep -A6 '^✖ failing tests' /tmp/logs/test-gpu.log | cut -c1-300 | head -30; }
e() { local tag=$1 d=$2
  FISEDIT_HOME=/tmp/fh-e BENCH_PREPARE=warm-up BENCH_TAG=s53c4-$tag BENCH_PARTS=bins,probe timeout -k 5 200 node --expose-gc $d/bench/edit.js > /tmp/logs/edit-$tag.log 2>&1; local rc=$?
  echo "edit $tag ($(( $(date +%s) - T0 )) s): rc $rc bins $(grep -o '"editSize":[0-9.]*,"sparseStepMs":[0-9.]*' /tmp/logs/edit-$tag.log | sed 's/"editSize"://; s/"sparseStepMs"://' | tr '\n' ' ') $(grep -o '[0-9]* launches in the step' /tmp/logs/edit-$tag.log | head -1)"
  grep -o 'sparse step profile[^[]*' /tmp/logs/edit-$tag.log | cut -c1-200
  grep -o '{"op":"k_[a-z_]*","ms":[0-9.]*,"count":[0-9]*}' /tmp/logs/edit-$tag.log | head -8 | tr '\n' ' '; echo
  [ $rc = 0 ] || tail -5 /tmp/logs/edit-$tag.log | cut -c1-300; save; }
e base-1 ab-base/dist; e new-1 dist
w() { local tag=$1 d=$2
  FISEDIT_HOME=/tmp/fh-w-$tag BENCH_PREPARE=on BENCH_TAG=s53c4-$tag BENCH_PARTS=whole timeout -k 5 200 node --expose-gc $d/bench/edit.js > /tmp/logs/whole-$tag.log 2>&1; local rc=$?
  echo "whole $tag ($(( $(date +%s) - T0 )) s): rc $rc (edit size, wall s, later sparse steps' GPU ms a step)"
  grep -o '"editSize":[0-9.]*,"wallS":[0-9.]*,[^}]*"gpuMsPerStep":[0-9.]*' /tmp/logs/whole-$tag.log | sed 's/"editSize":\([0-9.]*\),"wallS":\([0-9.]*\),.*"gpuMsPerStep":\([0-9.]*\)/\1 \2 \3/' | tr '\n' ';'; echo
  [ $rc = 0 ] || tail -5 /tmp/logs/whole-$tag.log | cut -c1-300; save; }
w whole-new dist
echo "done ($(( $(date +%s) - T0 )) s)"
