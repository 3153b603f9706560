#!/bin/bash
# Session 69, call 8 (the review's commit: bench/gpu-setup.sh's suite now runs package.json's test:gpu
# line, device.test.ts's aside case copies with copyOf): the GPU suite through suite().
# Here first: bash bench/device-dist.sh suite .gpu. Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-setup.sh
suite
