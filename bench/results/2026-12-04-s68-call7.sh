#!/bin/bash
# Session 68, call 7: Winograd's F(4x4, 3x3) over a sparse step's tiles with 'f4' (k_wino4_input_tiles;
# tiles of sides in fours, conv-paths.ts winogradTilesTile). Calls 2-3 had Winograd over tiles at
# ~0.6 / ~0.9 ms of a ~15% / ~30% step in the paper's configuration. First the GPU cases it touches
# (winograd.test.js: maps and tiles in both forms against the cpu; golden.test.js: FISEdit on the
# cuda backend with F(2x2, 3x3) tiles), then warm bins in one home, each configuration with and without
# 'f4' (BENCH_WINOGRAD=f4), then whole edits in the paper's configuration with 'f4'.
# Here first: bash bench/device-dist.sh --benches edit .gpu. Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-setup.sh
FISEDIT_HOME=/tmp/fh-suite timeout -k 10 200 node --test --test-reporter=spec dist/test/gpu/winograd.test.js dist/test/gpu/golden.test.js > /tmp/logs/test-gpu.log 2>&1
echo "rc $?" >> /tmp/logs/test-gpu.log
echo "cases ($(( $(date +%s) - T0 )) s): $(grep -E '^ℹ (pass|fail|skipped)' /tmp/logs/test-gpu.log | tr '\n' ' ')"
grep -E '^✖' /tmp/logs/test-gpu.log | cut -c1-300 | head
save
CALL=s68c7; source bench/gpu-edit.sh
way() { (export BENCH_NORM=$1 BENCH_ATTENTION=$2; shift 2; "$@"); }
BINS_PARTS=bins way cached fast bins paper-f2 dist
(export BENCH_WINOGRAD=f4; BINS_PARTS=bins way cached fast bins paper-f4 dist)
BINS_PARTS=bins way exact accurate bins defaults-f2 dist
(export BENCH_WINOGRAD=f4; BINS_PARTS=bins way exact accurate bins defaults-f4 dist)
(export BENCH_WINOGRAD=f4; way cached fast whole paper-f4 dist)
echo "done ($(( $(date +%s) - T0 )) s)"
