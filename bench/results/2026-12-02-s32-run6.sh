#!/bin/bash
# Session 32, call 6: where the host's time goes while a sparse step is recorded (30-50 ms of host
# time at the first sparse step of an edit, while the GPU waits once an automatic mask is known):
# a V8 profile of bench:edit's whole edits (second round: the GEMM and convolution choices known),
# summarised for the samples under the sparse steps' recordings.
# Carry [".gpu-lite","dist","node_modules/koffi","node_modules/@koromix"].
mkdir -p .gpu-lite/data /tmp/logs /tmp/prof && xz -dc .gpu-lite/masks.xz > .gpu-lite/data/masks-dev-300.bin
source .gpu-lite/env.sh && export OUT
FISEDIT_HOME=/tmp/fh-prof BENCH_TAG=s32-prof BENCH_PARTS=whole BENCH_PREPARE=on timeout 200 node --cpu-prof --cpu-prof-dir=/tmp/prof --cpu-prof-interval 100 --expose-gc dist/bench/edit.js > /tmp/logs/edit-prof.log 2>&1
echo "edit prof: rc $?"
node dist/bench/whole-edits-summary.js /tmp/logs/edit-prof.log | tr '|' '\n' | sed 's/, recordings.*//; s/^.*log: //' | grep -E 'masked ~|^ ?[12] ' | tr '\n' '|' | cut -c1-900; echo
p=$(ls /tmp/prof/*.cpuprofile | head -1)
CALLS="capture src/backend/cuda/replays.js" node dist/bench/cpu-profile-summary.js $p "run src/edit/cached-steps.js" "capture src/backend/cuda/replays.js" > /tmp/logs/prof-sparse-capture.txt 2>&1
head -60 /tmp/logs/prof-sparse-capture.txt | cut -c1-120
gzip -c $p > $OUT/s32-edit-prof.cpuprofile.gz
cd $OUT && mkdir -p j && mv $OUT/*.json j/ 2>/dev/null; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j
