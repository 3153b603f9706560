#!/bin/bash
# Prepared in session 57 for a later session (not run): do cuBLASLt's split-K GEMMs of a sparse step
# (and the dense 12 x 12 convolutions) get shorter with their K slices added in the output itself
# (CUBLASLT_REDUCTION_SCHEME_INPLACE: no reduction kernel) instead of by a reduction kernel of their own?
# Session 57's census (…-s57-call5-kernels-5.log) has 43 such reduction kernels in a ~5% step at ~3.3 us
# each alone, almost all launch. bench:gemm at the sparse step's long-K shapes and the dense 288-row
# ones, cold weights, graphs of 20 GEMMs: each candidate of the heuristic and the in-place variants
# of the split ones (candidateReduction 1), with and without a residual. If one wins at a shape, the
# trials (CublasLt.fastest) could offer it, after a GPU test of its error against the cpu (half
# partial sums: more roundings than the reduction kernel's float ones).
# Here first: bash bench/device-dist.sh --benches gemm .gpu. Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-setup.sh
for r in off on; do
  BENCH_COLD=on BENCH_REDUCTION=inplace BENCH_RESIDUAL=$r BENCH_SHAPES=40x1280x11520,76x1280x11520,40x1280x23040,252x640x5760,76x1280x5120,288x1280x11520,288x1280x23040 BENCH_TAG=inplace-residual-$r timeout -k 5 200 node dist/bench/gemm.js > /tmp/logs/gemm-$r.log 2>&1
  echo "gemm residual $r ($(( $(date +%s) - T0 )) s): rc $?"
  grep -o '"rows":[0-9]*,"out":[0-9]*,"k":[0-9]*,[^]]*"firstChoiceUs":[0-9.]*,"bestUs":[0-9.]*\|"candidateUs":\[[^]]*\]\|"candidateSplits":\[[^]]*\]\|"candidateReduction":\[[^]]*\]' /tmp/logs/gemm-$r.log | sed 's/"weightCopies":[0-9]*,//' | tr '\n' ' '; echo
  save
done
echo "done ($(( $(date +%s) - T0 )) s)"
