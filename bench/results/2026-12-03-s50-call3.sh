#!/bin/bash
# Session 50, call 3: call 2's bench:launch again, with a leaner persistent barrier beside the first
# (k_chain_persistent_lean: one release-add a block on a count that only grows, polled with acquire
# loads). Call 2's barrier (a count reset by the last block in, a generation polled, fences around)
# cost 2.0-3.0 µs an op against 1.0-1.9 for a graph of programmatic dependent launches.
# Here first: bash bench/device-dist.sh --benches launch .gpu. Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
source bench/gpu-setup.sh
BENCH_TAG=s50-call3 FISEDIT_HOME=/tmp/fh-launch timeout -k 5 240 node dist/bench/launch.js 2>&1 | tee /tmp/logs/launch.log
nvidia-smi --query-gpu=clocks.sm,clocks.max.sm,power.draw --format=csv
