#!/bin/bash
# Session 47, call 2: the GELU of half storage as a polynomial and an exp2 instead of erff
# (kernels/storage.cuh gelu_f; call 1's Nsight Compute had k_gemm_geglu's epilogue issue-bound on
# erff's selects). The GPU suite (fp16 goldens, the fused kernel against the two-op path bit for bit,
# each op against the cpu); bench:gemm-geglu; then bench:unet at 512 / 768 px and bench:edit's bins,
# f9a3ed0 (ab-base: the session's start) against the working tree, alternating twice after a warm-up,
# a home each. Last, Nsight Compute on k_gemm_geglu at 18432 x 1280 x 320 again (call 1's sections).
# Carry [".gpu","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-suite.sh
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
save
BENCH_TAG=s47c2 timeout -k 5 100 node dist/bench/gemm-geglu.js > /tmp/logs/s47c2-geglu.log 2>&1; rc=$?
echo "gemm-geglu ($(( $(date +%s) - T0 )) s): rc $rc"; grep '^{' /tmp/logs/s47c2-geglu.log | cut -c1-130
[ $rc = 0 ] || tail -8 /tmp/logs/s47c2-geglu.log | cut -c1-300; save
u() { local tag=$1 dir=$2
  FISEDIT_HOME=/tmp/fh-u BENCH_TAG=s47c2-unet-$tag BENCH_MATH=fp16 BENCH_SIZES=512,768 BENCH_PIPELINE=0 timeout -k 5 120 node $dir/bench/unet.js > /tmp/logs/s47c2-unet-$tag.log 2>&1; local rc=$?
  echo "unet $tag ($(( $(date +%s) - T0 )) s): rc $rc $(grep -o '"px":[0-9]*\|"msPerCall":[0-9.]*' /tmp/logs/s47c2-unet-$tag.log | cut -d: -f2 | tr '\n' ' ')"
  [ $rc = 0 ] || tail -5 /tmp/logs/s47c2-unet-$tag.log | cut -c1-300; save; }
e() { local tag=$1 dir=$2
  FISEDIT_HOME=/tmp/fh-e BENCH_TAG=s47c2-edit-$tag BENCH_PARTS=bins timeout -k 5 120 node --expose-gc $dir/bench/edit.js > /tmp/logs/s47c2-edit-$tag.log 2>&1; local rc=$?
  echo "edit $tag ($(( $(date +%s) - T0 )) s): rc $rc bins $(grep -o '"editSize":[0-9.]*,"sparseStepMs":[0-9.]*' /tmp/logs/s47c2-edit-$tag.log | sed 's/"editSize"://; s/"sparseStepMs"://' | tr '\n' ' ')"
  [ $rc = 0 ] || tail -5 /tmp/logs/s47c2-edit-$tag.log | cut -c1-300; save; }
u warm dist
for r in 1 2; do u base-$r ab-base/dist; u new-$r dist; done
e warm dist
for r in 1 2; do e base-$r ab-base/dist; e new-$r dist; done
BENCH_SHAPES=18432x1280x320 timeout -k 5 120 ncu -k regex:'^k_gemm_geglu$' --launch-count 1 \
  --section SpeedOfLight --section ComputeWorkloadAnalysis --section SchedulerStats --section WarpStateStats \
  --section Occupancy --section InstructionStats --section MemoryWorkloadAnalysis --section LaunchStats --section SourceCounters \
  --import-source no -f -o /tmp/logs/gg node dist/bench/gemm-geglu.js > /tmp/logs/ncu-gemm-geglu-run.log 2>&1
rc=$?
ncu -i /tmp/logs/gg.ncu-rep --page raw --csv --print-units base > /tmp/logs/ncu-gemm-geglu.csv 2>&1
ncu -i /tmp/logs/gg.ncu-rep --page source --csv --print-source sass > /tmp/logs/ncu-gemm-geglu-sass.csv 2>&1
rm -f /tmp/logs/gg.ncu-rep
echo "ncu ($(( $(date +%s) - T0 )) s): rc $rc"; save
echo "done ($(( $(date +%s) - T0 )) s)"
