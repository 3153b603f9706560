#!/bin/bash
# Session 48, call 2: call 1's census had cuBLASLt's nvjet 128x80 split-K for the family of
# 288 x 1280 x 11520 (a 768 px step's 12 x 12 convolutions, 20 a step) at 27.9 us a launch alone,
# where session 36's had 128x96 at 16.2: which of the family's candidates is fastest inside a step?
# bench:gemm on its shapes with cold weights (each candidate in graphs of 20); then bench:edit's bins
# in one home with the trials' choice, and with the family's choice set by hand to each of its 8
# candidates in turn (the choices file, cublaslt-choices.json), then the trials' pick and the best
# of the sweep alternating twice more.
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-setup.sh
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
BENCH_TAG=s48c2 BENCH_COLD=on BENCH_SHAPES=288x1280x11520,152x1280x11520,288x1280x23040 timeout -k 5 100 node dist/bench/gemm.js > /tmp/logs/gemm.log 2>&1
echo "gemm ($(( $(date +%s) - T0 )) s): rc $?"; grep -o '"rows".*"candidateSplits":[^]]*]' /tmp/logs/gemm.log | cut -c1-260; save
H=/tmp/fh-s
e() { local tag=$1
  FISEDIT_HOME=$H BENCH_TAG=s48c2-$tag BENCH_PARTS=bins timeout -k 5 120 node --expose-gc dist/bench/edit.js > /tmp/logs/edit-$tag.log 2>&1; local rc=$?
  echo "edit $tag ($(( $(date +%s) - T0 )) s): rc $rc bins $(grep -o '"editSize":[0-9.]*,"sparseStepMs":[0-9.]*' /tmp/logs/edit-$tag.log | sed 's/"editSize"://; s/"sparseStepMs"://' | tr '\n' ' ')"
  [ $rc = 0 ] || tail -5 /tmp/logs/edit-$tag.log | cut -c1-300; save; }
# sets (or with no index prints) the choice of the families ta,tb,1280,512,11520,...
pick() { node -e '
const fs = require("fs"), f = process.argv[1], all = JSON.parse(fs.readFileSync(f, "utf8"));
for (const [m, fams] of Object.entries(all)) for (const k of Object.keys(fams)) {
  if (!/^\d+,\d+,1280,512,11520,/.test(k)) continue;
  if (process.argv[2] !== undefined) fams[k] = Number(process.argv[2]);
  console.log(m.slice(-40), k, fams[k]);
}
fs.writeFileSync(f, JSON.stringify(all));' $H/cublaslt-choices.json $1; }
e trials
pick | tee /tmp/logs/trials-pick.log
cp $H/cublaslt-choices.json /tmp/logs/choices-trials.json
for i in 0 1 2 3 4 5 6 7; do pick $i > /dev/null; e pick$i; done
echo "done ($(( $(date +%s) - T0 )) s)"
