#!/bin/bash
# Session 34, call 2: the GPU suite on the wgmma attention with partials for its split query blocks
# only ([parts][split query blocks][64 rows] x 64 floats, write_rows; k_flash_combine reads them so)
# and k_flash_wg64_pipe without its spill; bench:attention's sparse shapes twice (against call 1's
# cb9d347 runs: with .gpu and an ab-base the carry was 66,344 KiB, over the limit); bench:edit bins,whole, its whole edits now reporting the host's time
# in cuGraphLaunch inside the later sparse steps (graphLaunchMsPerStep).
# Before: bench/device-dist.sh. Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
source bench/gpu-suite.sh
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
save
a() { FISEDIT_HOME=/tmp/fh-a BENCH_ATTENTION_SHAPES=sparse BENCH_TAG=s34-sparse-$1$2 timeout 60 node $3/bench/attention.js > /tmp/logs/attention-$1$2.log 2>&1
  echo "attention $1$2 ($(( $(date +%s) - T0 )) s): rc $? $(grep -o '"us":[0-9.]*' /tmp/logs/attention-$1$2.log | cut -d: -f2 | tr '\n' ' ')"; }
a new 1 dist; a new 2 dist
save
FISEDIT_HOME=/tmp/fh-e BENCH_TAG=s34-edit2 BENCH_PARTS=bins,whole BENCH_PREPARE=on timeout 110 node --expose-gc dist/bench/edit.js > /tmp/logs/edit2.log 2>&1
echo "edit ($(( $(date +%s) - T0 )) s): $(grep -o '"editSize":[0-9.]*,"sparseStepMs":[0-9.]*' /tmp/logs/edit2.log | sed 's/"editSize"://; s/"sparseStepMs"://' | tr '\n' ' ') $(grep -o 'rror.*' /tmp/logs/edit2.log | head -1)"
grep '"round":"masked' /tmp/logs/edit2.log | grep -o '"bin":"[^"]*"\|"wallS":[0-9.]*\|"laterSparse":{[^}]*}[^}]*}' | tr '\n' ' ' | cut -c1-2500; echo
save
