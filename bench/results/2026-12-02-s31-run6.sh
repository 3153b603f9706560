#!/bin/bash
# Session 31, call 6 (the machine still warm from call 5): the GPU suite on e-v3 (tile rows over dense).
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
source bench/gpu-suite.sh; mkdir -p $OUT/l && cp /tmp/logs/test-gpu.log $OUT/l/
