#!/bin/bash
# Session 28, call 6: whole edits with the pipelined attention off and 'auto', alternating, each in
# a fresh home (call 5 had auto's first sparse steps 10-25 ms longer in one process of each).
[ -f .gpu/tok.xz ] && xz -dc .gpu/tok.xz > .gpu/fixtures/tiny-sd2/tokenizer/tokenizer.json
[ -f .gpu/masks.xz ] && mkdir -p .gpu/data && xz -dc .gpu/masks.xz > .gpu/data/masks-dev-300.bin
source .gpu/env.sh && export OUT && mkdir -p /tmp/logs
for r in 1 2; do for v in off auto; do
  FISEDIT_HOME=/tmp/fh71-$v$r BENCH_TAG=s28-whole-$v$r BENCH_WGMMA_PIPELINE=$v BENCH_PARTS=whole BENCH_PREPARE=on timeout 80 node --expose-gc dist/bench/edit.js > /tmp/logs/edit-whole-$v$r.log 2>&1
  node dist/bench/whole-edits-summary.js /tmp/logs/edit-whole-$v$r.log | sed 's/ | /\n   /g' | grep -E "log:|masked"
done; done
cd $OUT && mkdir -p j && mv $OUT/*.json j/ 2>/dev/null; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j
