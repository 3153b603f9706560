#!/bin/bash
# Session 35, call 7: the GPU suite at the code the session leaves (k_group_affine at 128 threads with its early loads).
# Before: bench/device-dist.sh suite. Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
source bench/gpu-suite.sh
tar czf $OUT/all.tgz -C /tmp logs
