#!/bin/bash
# Session 40 call 5: where the dense attention kernel's time goes. Call 3 found exp2 on the FMA pipe
# (a quarter or half of the softmax's exponentials) slower, not faster: the kernel is not bound by the
# MUFU. Nsight Compute's sections on one k_flash_wg64 launch of bench:attention's 512 px 4096-token
# shape (the same kernel as 768 px's 9216 tokens, 640 blocks of 64 query rows): speed of light, pipe
# utilisation (tensor, FMA, ALU, XU), issue slots, warp stall reasons, occupancy and the executed
# instructions by opcode (the raw page: every metric the sections collect, read here).
# Before: bash bench/device-dist.sh --benches attention .gpu.
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
source .gpu/env.sh && export OUT
rm -rf /tmp/logs; mkdir -p /tmp/logs
save() { tar czf $OUT/all.tgz -C /tmp logs; }
FISEDIT_HOME=/tmp/fh-a BENCH_REPLAYS=2 timeout 400 ncu -k regex:'^k_flash_wg64$' --launch-skip 5 --launch-count 1 \
  --section SpeedOfLight --section ComputeWorkloadAnalysis --section SchedulerStats --section WarpStateStats \
  --section Occupancy --section InstructionStats --section MemoryWorkloadAnalysis --section LaunchStats \
  --page raw --csv --print-units base --log-file /tmp/logs/ncu-flash.csv node dist/bench/attention.js > /tmp/logs/ncu-flash-run.log 2>&1
echo "ncu ($(( $(date +%s) - T0 )) s): rc $?"; save
wc -c /tmp/logs/ncu-flash.csv
tail -5 /tmp/logs/ncu-flash-run.log
