#!/bin/bash
# Session 30, call 6: whether the fix's reach is enough. Backends without dependent launches get no
# empty nodes: does cuDNN launch its kernels as programmatic dependents in their graphs too
# (Driver.libraryDependents)? And eager edits with every convolution by cuDNN (BENCH_CONV=cudnn),
# 100 each, with and without dependent launches: do any part from the first eager one?
T0=$(date +%s)
[ -f .gpu/tok.xz ] && xz -dc .gpu/tok.xz > .gpu/fixtures/tiny-sd2/tokenizer/tokenizer.json
source .gpu/env.sh && export OUT && mkdir -p /tmp/logs
d() { FISEDIT_HOME=/tmp/fh-$RANDOM$RANDOM BENCH_CONV=cudnn BENCH_EAGER=100 BENCH_REPLAYS=50 BENCH_ORDER=$1 BENCH_TAG=reach-$2 timeout 100 node --expose-gc dist/bench/repeatability.js > /tmp/logs/reach-$2.log 2>&1; echo "== $1 ($(( $(date +%s) - T0 )) s)"; grep -E 'parted|library kernels|rror' /tmp/logs/reach-$2.log | cut -c1-700; }
d off,on 1
d on,off 2
cd $OUT && mkdir -p j && mv $OUT/*.json j/ 2>/dev/null; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j
