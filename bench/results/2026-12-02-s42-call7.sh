#!/bin/bash
# Session 42, call 7. Calls 3-6: work run on a second stream leaves the process's graph replays ~3%
# slower for good; recording a graph on a second stream does not. So the driver now runs all work,
# timing trials included, on its main stream (Driver.main), and records graphs on a stream of its
# own (Driver.capture; the library handles follow `stream` there and back, Driver.followStream),
# so a trial met while a graph is recorded runs on the main stream too. The second stream keeps
# uploads (copies) and prefetches. The GPU suite, then fresh homes alternating with ab-base (HEAD):
# a first and a later process at 512 px. Little device time left (~290 s): in order of need.
# Before: bash bench/ab-base.sh HEAD (call 4's, the same src); bash bench/device-dist.sh --benches unet .gpu ab-base.
# Carry [".gpu","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/n1 /tmp/n2 /tmp/b1 /tmp/b2 /tmp/fh-suite
source bench/gpu-setup.sh
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
u() { local tag=$1 home=$2; shift 2
  env FISEDIT_HOME=$home BENCH_TAG=s42c7-$tag BENCH_MATH=fp16 BENCH_SIZES=512 BENCH_CALLS=50 BENCH_ENERGY_S=1 BENCH_PIPELINE=0 "$@" timeout ${TO:-150} node ${BENCH_DIST:-dist}/bench/unet.js > /tmp/logs/s42c7-$tag.log 2>&1; local rc=$?
  echo "$tag ($(( $(date +%s) - T0 )) s): rc $rc $(grep -o '"msPerCall":[0-9.]*\|"msMin":[0-9.]*\|"joulesPerCall":[0-9.a-z]*\|"smMHz":[0-9]*' /tmp/logs/s42c7-$tag.log | cut -d: -f2 | tr '\n' ' ') trials $(grep -o '"\(cuDNN\|cuBLASLt\) timing trials":{"calls":[0-9]*,"ms":[0-9.]*' /tmp/logs/s42c7-$tag.log | sed 's/":{"calls"//; s/"//g' | tr '\n' ' ')"; save; }
FISEDIT_HOME=/tmp/fh-suite timeout 120 node --test --test-reporter=spec dist/test/gpu/*.test.js > /tmp/logs/test-gpu.log 2>&1
echo "suite ($(( $(date +%s) - T0 )) s): rc $? $(grep -E '^ℹ (pass|fail|skipped)' /tmp/logs/test-gpu.log | tr '\n' ' ')"; grep -E '^✖' /tmp/logs/test-gpu.log | cut -c1-400 | head -8; save
TO=60 u n1-first /tmp/n1
TO=60 BENCH_DIST=ab-base/dist u b1-first /tmp/b1
u n1-later /tmp/n1
BENCH_DIST=ab-base/dist u b1-later /tmp/b1
TO=60 u n2-first /tmp/n2
TO=60 BENCH_DIST=ab-base/dist u b2-first /tmp/b2
u n2-later /tmp/n2
