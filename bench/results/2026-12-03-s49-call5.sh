#!/bin/bash
# Session 49, call 5: the GPU suite (a new test: a tile convolution family with no choice at any
# octave takes cuDNN's heuristic first while the user waits, untimed), then session 48's open question
# and this session's cuDNN rule. Its lending rule (a GEMM family borrows an
# algorithm or index from one octave of rows away at most, else takes cuBLASLt's first proposal
# untimed) against a501a11's (two octaves), in a fresh process's first whole edits, which may load a
# cuBLASLt kernel new to the process (session 27: up to 83 ms a first launch). bench:edit's probe then
# its whole edits (BENCH_PARTS=probe,whole, as 2026-12-03-edit-...-s45c1-whole-base), each run a fresh
# process with a home of its own (no stored choices), a501a11 (ab-base) and HEAD in turn.
# HEAD also runs cuDNN's first configuration, untimed, for a convolution family with no choice at
# any octave while the user waits (call 2's masked 13.6% / 30.1% edits timed 123 / 91 ms of trials).
# Here first: bash bench/ab-base.sh a501a11; bash bench/device-dist.sh --benches edit .gpu ab-base
# Carry [".gpu","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-suite.sh
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
w() { local tag=$1 d=$2
  FISEDIT_HOME=/tmp/fh-$tag BENCH_TAG=s49c5-$tag BENCH_PARTS=probe,whole timeout -k 5 130 node --expose-gc $d/bench/edit.js > /tmp/logs/$tag.log 2>&1; local rc=$?
  echo "$tag ($(( $(date +%s) - T0 )) s): rc $rc first sparse steps $(grep -o '"firstSparseStepMs":[0-9.]*' /tmp/logs/$tag.log | cut -d: -f2 | tr '\n' ' ')"
  [ $rc = 0 ] || tail -3 /tmp/logs/$tag.log | cut -c1-300; save; }
for r in 1; do w base-$r ab-base/dist; w new-$r dist; done  # once each: the session's device time left (366 s) allows no more
echo "done ($(( $(date +%s) - T0 )) s)"
