#!/bin/bash
# Session 68, call 4: the GPU suite after test/gpu/ops.test.ts (1104 lines) was split into ops, winograd,
# tiles and device test files sharing test/gpu/op-checks.ts, run one file at a time (--test-concurrency=1).
# Here first: bash bench/device-dist.sh suite .gpu. Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-suite.sh
grep -E '^✔ [^ ]' /tmp/logs/test-gpu.log | sed 's/(NVIDIA[^)]*)[^)]*)//' | cut -c1-160
echo "done ($(( $(date +%s) - T0 )) s)"
