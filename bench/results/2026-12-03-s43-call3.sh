#!/bin/bash
# Session 43, call 3: the host tier's prefetch as per-tensor copies on the side stream (the DMA
# engines; call 2's "copies" form, now the code): the GPU suite (its prefetch test now takes odd sizes
# at unaligned places), then whole edits in one warm home after the host tier's part
# (BENCH_PARTS=probe,host,whole) against without it (probe,whole), alternating twice.
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fw /tmp/fh-suite
source bench/gpu-setup.sh
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
FISEDIT_HOME=/tmp/fh-suite timeout 120 node --test --test-reporter=spec dist/test/gpu/*.test.js > /tmp/logs/test-gpu.log 2>&1; rc=$?
echo "suite ($(( $(date +%s) - T0 )) s): rc $rc $(grep -E '^ℹ (pass|fail|skipped)' /tmp/logs/test-gpu.log | tr '\n' ' ')"; grep -E '^✖' /tmp/logs/test-gpu.log | cut -c1-400 | head -8; grep -n 'prefetch' /tmp/logs/test-gpu.log | head -3; save
FISEDIT_HOME=/tmp/fw BENCH_TAG=s43c3-bins BENCH_PARTS=bins timeout 120 node --expose-gc dist/bench/edit.js > /tmp/logs/s43c3-bins.log 2>&1; rc=$?
echo "bins, a fresh home ($(( $(date +%s) - T0 )) s): rc $rc $(grep -o '"editSize":[0-9.]*,"sparseStepMs":[0-9.]*' /tmp/logs/s43c3-bins.log | sed 's/"editSize"://; s/"sparseStepMs"://' | tr '\n' ' ')"; save
whole() { local tag=$1 parts=$2; shift 2
  env FISEDIT_HOME=/tmp/fw BENCH_TAG=s43c3-$tag BENCH_PARTS=$parts BENCH_PREPARE=on "$@" timeout 100 node --expose-gc dist/bench/edit.js > /tmp/logs/s43c3-$tag.log 2>&1; local rc=$?
  echo "$tag ($(( $(date +%s) - T0 )) s): rc $rc $(grep -o '"copyGBps":[0-9.]*\|"hostTierStepMs":[0-9.]*\|"prefetchOverlap":[0-9.]*' /tmp/logs/s43c3-$tag.log | tr '\n' ' ') gpuMsPerStep $(grep -o '"gpuMsPerStep":[0-9.]*' /tmp/logs/s43c3-$tag.log | cut -d: -f2 | tr '\n' ' ')"; save; }
for r in 1 2; do whole host-$r probe,host,whole; whole plain-$r probe,whole; done
