#!/bin/bash
# Session 46, call 2: k_gemm_geglu with its GEGLU done by the consumers from a staged tile while the next tile's MMAs run (call 1: between tiles), 3 stages;
# against cuBLASLt + k_geglu at the U-Net's shapes (bench/gemm-geglu.ts), twice.
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs
source bench/gpu-setup.sh
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
for r in 1 2; do
  BENCH_TAG=s46c2-$r timeout 150 node dist/bench/gemm-geglu.js > /tmp/logs/s46c2-geglu-$r.log 2>&1; rc=$?
  echo "run $r ($(( $(date +%s) - T0 )) s): rc $rc"; grep '^{' /tmp/logs/s46c2-geglu-$r.log | cut -c1-300
  [ $rc = 0 ] || tail -12 /tmp/logs/s46c2-geglu-$r.log | cut -c1-400; save
  [ $rc = 0 ] || break
done
