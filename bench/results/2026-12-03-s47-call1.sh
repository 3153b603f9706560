#!/bin/bash
# Session 47, call 1: the GPU suite (the review's mended forms: linearGegluKernel, tensorMapHalf; not run since), then session 46's prepared call: where k_gemm_geglu's ~7 us a tile go at
# 768 px level 1 (18432 x 1280 x 320: ~2.8 us of MMAs and ~3 us of epilogue instructions a tile by
# count). Nsight Compute on the kernel's first launch in bench:gemm-geglu (eager, before the graphs):
# speed of light, scheduler and warp-state statistics (stall reasons: the consumers' waits on the
# stages' mbarriers against the epilogue's issue), instruction mix, memory. Then bench:gemm-geglu at
# the U-Net's shapes, for the same machine's figures.
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-suite.sh
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
BENCH_SHAPES=18432x1280x320 timeout -k 5 300 ncu -k regex:'^k_gemm_geglu$' --launch-count 1 \
  --section SpeedOfLight --section ComputeWorkloadAnalysis --section SchedulerStats --section WarpStateStats \
  --section Occupancy --section InstructionStats --section MemoryWorkloadAnalysis --section LaunchStats --section SourceCounters \
  --import-source no -f -o /tmp/logs/gg node dist/bench/gemm-geglu.js > /tmp/logs/ncu-gemm-geglu-run.log 2>&1
rc=$?
ncu -i /tmp/logs/gg.ncu-rep --page raw --csv --print-units base > /tmp/logs/ncu-gemm-geglu.csv 2>&1
ncu -i /tmp/logs/gg.ncu-rep --page source --csv --print-source sass > /tmp/logs/ncu-gemm-geglu-sass.csv 2>&1
 echo "ncu ($(( $(date +%s) - T0 )) s): rc $rc"; wc -c /tmp/logs/ncu-gemm-geglu*.csv; tail -3 /tmp/logs/ncu-gemm-geglu-run.log | cut -c1-300; save
BENCH_TAG=s47c1 timeout -k 5 100 node dist/bench/gemm-geglu.js > /tmp/logs/geglu.log 2>&1; rc=$?
echo "gemm-geglu ($(( $(date +%s) - T0 )) s): rc $rc"; grep '^{' /tmp/logs/geglu.log | cut -c1-200; save
