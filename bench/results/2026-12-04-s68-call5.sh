#!/bin/bash
# Session 68, call 5: the GPU suite as npm run test:gpu now runs it: the *.test files side by side
# (node --test's default), then the out-of-memory case alone (test/gpu/out-of-memory.ts), which fills
# the GPU; call 4 had run every file one at a time (212 s).
# Here first: bash bench/device-dist.sh suite .gpu. Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-suite.sh
grep -E '^rc ' /tmp/logs/test-gpu.log
grep -E "^(✔|✖) .*\([0-9.]+ms\)$" /tmp/logs/test-gpu.log | sed 's/(NVIDIA H200 (9.0), \(fp[0-9]*\) GEMMs[^(]*([^)]*)[^(]*/(\1 /' | cut -c1-120
grep -E '^ℹ duration_ms' /tmp/logs/test-gpu.log
echo "done ($(( $(date +%s) - T0 )) s)"
