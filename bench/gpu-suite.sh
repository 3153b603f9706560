#!/bin/bash
# Sourced first by a device call's script that runs the GPU suite (bench/results/*.sh), in the
# repository root on the GPU machine: bench/gpu-setup.sh (the carried files unpacked, Node.js and the
# CUDA libraries, OUT, /tmp/logs), then the GPU suite into /tmp/logs/test-gpu.log with a home of its
# own, printing its pass and fail counts and any failure (gpu-setup.sh's suite). Usage: source bench/gpu-suite.sh
# (bench/device-dist.sh builds the dist.)
source bench/gpu-setup.sh
suite
