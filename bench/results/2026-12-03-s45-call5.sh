#!/bin/bash
# Session 45, call 5 (the kernel and bench are …-s45-skinny-gemm-trial.diff; apply it to run this): call 4's kernel with eight stages (6 for 80 rows) and its last block's sums eight slices in flight at a time (call 4: four stages, one slice at a time): TRIAL kernels/skinny-gemm.cu (a few-row, long-K GEMM with K sliced over every
# multiprocessor, the slices added by the last block of each m-tile) against cuBLASLt, cold weights,
# in graphs (bench/skinny-gemm.ts), twice.
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs
source bench/gpu-setup.sh
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
for r in 1 2; do
  BENCH_TAG=s45c5-$r timeout 200 node dist/bench/skinny-gemm.js > /tmp/logs/s45c5-skinny-$r.log 2>&1; rc=$?
  echo "run $r ($(( $(date +%s) - T0 )) s): rc $rc"; grep '^{' /tmp/logs/s45c5-skinny-$r.log | cut -c1-400
  [ $rc = 0 ] || tail -8 /tmp/logs/s45c5-skinny-$r.log | cut -c1-300; save
done
