#!/bin/bash
# Session 68, call 1 (d3f1a0a's build, no code change): the whole GPU suite at the head (session 67's
# review ran only the cases it touched), then the paper's configuration (BENCH_NORM=cached
# BENCH_ATTENTION=fast) against the attention switches that were tuned for the defaults only: warm
# bins in one home, 'auto' (the default), k_flash_wg64_pipe always (BENCH_WGMMA_PIPELINE=on), never
# (=off), and no split of the keys (BENCH_FLASH_SPLITS=1), then 'auto' again.
# Here first: bash bench/device-dist.sh --benches edit .gpu. Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-suite.sh
CALL=s68c1; source bench/gpu-edit.sh
way() { (export BENCH_NORM=$1 BENCH_ATTENTION=$2; shift 2; "$@"); }
BINS_PARTS=bins way cached fast bins paper-auto-1 dist
(export BENCH_WGMMA_PIPELINE=on; BINS_PARTS=bins way cached fast bins paper-pipe-on dist)
(export BENCH_WGMMA_PIPELINE=off; BINS_PARTS=bins way cached fast bins paper-pipe-off dist)
(export BENCH_FLASH_SPLITS=1; BINS_PARTS=bins way cached fast bins paper-splits-1 dist)
BINS_PARTS=bins way cached fast bins paper-auto-2 dist
echo "done ($(( $(date +%s) - T0 )) s)"
