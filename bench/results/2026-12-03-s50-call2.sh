#!/bin/bash
# Session 50, call 2: bench:launch's new part. A chain of 600 ops (each thread `loads` dependent loads
# of what other blocks of the op before wrote, one value written) as a graph of one kernel an op,
# plain and with programmatic dependent launches (as the cuda backend records a step), against one
# persistent kernel whose blocks meet at a grid barrier between ops; at 8, 32 and 132 blocks. What a
# persistent sparse step could save on launch boundaries alone (the ~0% step's floor: ~630 kernels,
# ~4 µs each). Also the graph-node floor as before.
# Here first: bash bench/device-dist.sh --benches launch .gpu. Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
source bench/gpu-setup.sh
BENCH_TAG=s50 FISEDIT_HOME=/tmp/fh-launch timeout -k 5 240 node dist/bench/launch.js 2>&1 | tee /tmp/logs/launch.log
nvidia-smi --query-gpu=clocks.sm,clocks.max.sm,power.draw --format=csv
