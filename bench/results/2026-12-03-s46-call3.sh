#!/bin/bash
# Session 46, call 3: call 2's k_gemm_geglu with each stage freed as soon as its MMAs are done (call 2: one k-tile's MMAs kept in flight into the next, which left the producer one stage ahead);
# against cuBLASLt + k_geglu at the U-Net's shapes (bench/gemm-geglu.ts), twice.
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs
source bench/gpu-setup.sh
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
for r in 1 2; do
  BENCH_TAG=s46c3-$r timeout 150 node dist/bench/gemm-geglu.js > /tmp/logs/s46c3-geglu-$r.log 2>&1; rc=$?
  echo "run $r ($(( $(date +%s) - T0 )) s): rc $rc"; grep '^{' /tmp/logs/s46c3-geglu-$r.log | cut -c1-300
  [ $rc = 0 ] || tail -12 /tmp/logs/s46c3-geglu-$r.log | cut -c1-400; save
  [ $rc = 0 ] || break
done
