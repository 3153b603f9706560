#!/bin/bash
# Session 42, call 4. Call 3, a warm home's later processes at 512 px: 64's pattern (a 1.6 ms hold,
# six short holds behind it) on the main stream left the process as fast as the controls (4.94, 4.98
# against 4.95-5.01 ms), on the side stream slow (5.10, 5.15), and six short holds on the side stream
# with no long one ahead as slow (5.10, 5.09). The main stream is made with flags 0, the side stream
# with CU_STREAM_NON_BLOCKING (1). Here dist makes its side stream with flags 0 (Driver.sideStream);
# ab-base is HEAD (flags 1). (1) In a warm home, the fix's dist: 4096 (six short holds on its side
# stream, now flags 0), 8192 (the same on a stream made with flags 0), 16384 (flags 1), controls.
# (2) Fresh homes, alternating: a first and a later process with dist against ab-base, twice.
# Before: bash bench/ab-base.sh HEAD; bash bench/device-dist.sh --benches unet .gpu ab-base.
# Carry [".gpu","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/f1 /tmp/n1 /tmp/n2 /tmp/b1 /tmp/b2
source bench/gpu-setup.sh
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
u() { local tag=$1 home=$2; shift 2
  env FISEDIT_HOME=$home BENCH_TAG=s42c4-$tag BENCH_MATH=fp16 BENCH_SIZES=512 BENCH_CALLS=50 BENCH_ENERGY_S=1 BENCH_PIPELINE=0 "$@" timeout ${TO:-150} node ${BENCH_DIST:-dist}/bench/unet.js > /tmp/logs/s42c4-$tag.log 2>&1; local rc=$?
  echo "$tag ($(( $(date +%s) - T0 )) s): rc $rc $(grep -o '"msPerCall":[0-9.]*\|"msMin":[0-9.]*\|"joulesPerCall":[0-9.a-z]*\|"smMHz":[0-9]*' /tmp/logs/s42c4-$tag.log | cut -d: -f2 | tr '\n' ' ') $(grep '^trial' /tmp/logs/s42c4-$tag.log | tr '\n' ' ') trials $(grep -o '"\(cuDNN\|cuBLASLt\) timing trials":{"calls":[0-9]*,"ms":[0-9.]*' /tmp/logs/s42c4-$tag.log | sed 's/":{"calls"//; s/"//g' | tr '\n' ' ')"; save; }
# (2) first, while the machine is fresh: the first processes are what the fix is for
TO=90 u n1-first /tmp/n1
TO=90 BENCH_DIST=ab-base/dist u b1-first /tmp/b1
u n1-later /tmp/n1
BENCH_DIST=ab-base/dist u b1-later /tmp/b1
TO=90 u n2-first /tmp/n2
TO=90 BENCH_DIST=ab-base/dist u b2-first /tmp/b2
u n2-later /tmp/n2
BENCH_DIST=ab-base/dist u b2-later /tmp/b2
# (1) in n1's warm home
u c-a /tmp/n1
u side4096 /tmp/n1 BENCH_TRIAL_MACHINERY=4096
u new0-8192 /tmp/n1 BENCH_TRIAL_MACHINERY=8192
u new1-16384 /tmp/n1 BENCH_TRIAL_MACHINERY=16384
u c-b /tmp/n1
