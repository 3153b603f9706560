#!/bin/bash
# Session 32, call 7: the GPU suite on the session's last code (k_group_small and the L2 prefetch
# dropped, gemmAlgorithms 'timed with splits' removed; the group-statistics tests of many rows and
# 80-channel groups through the two kernels).
# Before: build dist, delete dist/test/*.js but dist/test/gpu (the 64 MiB carry), move musl_x64 aside.
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
source bench/gpu-suite.sh
cd $OUT && tar czf $OUT/all.tgz -C /tmp logs
