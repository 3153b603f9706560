#!/bin/bash
# Session 61 call 1, as session 60 prepared it (bench/results/2026-12-04-s60-next.sh): three changes to the Winograd path, each
# alone (half2 and strided also together), against HEAD, for the 768 px call's last ~0.1 ms to 10 ms:
# - half2 (…-s60-next-wino-input-half2.diff): the input transform in half2 arithmetic from patches kept
#   in half in shared memory (40 registers, 11.5 KiB against 48 and 23 KiB; call 4's Nsight sections had
#   the float form issue-bound, 60% SM against 26% DRAM throughput). Simulated error 6.7e-4 of the
#   output's RMS against 6.1e-4 (…-s60-winograd-f4-error.{py,log}, its last line).
# - strided (…-s60-next-wino-gemm-strided.diff): the 16 products as one strided batch (the planes are
#   equally spaced), not a pointer-array batch, so that its algorithm is timed like a single GEMM's
#   (a pointer-array batch takes the heuristic's first; at 18432 x 320 x 320 the heuristic's fifth had
#   taken 25 layers from 0.379 to 0.280 ms in session 22). The Winograd GEMMs are ~1.6 ms of a 768 px
#   call at ~55-60% of their FLOP floor (16 x 4608 x 320 x 320 36 µs, 16 x 288 x 1280 x 1280 42 µs).
# - small (…-s60-next-wino-12x12.diff): Winograd from 12 x 12 maps (WINOGRAD_MIN_POSITIONS), the 768 px
#   call's lowest level too (eleven 1280 -> 1280 and three 2560 -> 1280 convolutions by im2col + GEMM now,
#   ~0.7 ms with their im2col; ~0.9 GB more weights); bench:winograd on it gives the 12 x 12 shapes' times.
# The GPU suite runs on half2 and strided together (dist); then bench:unet, five builds alternating twice;
# bench:winograd on small; whole edits on dist.
# Here first: for d in half2:wino-input-half2 strided:wino-gemm-strided small:wino-12x12; do IFS=: read n f <<< $d;
#   git checkout -q -b tmp-$n && git apply bench/results/2026-12-04-s60-next-$f.diff && git commit -qam tmp
#   && git checkout -q main && bash bench/ab-base.sh tmp-$n && mkdir -p ab-mix && rm -rf ab-mix/$n && mv ab-base ab-mix/$n
#   && git branch -qD tmp-$n; done; bash bench/ab-base.sh HEAD;
#   git apply bench/results/2026-12-04-s60-next-wino-{input-half2,gemm-strided}.diff;
#   bash bench/device-dist.sh --benches edit,unet,winograd .gpu ab-base ab-mix
# Carry [".gpu","dist","ab-base","ab-mix","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-suite.sh
CALL=s61c1; source bench/gpu-edit.sh
UNET_OPS='k_wino\|gemm winograd'
unet warm dist
for t in base-1 half2-1 strided-1 both-1 small-1 base-2 half2-2 strided-2 both-2 small-2; do
  case ${t%-*} in base) d=ab-base/dist;; both) d=dist;; *) d=ab-mix/${t%-*}/dist;; esac
  unet $t $d
done
FISEDIT_HOME=/tmp/fh-u BENCH_TAG=s61c1-small timeout -k 5 200 node ab-mix/small/dist/bench/winograd.js > /tmp/logs/winograd.log 2>&1; rc=$?
echo "winograd ($(( $(date +%s) - T0 )) s): rc $rc"; grep -v '^{' /tmp/logs/winograd.log | tail -4 | cut -c1-1500
save
whole whole dist
echo "done ($(( $(date +%s) - T0 )) s)"
