#!/bin/bash
# Session 67, call 6 (the review, 2620f50: graph-census.ts split out of driver.ts, the GPU tests' randomOn):
# the GPU cases the review touched: the dependent-launch cases (Driver.libraryDependents, now graph-census.ts)
# and the replay cases sharing randomOn (snapshot, aside, replays against eager).
# Here first: bash bench/device-dist.sh suite .gpu. Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-setup.sh
FISEDIT_HOME=/tmp/fh-suite timeout -k 10 200 node --test --test-reporter=spec --test-name-pattern "dependent launches|library kernel|snapshot|aside|replay" dist/test/gpu/golden.test.js dist/test/gpu/ops.test.js > /tmp/logs/test-gpu.log 2>&1
echo "rc $?" >> /tmp/logs/test-gpu.log
echo "cases ($(( $(date +%s) - T0 )) s): $(grep -E '^ℹ (pass|fail|skipped)' /tmp/logs/test-gpu.log | tr '\n' ' ')"
grep -E '^✖' /tmp/logs/test-gpu.log | cut -c1-300 | head
save
