#!/bin/bash
# Session 35, call 3 (made from session 34's call-7 script, run on the machine call 2 left warm): the
# code after call 2 (the sparse kernels look up the plan before they wait; k_layer_norm_vw over few
# rows). The GPU suite (with the new check of layerNorm's two vector builds, bit for bit);
# bench:attention's dense shapes twice; bench:unet at 512, 768 and 1024 px; bench:edit's bins and
# whole edits (after prepareEdits) for the README.
# Before: bench/device-dist.sh. Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
source bench/gpu-suite.sh
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
save
a() { FISEDIT_HOME=/tmp/fh-a BENCH_TAG=s35c3-dense-$1 timeout 90 node dist/bench/attention.js > /tmp/logs/c3-attention-dense-$1.log 2>&1
  echo "attention dense $1 ($(( $(date +%s) - T0 )) s): rc $? $(grep -o '"us":[0-9.]*' /tmp/logs/c3-attention-dense-$1.log | cut -d: -f2 | tr '\n' ' ')"; }
a 1; a 2
save
FISEDIT_HOME=/tmp/fh-u BENCH_TAG=s35-unet BENCH_MATH=fp16 timeout 200 node dist/bench/unet.js > /tmp/logs/c3-unet.log 2>&1; rc=$?
echo "unet ($(( $(date +%s) - T0 )) s): rc $rc $(grep -o '"px":[0-9]*\|"msPerCall":[0-9.]*\|"msMin":[0-9.]*' /tmp/logs/c3-unet.log | cut -d: -f2 | tr '\n' ' ')"
save
FISEDIT_HOME=/tmp/fh-e BENCH_TAG=s35-final BENCH_PARTS=bins,whole BENCH_PREPARE=on timeout 110 node --expose-gc dist/bench/edit.js > /tmp/logs/c3-edit.log 2>&1
echo "edit ($(( $(date +%s) - T0 )) s): $(grep -o '"editSize":[0-9.]*,"sparseStepMs":[0-9.]*' /tmp/logs/c3-edit.log | sed 's/"editSize"://; s/"sparseStepMs"://' | tr '\n' ' ') $(grep -o 'rror.*' /tmp/logs/c3-edit.log | head -1)"
node dist/bench/whole-edits-summary.js /tmp/logs/c3-edit.log | tr '|' '\n' | sed 's/, recordings.*//; s/^.*log: //' | grep -E 'masked ~|^ ?2 ' | tr '\n' '|' | cut -c1-900; echo
grep '"round":"masked' /tmp/logs/c3-edit.log | head -3 | grep -o '"bin":"[^"]*"\|"laterSparse":{[^}]*}[^}]*}' | tr '\n' ' '; echo
save
