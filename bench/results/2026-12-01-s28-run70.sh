#!/bin/bash
# Session 28, call 5 (closing): bench:edit's whole edits with the pipelined attention 'auto' (the
# default) and off, each in a fresh home; then bench:repeatability in fresh homes (mixed orders, where
# a first recorded edit differed from its later ones): at which step the two edits part, and whether
# their automatic masks differ.
[ -f .gpu/tok.xz ] && xz -dc .gpu/tok.xz > .gpu/fixtures/tiny-sd2/tokenizer/tokenizer.json
[ -f .gpu/masks.xz ] && mkdir -p .gpu/data && xz -dc .gpu/masks.xz > .gpu/data/masks-dev-300.bin
source .gpu/env.sh && export OUT && mkdir -p /tmp/logs
for v in auto off; do
  FISEDIT_HOME=/tmp/fh70-$v BENCH_TAG=s28-whole-$v BENCH_WGMMA_PIPELINE=$v BENCH_PARTS=whole BENCH_PREPARE=on timeout 150 node --expose-gc dist/bench/edit.js > /tmp/logs/edit-whole-$v.log 2>&1
  echo "whole $v:"; node dist/bench/whole-edits-summary.js /tmp/logs/edit-whole-$v.log | cut -c1-400
done
d() { FISEDIT_HOME=/tmp/fh-$RANDOM$RANDOM BENCH_ORDER=$1 BENCH_TAG=rep$2-$1 timeout 40 node --expose-gc dist/bench/repeatability.js > /tmp/logs/rep$2-$1.log 2>&1; grep -E 'its replay [0-9]|rror' /tmp/logs/rep$2-$1.log | cut -c1-300; }
for i in 1 2 3 4 5; do d on,off,on $i; d off,on,off $i; done
echo "backends: $(cat /tmp/logs/rep*.log | grep -c "^backend [0-9] (") recorded edits differing from their replay: $(cat /tmp/logs/rep*.log | grep -c "its replay [0-9]")"
cd $OUT && mkdir -p j && mv $OUT/*.json j/ 2>/dev/null; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j
