#!/bin/bash
# Session 66, call 1 (prepared in session 65 as …-s65-next-branch-snapshots.sh, not run then): a recorded step's cache copied out on a branch of
# its graph as soon as each tensor is final (…-s65-next-branch-snapshots.diff: Backend.snapshot, which
# RecordingContext calls for what it records; CudaDevice.snapshot while recording a graph forks a
# device-to-device copy on a branch stream, Driver.forkCopy, into a buffer of its own that each replay
# gives anew, the copy node re-pointed there, Driver.setCopyDestination / GraphReplays.copyOnBranch;
# capture() joins the branch before the capture ends). Where k_copy_many copied ~574 MiB after a 768 px
# dense step (0.37 ms in line), the copies run beside the rest of the step. Call 5 of session 65
# (…-s65-call5.log) measured such a branch: hidden, and no lasting slowdown of later replays (a side
# stream's copies left one, call 2). Expected: a dense edit step ~0.3 ms shorter (~3 ms an edit at
# k = 10, ~15 ms a 50-step generation), ~574 MiB more graph memory while a dense step is recorded
# (its snapshots' capture-time buffers; graphs share their blocks). The GPU suite first (its new
# snapshot case: replays against eager, bit for bit, cuDNN and im2col), then the timeline probe on each
# build (dense steps' GPU medians), whole edits alternating twice.
# Here first: git apply bench/results/2026-12-04-s65-next-branch-snapshots.diff; npm test;
# bash bench/ab-base.sh HEAD; bash bench/device-dist.sh --benches edit .gpu ab-base; the probe copied
# back from ../koffi-aside/profiles.
# Carry [".gpu","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-suite.sh
CALL=s66c1; source bench/gpu-edit.sh
probe() { local tag=$1 d=$2
  PROBE_DIST=$d FISEDIT_HOME=/tmp/fh-t-$tag timeout -k 5 200 node --expose-gc bench/results/2026-12-04-s64-timeline-probe2.mjs > /tmp/logs/timeline-$tag.log 2>&1; local rc=$?
  echo "timeline $tag ($(( $(date +%s) - T0 )) s): rc $rc"; grep '^{' /tmp/logs/timeline-$tag.log | cut -c1-420; [ $rc = 0 ] || tail -5 /tmp/logs/timeline-$tag.log | cut -c1-400; save; }
probe base ab-base/dist
probe new dist
for i in 1 2; do
  whole whole-new-$i dist
  whole whole-base-$i ab-base/dist
done
echo "done ($(( $(date +%s) - T0 )) s)"
