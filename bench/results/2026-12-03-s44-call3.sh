#!/bin/bash
# Session 44, call 3: k_norm_gemm (a LayerNorm and up to three projections of few token rows in one
# launch, CudaOptions.normGemm 'fused', not the default): its GPU test against the cpu backend, then
# bench:norm-gemm (fused against k_layer_norm + cuBLASLt, inside graphs) in a fresh home, once. Call 2's form, x passed as it is: calls 1-2 gave the kernel a copy of x (CudaDevice.readable, for library calls that a replay cannot re-point) where x was the graph's input, a k_copy launch more than the library path paid in the normed forms.
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh
source bench/gpu-setup.sh
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
FISEDIT_HOME=/tmp/fh timeout 120 node --test --test-reporter=spec dist/test/gpu/norm-gemm.test.js > /tmp/logs/test-norm-gemm.log 2>&1; rc=$?
echo "norm-gemm test ($(( $(date +%s) - T0 )) s): rc $rc $(grep -E '^ℹ (pass|fail)' /tmp/logs/test-norm-gemm.log | tr '\n' ' ')"; grep -E 'max abs|Error|error' /tmp/logs/test-norm-gemm.log | cut -c1-300 | head -12; save
for r in 1; do
  FISEDIT_HOME=/tmp/fh BENCH_TAG=s44c3-$r timeout 200 node dist/bench/norm-gemm.js > /tmp/logs/norm-gemm-$r.log 2>&1; rc=$?
  echo "bench:norm-gemm $r ($(( $(date +%s) - T0 )) s): rc $rc"; grep '^{' /tmp/logs/norm-gemm-$r.log | sed 's/"products"/p/; s/"maxDiffRelative"/d/'; tail -3 /tmp/logs/norm-gemm-$r.log | grep -v '^{' | cut -c1-300; save
done
