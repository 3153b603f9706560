#!/bin/bash
# Session 69, call 1 (83a5932's build; since dropped: …-s69-weight-prefetch-trial.diff): weights brought into L2 on a graph branch ahead of the GEMM that reads them
# (CudaOptions.weightPrefetch, weight-prefetch.ts; k_prefetch_l2's bulk prefetch of up to N MiB of
# the weight the next GEMM read in the last recording, queued as each GEMM is recorded). Session 32
# had a 40 x 1280 x 11520 GEMM at 10.0 us from L2 against 13.1 from memory: bound ~0.18 ms of a ~5%
# step. First the device cases (the new one: a recording with prefetches computes as the eager call,
# four or five more launches), then warm bins in one home, alternating off / 24 MiB / 48 MiB, the
# paper's configuration twice and the defaults once.
# Here first: bash bench/device-dist.sh --benches edit .gpu. Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-setup.sh
FISEDIT_HOME=/tmp/fh-suite timeout -k 10 150 node --test --test-reporter=spec dist/test/gpu/device.test.js > /tmp/logs/test-gpu.log 2>&1
echo "rc $?" >> /tmp/logs/test-gpu.log
echo "cases ($(( $(date +%s) - T0 )) s): $(grep -E '^ℹ (pass|fail|skipped)' /tmp/logs/test-gpu.log | tr '\n' ' ')"
grep -E '^✖|launches recorded' /tmp/logs/test-gpu.log | cut -c1-300 | head
save
CALL=s69c1; source bench/gpu-edit.sh
way() { (export BENCH_NORM=$1 BENCH_ATTENTION=$2; shift 2; "$@"); }
pf() { local tag=$1 mib=$2; shift 2; (if [ -n "$mib" ]; then export BENCH_WEIGHT_PREFETCH=$mib; fi; BINS_PARTS=bins "$@" bins $tag dist); }
for r in 1 2; do
  pf paper-off-$r '' way cached fast
  pf paper-24-$r 24 way cached fast
  pf paper-48-$r 48 way cached fast
done
pf defaults-off '' way exact accurate
pf defaults-24 24 way exact accurate
echo "done ($(( $(date +%s) - T0 )) s)"
