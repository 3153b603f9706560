#!/bin/bash
# Session 56, call 4: k_gather_im2col prefetches the weights of the im2col GEMM it feeds into L2
# before it waits (prefetch_share_l2, up to 24 MiB), against 20ae236 (ab-base: no prefetch; the same
# code otherwise). Here first: bash bench/ab-base.sh 20ae236 && bash bench/device-dist.sh --benches edit .gpu ab-base
# Carry [".gpu","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
# 1. Whole edits, base and new. 2. The GPU suite. 3. Whole edits again, if time is left.
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-setup.sh
CALL=s56c4
source bench/gpu-edit.sh
whole whole-base-1 ab-base/dist; whole whole-new-1 dist
suite
if [ $(( $(date +%s) - T0 )) -lt 260 ]; then whole whole-base-2 ab-base/dist; whole whole-new-2 dist; fi
echo "done ($(( $(date +%s) - T0 )) s)"
