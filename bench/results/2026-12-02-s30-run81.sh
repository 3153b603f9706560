#!/bin/bash
# Session 30, call 2: the known nondeterminism at a higher rate. Call 1 (run80) caught it in a replay:
# backend 2's replay parted from its recorded edit, which agreed with every other backend's. So one
# backend per process, its edit recorded once and replayed 150 times; with dependent launches, without
# them, and with the host waiting for each graph (BENCH_SYNC=1).
T0=$(date +%s)
[ -f .gpu/tok.xz ] && xz -dc .gpu/tok.xz > .gpu/fixtures/tiny-sd2/tokenizer/tokenizer.json
source .gpu/env.sh && export OUT && mkdir -p /tmp/logs
d() { FISEDIT_HOME=/tmp/fh-$RANDOM$RANDOM BENCH_REPLAYS=150 BENCH_SYNC=$2 BENCH_ORDER=$1 BENCH_TAG=many$3-$1-sync$2 timeout 60 node --expose-gc dist/bench/repeatability.js > /tmp/logs/many$3-$1-sync$2.log 2>&1; echo "$1 sync$2 #$3 ($(( $(date +%s) - T0 )) s): $(grep -E 'replays parted|rror' /tmp/logs/many$3-$1-sync$2.log | cut -c1-600)"; }
for i in 1 2 3; do d on 0 $i; d off 0 $i; d on 1 $i; done
cd $OUT && mkdir -p j && mv $OUT/*.json j/ 2>/dev/null; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j
