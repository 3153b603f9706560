#!/bin/bash
# Session 43, call 1: session 42's next-run script (bench/results/2026-12-02-s42-next-run.sh), as written,
# plus (5) smoke runs of the benches that make their own library handles (bench:gemm, gemm-qkv,
# gemm-host, conv-engines), not run on a GPU since the one-stream change (afe78f1, 1fa29cd).
# Session 42 moved all work, the timing trials included, onto the driver's main stream and the graph
# recordings onto a stream of their own (f1bab82): a first process at 512 px then ran as fast as a
# later one (4.96, 5.00 against 5.10, 5.11 ms). Not yet measured with it, here in order of need:
# (1) bench:edit's bins in fresh homes against ab-base (08d2150, the code before), alternating twice:
# a sparse step's trials, met while its graph is recorded, now wait for the main stream's queued
# work and run there; (2) 768 px in a warm home, against ab-base; (3) the host tier's prefetch (a
# k_copy_many on the side stream, beside the step, CudaDevice.prefetch): does it leave the process
# slower as the trials' side-stream work did? Whole edits in a warm home after the host tier's part
# ran (BENCH_PARTS=probe,host,whole) against without it (probe,whole), once each (a
# process of bins and whole edits took up to ~110 s in session 34: repeat them in a call of their own);
# (4) 512 px bins, last measured in session 17.
# Before: bash bench/ab-base.sh 08d2150; bash bench/device-dist.sh --benches unet,edit,gemm,gemm-qkv,gemm-host,conv-engines .gpu ab-base.
# Carry [".gpu","dist","ab-base","node_modules/koffi","node_modules/@koromix"]. ~450-500 s (shell logic dry-run with a stand-in node).
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fe-* /tmp/w1 /tmp/wb /tmp/fh-suite
source bench/gpu-setup.sh
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
FISEDIT_HOME=/tmp/fh-suite timeout 120 node --test --test-reporter=spec dist/test/gpu/*.test.js > /tmp/logs/test-gpu.log 2>&1
echo "suite ($(( $(date +%s) - T0 )) s): rc $? $(grep -E '^ℹ (pass|fail|skipped)' /tmp/logs/test-gpu.log | tr '\n' ' ')"; grep -E '^✖' /tmp/logs/test-gpu.log | cut -c1-400 | head -8; save
bins() { rm -rf /tmp/fe-$1; FISEDIT_HOME=/tmp/fe-$1 BENCH_TAG=s43-bins-$1 BENCH_PARTS=bins timeout 120 node --expose-gc $2/bench/edit.js > /tmp/logs/s43-edit-$1.log 2>&1; local rc=$?
  echo "edit bins $1, a fresh home ($(( $(date +%s) - T0 )) s): rc $rc $(grep -o '"editSize":[0-9.]*,"sparseStepMs":[0-9.]*' /tmp/logs/s43-edit-$1.log | sed 's/"editSize"://; s/"sparseStepMs"://' | tr '\n' ' ')"; save; }
bins new-1 dist; bins base-1 ab-base/dist; bins new-2 dist; bins base-2 ab-base/dist
u() { local tag=$1 home=$2; shift 2
  env FISEDIT_HOME=$home BENCH_TAG=s43-$tag BENCH_MATH=fp16 BENCH_SIZES=${SIZES:-768} BENCH_CALLS=50 BENCH_ENERGY_S=2 BENCH_PIPELINE=0 "$@" timeout ${TO:-150} node ${BENCH_DIST:-dist}/bench/unet.js > /tmp/logs/s43-$tag.log 2>&1; local rc=$?
  echo "$tag ($(( $(date +%s) - T0 )) s): rc $rc $(grep -o '"px":[0-9]*\|"msPerCall":[0-9.]*\|"msMin":[0-9.]*\|"joulesPerCall":[0-9.a-z]*\|"smMHz":[0-9]*' /tmp/logs/s43-$tag.log | cut -d: -f2 | tr '\n' ' ')"; save; }
u 768-new-first /tmp/w1; u 768-new-a /tmp/w1
BENCH_DIST=ab-base/dist u 768-base-first /tmp/wb; BENCH_DIST=ab-base/dist u 768-base-a /tmp/wb
u 768-new-b /tmp/w1; BENCH_DIST=ab-base/dist u 768-base-b /tmp/wb
whole() { FISEDIT_HOME=/tmp/fe-new-1 BENCH_TAG=s43-whole-$1 BENCH_PARTS=$2 BENCH_PREPARE=on timeout 150 node --expose-gc dist/bench/edit.js > /tmp/logs/s43-whole-$1.log 2>&1; local rc=$?
  echo "whole $1 ($(( $(date +%s) - T0 )) s): rc $rc $(grep -o '"hostTierStepMs":[0-9.]*\|"gpuMsPerStep":[0-9.]*\|"wallS":[0-9.]*' /tmp/logs/s43-whole-$1.log | tr '\n' ' ')"; save; }
whole plain-1 probe,whole; whole host-1 probe,host,whole
# (4) 512 px bins (the issue asks a speedup over dense at 15% there; last measured in session 17)
FISEDIT_HOME=/tmp/fe-new-1 BENCH_PX=512 BENCH_TAG=s43-bins512 BENCH_PARTS=bins timeout 100 node --expose-gc dist/bench/edit.js > /tmp/logs/s43-edit-512.log 2>&1
echo "edit bins 512 px ($(( $(date +%s) - T0 )) s): rc $? $(grep -o '"editSize":[0-9.]*,"sparseStepMs":[0-9.]*' /tmp/logs/s43-edit-512.log | tr '\n' ' ') $(grep -o 'plain dense step (graph): [0-9.]* ms' /tmp/logs/s43-edit-512.log)"; save
# (5) the benches with their own handles: do they run and record (rc 0, figures)?
sm() { local tag=$1; shift; env "$@" timeout 60 node dist/bench/$tag.js > /tmp/logs/s43-$tag.log 2>&1; local rc=$?
  echo "$tag ($(( $(date +%s) - T0 )) s): rc $rc $(tail -c 300 /tmp/logs/s43-$tag.log | tr '\n' ' ')"; save; }
sm gemm BENCH_SHAPES=76x1280x1280,1152x1280x1280; sm gemm-qkv; sm gemm-host; sm conv-engines BENCH_SIDES=24 BENCH_CANDIDATES=4 BENCH_REPLAYS=5
