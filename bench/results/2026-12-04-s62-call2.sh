#!/bin/bash
# Session 62, call 2: bench:winograd-error again, its single U-Net calls now replayed (call 1's ran
# eagerly, where the backend takes no Winograd: its three fp16 rows were the same bits; its generation
# rows stand), without the generation (BENCH_GENERATE=0); then …-s62-decode-probe.mjs: where a 768 px
# VAE decode's wall time (an edit's decodeMs 18-21 ms) goes beyond its ~11 ms of GPU time.
# Here first: bash bench/device-dist.sh --benches edit,unet,winograd-error .gpu
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
source bench/gpu-setup.sh
T0=$(date +%s)
FISEDIT_HOME=/tmp/fh-u BENCH_GENERATE=0 BENCH_TAG=s62c2 timeout -k 5 150 node dist/bench/winograd-error.js > /tmp/logs/winograd-error.log 2>&1; rc=$?
echo "winograd-error ($(( $(date +%s) - T0 )) s): rc $rc"; grep -v '^wrote' /tmp/logs/winograd-error.log | cut -c1-400 | tail -8; save
FISEDIT_HOME=/tmp/fh-u timeout -k 5 120 node bench/results/2026-12-04-s62-decode-probe.mjs > /tmp/logs/decode-probe.log 2>&1; rc=$?
echo "decode probe ($(( $(date +%s) - T0 )) s): rc $rc"; tail -3 /tmp/logs/decode-probe.log | cut -c1-1200; save
