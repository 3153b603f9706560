#!/bin/bash
# Sourced first by a device call's script that runs the GPU suite (bench/results/*.sh), in the
# repository root on the GPU machine: bench/gpu-setup.sh (the carried files unpacked, Node.js and the
# CUDA libraries, OUT, /tmp/logs), then the GPU suite into /tmp/logs/test-gpu.log with a home of its
# own, printing its pass and fail counts and any failure. Usage: source bench/gpu-suite.sh
# (bench/device-dist.sh builds the dist.)
source bench/gpu-setup.sh
FISEDIT_HOME=/tmp/fh-suite timeout -k 10 150 node --test --test-reporter=spec dist/test/gpu/*.test.js > /tmp/logs/test-gpu.log 2>&1
echo "rc $?" >> /tmp/logs/test-gpu.log
echo "suite: $(grep -E '^ℹ (pass|fail)' /tmp/logs/test-gpu.log | tr '\n' ' ')"
grep -E '^✖' /tmp/logs/test-gpu.log | cut -c1-400 | head -8
