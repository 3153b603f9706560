#!/bin/bash
# Session 56, call 1: sparse steps make an up block's concatenated skip connection and an upsampled
# map only in the rows their convolutions read (StepContext.concat / upsample, SparsePlan.inputRows,
# k_concat / k_upsample2x over the plan's row list), against 626c604 (ab-base: full maps). Here
# first: bash bench/ab-base.sh 626c604 && bash bench/device-dist.sh --benches edit .gpu ab-base
# Carry [".gpu","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
# 1. The GPU suite (the new kernels against cpu). 2. Whole edits, base and new in turn, twice.
# 3. Bins with the probe's profile (new).
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-suite.sh
CALL=s56c1
source bench/gpu-edit.sh
whole whole-base-1 ab-base/dist; whole whole-new-1 dist; whole whole-base-2 ab-base/dist; whole whole-new-2 dist
bins bins-new dist
echo "done ($(( $(date +%s) - T0 )) s)"
