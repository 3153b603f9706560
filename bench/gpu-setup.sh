#!/bin/bash
# Sourced first by a device call's script (bench/results/*.sh), in the repository root on the GPU
# machine: unpacks what .gpu carries compressed (the tokenizer, masks-dev-300 when carried as
# .gpu/masks.xz, fixture files carried as .xz beside where they belong: the 64 MiB limit), sets up
# Node.js and the CUDA libraries (.gpu/env.sh, from ../shared/device/prepare.sh), exports OUT and makes
# /tmp/logs. A call that runs the GPU suite sources bench/gpu-suite.sh instead, which sources this.
[ -f .gpu/tok.xz ] && xz -dc .gpu/tok.xz > .gpu/fixtures/tiny-sd2/tokenizer/tokenizer.json
find .gpu/fixtures -name '*.xz' -exec xz -d {} +
[ -f .gpu/masks.xz ] && mkdir -p .gpu/data && xz -dc .gpu/masks.xz > .gpu/data/masks-dev-300.bin
source .gpu/env.sh && export OUT
mkdir -p /tmp/logs
