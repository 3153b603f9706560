#!/bin/bash
# Sourced first by a device call's script (bench/results/*-run*.sh), in the repository root on the GPU
# machine: unpacks what .gpu carries compressed (the tokenizer, masks-dev-300 when carried as
# .gpu/masks.xz, fixture files carried as .xz beside where they belong: the 64 MiB limit), sets up
# Node.js and the CUDA libraries (.gpu/env.sh, from ../shared/device/prepare.sh), exports OUT, and
# runs the GPU suite into /tmp/logs/test-gpu.log with a home of its own, printing its pass and fail
# counts and any failure. Usage: source bench/gpu-suite.sh (bench/device-dist.sh builds the dist.)
[ -f .gpu/tok.xz ] && xz -dc .gpu/tok.xz > .gpu/fixtures/tiny-sd2/tokenizer/tokenizer.json
find .gpu/fixtures -name '*.xz' -exec xz -d {} +
[ -f .gpu/masks.xz ] && mkdir -p .gpu/data && xz -dc .gpu/masks.xz > .gpu/data/masks-dev-300.bin
source .gpu/env.sh && export OUT
mkdir -p /tmp/logs
FISEDIT_HOME=/tmp/fh-suite timeout 150 node --test --test-reporter=spec dist/test/gpu/*.test.js > /tmp/logs/test-gpu.log 2>&1
echo "rc $?" >> /tmp/logs/test-gpu.log
echo "suite: $(grep -E '^ℹ (pass|fail)' /tmp/logs/test-gpu.log | tr '\n' ' ')"
grep -E '^✖' /tmp/logs/test-gpu.log | cut -c1-400 | head -8
