#!/bin/bash
# Session 69, call 3: the GPU suite at the tree calls 1-2 left (the weight prefetch dropped, src as
# bb90e73, whose changed message string session 68 had no device time left to run), through
# `npm run test:gpu`'s line itself (a first try of this call ran npm, which the machine lacks: rc 127), which now runs the out-of-memory case even when a *.test file fails and
# fails if either run did.
# Here first: bash bench/device-dist.sh suite .gpu. Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-setup.sh
# the machine has node but no npm: package.json's test:gpu line as npm would run it (sh -c)
FISEDIT_HOME=/tmp/fh-suite timeout -k 10 330 sh -c "$(node -p "require('./package.json').scripts['test:gpu']")" > /tmp/logs/test-gpu.log 2>&1
echo "rc $?" >> /tmp/logs/test-gpu.log
echo "npm run test:gpu ($(( $(date +%s) - T0 )) s): $(grep -E '^ℹ (pass|fail|skipped)|^rc' /tmp/logs/test-gpu.log | tr '\n' ' ')"
grep -E '^✖' /tmp/logs/test-gpu.log | cut -c1-400 | head -8
save
