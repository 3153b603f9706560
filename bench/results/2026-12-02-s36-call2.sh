#!/bin/bash
# Session 36, call 2 (after call 1: the GPU suite and bins with both early-read diffs against HEAD).
# A. cuBLASLt's trials with cold weights (…-s35-gemm-trials-cold-weights-untested.diff), as
#    …-s35-next-run-2.sh planned: bins in a fresh home per run (fresh trials), HEAD (ab-mix/base)
#    against HEAD + the diff (ab-mix/new), alternating three times.
# D. Call 1's three kernel changes apart, alternating three times in one home: HEAD + the overwrite
#    diff (ab-mix/one), + the LayerNorm weights diff (ab-mix/two: dist's code, the kernels without the
#    third change), + the overwrites' loads before their stores (dist, the working tree's kernels).
# B. A census of a ~5% step for A's two builds (which algorithm each trial picked, each kernel alone).
# C. The dense U-Net at 768 px with each trial method, a fresh home each.
# Carry [".gpu-lite","dist","ab-mix","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
mkdir -p .gpu-lite/data /tmp/logs && xz -dc .gpu-lite/masks.xz > .gpu-lite/data/masks-dev-300.bin; source .gpu-lite/env.sh && export OUT
which ncu >/dev/null || export PATH=$PATH:/usr/local/cuda/bin
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
# e NAME RUN DIST HOME
e() { FISEDIT_HOME=$4 BENCH_TAG=s36c2-$1$2 BENCH_PARTS=bins timeout 100 node $3/bench/edit.js > /tmp/logs/edit-$1$2.log 2>&1
  echo "edit $1$2 ($(( $(date +%s) - T0 )) s): $(grep -o '"editSize":[0-9.]*,"sparseStepMs":[0-9.]*' /tmp/logs/edit-$1$2.log | sed 's/"editSize"://; s/"sparseStepMs"://' | tr '\n' ' ') $(grep -o 'rror.*' /tmp/logs/edit-$1$2.log | head -1)"; save; }
for i in 1 2 3; do e hot $i ab-mix/base/dist /tmp/fh-hot$i; e cold $i ab-mix/new/dist /tmp/fh-cold$i; done
for i in 1 2 3; do e one $i ab-mix/one/dist /tmp/fh-d; e two $i ab-mix/two/dist /tmp/fh-d; e three $i dist /tmp/fh-d; done
k() { FISEDIT_HOME=/tmp/fh-k-$1 timeout 200 ncu --profile-from-start off --metrics gpu__time_duration.sum --cache-control none --clock-control none --print-units base --csv --log-file /tmp/logs/ncu-$1-5.csv env BENCH_KERNELS_BIN=5 BENCH_TAG=s36c2-kernels-$1-5 BENCH_PARTS=kernels BENCH_STEPS=20 node --expose-gc $2/bench/edit.js > /tmp/logs/ncu-run-$1-5.log 2>&1
  echo "ncu $1 ($(( $(date +%s) - T0 )) s): rc $?"
  node ab-mix/base/dist/bench/kernel-times.js /tmp/logs/ncu-$1-5.csv > /tmp/logs/kernels-$1-5.log 2>&1; head -4 /tmp/logs/kernels-$1-5.log | cut -c1-140
  xz /tmp/logs/ncu-$1-5.csv; save; }
k hot ab-mix/base/dist; k cold ab-mix/new/dist
u() { FISEDIT_HOME=/tmp/fh-u-$1 BENCH_TAG=s36c2-unet-$1 BENCH_MATH=fp16 BENCH_SIZES=768 BENCH_PIPELINE=0 timeout 150 node $2/bench/unet.js > /tmp/logs/unet-$1.log 2>&1
  echo "unet $1 ($(( $(date +%s) - T0 )) s): rc $? $(grep -o '"px":[0-9]*\|"msPerCall":[0-9.]*\|"msMin":[0-9.]*' /tmp/logs/unet-$1.log | cut -d: -f2 | tr '\n' ' ')"; save; }
# (C is left for a later call: this one would pass 600 s with it)
