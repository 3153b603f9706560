#!/bin/bash
# Session 42, call 2. Call 1: the trials' runs queued behind a gate (a wait on mapped host memory)
# instead of our hold kernel left a first process as slow as the hold did (5.06 against 4.94 ms later;
# the hold kernel's base 5.08), so the slowdown follows kernels queued behind any stall, not the
# kernel. Here each candidate's runs are recorded as a graph on the second stream and replayed once
# between its events (trials.ts, Driver.graphOf): no stall at all. The GPU suite (trials recorded,
# also while the main stream is captured); then, in fresh homes, alternating with ab-base (HEAD, the
# hold kernel): a first process and a later one at 512 px, twice; bench:edit's bins twice each (the
# sparse shapes' trials, as a server's first edits run them); 768 px alone against after 512 px
# (call 1's script let its own BENCH_SIZES=512 override those runs' sizes; fixed: SIZES).
# Before: bash bench/ab-base.sh HEAD (done in call 1), bash bench/device-dist.sh --benches unet,edit .gpu ab-base.
# Carry [".gpu","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/g* /tmp/b* /tmp/fe-* /tmp/fh-suite
source bench/gpu-setup.sh
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
u() { local tag=$1 home=$2; shift 2
  env FISEDIT_HOME=$home BENCH_TAG=s42c2-$tag BENCH_MATH=fp16 BENCH_SIZES=${SIZES:-512} BENCH_CALLS=50 BENCH_ENERGY_S=1 BENCH_PIPELINE=0 "$@" timeout ${TO:-150} node ${BENCH_DIST:-dist}/bench/unet.js > /tmp/logs/s42c2-$tag.log 2>&1; local rc=$?
  echo "$tag ($(( $(date +%s) - T0 )) s): rc $rc $(grep -o '"px":[0-9]*\|"msPerCall":[0-9.]*\|"msMin":[0-9.]*\|"joulesPerCall":[0-9.a-z]*\|"smMHz":[0-9]*' /tmp/logs/s42c2-$tag.log | cut -d: -f2 | tr '\n' ' ') trials $(grep -o '"\(cuDNN\|cuBLASLt\) timing trials":{"calls":[0-9]*,"ms":[0-9.]*' /tmp/logs/s42c2-$tag.log | sed 's/":{"calls"//; s/"//g' | tr '\n' ' ')"; save; }
FISEDIT_HOME=/tmp/fh-suite timeout 150 node --test --test-reporter=spec dist/test/gpu/*.test.js > /tmp/logs/test-gpu.log 2>&1
echo "suite ($(( $(date +%s) - T0 )) s): rc $? $(grep -E '^ℹ (pass|fail|skipped)' /tmp/logs/test-gpu.log | tr '\n' ' ')"; grep -E '^✖' /tmp/logs/test-gpu.log | cut -c1-400 | head -8; save
TO=90 u g1-first /tmp/g1
u g1-later /tmp/g1
TO=90 BENCH_DIST=ab-base/dist u b1-first /tmp/b1
BENCH_DIST=ab-base/dist u b1-later /tmp/b1
TO=90 u g2-first /tmp/g2
TO=90 BENCH_DIST=ab-base/dist u b2-first /tmp/b2
u g2-later /tmp/g2
BENCH_DIST=ab-base/dist u b2-later /tmp/b2
bins() { rm -rf /tmp/fe-$1; FISEDIT_HOME=/tmp/fe-$1 BENCH_TAG=s42c2-bins-$1 BENCH_PARTS=bins timeout 120 node --expose-gc $2/bench/edit.js > /tmp/logs/s42c2-edit-$1.log 2>&1; local rc=$?
  echo "edit bins $1, a fresh home ($(( $(date +%s) - T0 )) s): rc $rc $(grep -o '"editSize":[0-9.]*,"sparseStepMs":[0-9.]*' /tmp/logs/s42c2-edit-$1.log | sed 's/"editSize"://; s/"sparseStepMs"://' | tr '\n' ' ') trials $(grep -o '"\(cuDNN\|cuBLASLt\) timing trials":{"calls":[0-9]*,"ms":[0-9.]*' /tmp/logs/s42c2-edit-$1.log | sed 's/":{"calls"//; s/"//g' | tr '\n' ' ')"; save; }
bins graph-1 dist; bins base-1 ab-base/dist; bins graph-2 dist; bins base-2 ab-base/dist
SIZES=768 u px768 /tmp/g1
SIZES=512,768 u px512-768 /tmp/g1
SIZES=768 u px768-2 /tmp/g1
SIZES=512,768 u px512-768-2 /tmp/g1
