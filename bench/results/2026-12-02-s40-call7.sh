#!/bin/bash
# Session 40 call 7: call 6's one-barrier trial (FISEDIT_TRIAL_ONE_BARRIER) on sparse steps: bench:edit's
# bins, 0 / 1 alternating in one home (k_flash_wg64 runs the sparse self-attentions of more than one wave).
# Before: bash bench/device-dist.sh --benches edit .gpu. Carry as call 6.
T0=$(date +%s)
[ -f .gpu/tok.xz ] && xz -dc .gpu/tok.xz > .gpu/fixtures/tiny-sd2/tokenizer/tokenizer.json
find .gpu/fixtures -name '*.xz' -exec xz -d {} +
[ -f .gpu/masks.xz ] && mkdir -p .gpu/data && xz -dc .gpu/masks.xz > .gpu/data/masks-dev-300.bin
source .gpu/env.sh && export OUT
rm -rf /tmp/logs; mkdir -p /tmp/logs
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
e() { FISEDIT_TRIAL_ONE_BARRIER=$1 FISEDIT_HOME=/tmp/fh-e BENCH_TAG=s40c7-bins-$1-$2 BENCH_PARTS=bins timeout 100 node --expose-gc dist/bench/edit.js > /tmp/logs/s40c7-edit-$1-$2.log 2>&1; rc=$?
  echo "edit bins one barrier $1 ($2, $(( $(date +%s) - T0 )) s): rc $rc $(grep -o '"editSize":[0-9.]*,"sparseStepMs":[0-9.]*' /tmp/logs/s40c7-edit-$1-$2.log | sed 's/"editSize"://; s/"sparseStepMs"://' | tr '\n' ' ')"; save; }
e 0 1; e 1 1; e 0 2
