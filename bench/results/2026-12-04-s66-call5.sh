#!/bin/bash
# Session 66, call 5: the GPU suite's snapshot case alone, strengthened: it now counts the copy nodes
# re-pointed at each replay (Driver.setCopyDestination), so it fails where the snapshots were copied
# out after the graph instead of on its branch. Here first: bash bench/device-dist.sh suite .gpu.
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs
source bench/gpu-setup.sh
FISEDIT_HOME=/tmp/fh-suite timeout -k 5 120 node --test --test-reporter=spec --test-name-pattern snapshot dist/test/gpu/ops.test.js > /tmp/logs/test-gpu.log 2>&1
echo "rc $? ($(( $(date +%s) - T0 )) s)"
grep -E '^ℹ (pass|fail|skipped)|✔|✖' /tmp/logs/test-gpu.log | cut -c1-300 | head -12
save
