#!/bin/bash
# Session 48, call 3. Call 2's sweep set the family of 257-512 rows (dense 12 x 12 maps), but a ~5%
# step's 12 x 12 convolutions are 40 rows (20 active positions x 2), octave 64: the sweep changed
# nothing those steps run (its bins are a measure of the spread between processes). Here the
# families 1280 x {64, 128} x 11520 (40 and 76 rows) are set to each of their 8 candidates in turn and
# bench:edit's probe (BENCH_PARTS=probe: a ~5% step replayed with an event after each op) prints what
# those GEMMs take inside the step; bench:gemm first, the same shapes in graphs of 20, cold weights.
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-setup.sh
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
BENCH_TAG=s48c3 BENCH_COLD=on BENCH_SHAPES=40x1280x11520,76x1280x11520,40x1280x23040 timeout -k 5 100 node dist/bench/gemm.js > /tmp/logs/gemm.log 2>&1
echo "gemm ($(( $(date +%s) - T0 )) s): rc $?"; grep -o '"rows".*"candidateSplits":[^]]*]' /tmp/logs/gemm.log | cut -c1-260; save
H=/tmp/fh-p
ops() { node -e '
const l = require("fs").readFileSync(process.argv[1], "utf8").split("\n").find((s) => s.startsWith("sparse step profile"));
if (!l) { console.log("no profile"); process.exit(0); }
const ops = JSON.parse(l.slice(l.indexOf("[")));
console.log(l.slice(0, l.indexOf(":")).replace(/.*\), /, ""), ops.filter((o) => /x1280x(11520|23040)/.test(o.op)).map((o) => `${o.op.replace("gemm linear/conv ", "")} ${(1000 * o.ms / o.count).toFixed(1)}us x${o.count}`).join("; "));' $1; }
p() { local tag=$1
  FISEDIT_HOME=$H BENCH_TAG=s48c3-$tag BENCH_PARTS=probe timeout -k 5 120 node --expose-gc dist/bench/edit.js > /tmp/logs/probe-$tag.log 2>&1; local rc=$?
  echo "probe $tag ($(( $(date +%s) - T0 )) s): rc $rc $(ops /tmp/logs/probe-$tag.log)"
  [ $rc = 0 ] || tail -5 /tmp/logs/probe-$tag.log | cut -c1-300; save; }
# sets (or with no index prints) the choice of the families ta,tb,1280,{64,128},11520,...
pick() { node -e '
const fs = require("fs"), f = process.argv[1], all = JSON.parse(fs.readFileSync(f, "utf8"));
for (const [m, fams] of Object.entries(all)) for (const k of Object.keys(fams)) {
  if (!/^\d+,\d+,1280,(64|128),(11520|23040),/.test(k)) continue;
  if (process.argv[2] !== undefined && /,11520,/.test(k)) fams[k] = Number(process.argv[2]);
  console.log(m.slice(-40), k, fams[k]);
}
fs.writeFileSync(f, JSON.stringify(all));' $H/cublaslt-choices.json $1; }
p trials
pick | tee /tmp/logs/trials-pick.log
cp $H/cublaslt-choices.json /tmp/logs/choices-trials.json
for i in 0 1 2 3 4 5 6 7; do pick $i > /dev/null; p pick$i; done
echo "done ($(( $(date +%s) - T0 )) s)"
