#!/bin/bash
# Session 30, call 3: which programmatic edges the replays' race needs (call 2: 44 of 900 replays
# parted with dependent launches, 0 of 450 without). Temporary driver code (FISEDIT_PDL_EXPERIMENT):
# a census of the recorded graphs' edges, then edges from library kernels into ours made plain, then
# edges from our kernels into ours made plain; then kernels that trigger their dependents only at exit.
T0=$(date +%s)
[ -f .gpu/tok.xz ] && xz -dc .gpu/tok.xz > .gpu/fixtures/tiny-sd2/tokenizer/tokenizer.json
source .gpu/env.sh && export OUT && mkdir -p /tmp/logs
d() { FISEDIT_PDL_EXPERIMENT=$2 FISEDIT_HOME=/tmp/fh-$RANDOM$RANDOM BENCH_REPLAYS=150 BENCH_ORDER=on BENCH_TAG=x$1 timeout 60 node --expose-gc dist/bench/repeatability.js > /tmp/logs/x$1.log 2>&1; echo "$1 $2 ($(( $(date +%s) - T0 )) s): $(grep -E 'replays parted|rror' /tmp/logs/x$1.log | cut -c1-500)"; }
d census census
grep -A45 "^edge experiment" /tmp/logs/xcensus.log | cut -c1-300
d lib1 plain-from-library; d ours1 plain-from-ours; d lib2 plain-from-library; d ours2 plain-from-ours
sed -i 's/^  asm volatile("griddepcontrol.launch_dependents;" :::);/  \/\/ (experiment: no early trigger)/' src/backend/cuda/kernels/launch.cuh; grep -c "no early trigger" src/backend/cuda/kernels/launch.cuh
d notrig1 census; d notrig2 census
cd $OUT && mkdir -p j && mv $OUT/*.json j/ 2>/dev/null; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j
