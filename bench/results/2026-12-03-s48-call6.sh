#!/bin/bash
# Session 48, call 6. Call 5's rule (an index lent from at most an octave away) changed nothing: before
# any index is lent, a new family borrows the algorithm the process runs for a family up to
# ALGORITHM_LENDING_OCTAVES away, and the ~5% step's 76-row 1280 x 11520 convolutions took the dense
# 12 x 12 map's 288-row kernel (two octaves), its 40-row ones that in turn: 33 us a GEMM in both
# builds, 16.6 after the server's warm-up. Now algorithms too are lent from one octave away at most.
# bench:edit's bins and probe in a fresh process, a501a11 (ab-base) against the working tree,
# alternating twice in one home (the mean sparse step of each bin's first edit too: a kernel loaded
# for the first time costs host time there); then the GPU suite.
# Carry [".gpu","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-setup.sh
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
ops() { node -e '
const l = require("fs").readFileSync(process.argv[1], "utf8").split("\n").find((s) => s.startsWith("sparse step profile"));
if (!l) { console.log("no profile"); process.exit(0); }
const ops = JSON.parse(l.slice(l.indexOf("[")));
const gemm = ops.filter((o) => o.op.startsWith("gemm ")), sum = gemm.reduce((a, o) => a + o.ms, 0);
console.log(`gemms ${(1000 * sum).toFixed(0)}us x${gemm.reduce((a, o) => a + o.count, 0)};`, ops.filter((o) => /x1280x(11520|23040)/.test(o.op)).map((o) => `${o.op.replace("gemm linear/conv ", "")} ${(1000 * o.ms / o.count).toFixed(1)}us x${o.count}`).join("; "));' $1; }
e() { local tag=$1 dir=$2 home=$3
  FISEDIT_HOME=$home BENCH_TAG=s48c6-$tag BENCH_PARTS=bins,probe timeout -k 5 200 node --expose-gc $dir/bench/edit.js > /tmp/logs/edit-$tag.log 2>&1; local rc=$?
  echo "edit $tag ($(( $(date +%s) - T0 )) s): rc $rc bins $(grep -o '"editSize":[0-9.]*,"sparseStepMs":[0-9.]*' /tmp/logs/edit-$tag.log | sed 's/"editSize"://; s/"sparseStepMs"://' | tr '\n' ' ')"
  echo "  mean sparse step of the first edit $(grep -o '"meanSparseStepMs":[0-9.]*' /tmp/logs/edit-$tag.log | cut -d: -f2 | tr '\n' ' ')"
  echo "  $(ops /tmp/logs/edit-$tag.log)"
  [ $rc = 0 ] || tail -5 /tmp/logs/edit-$tag.log | cut -c1-300; save; }
for r in 1 2; do e base-$r ab-base/dist /tmp/fh-ab; e new-$r dist /tmp/fh-ab; done
FISEDIT_HOME=/tmp/fh-suite timeout -k 10 150 node --test --test-reporter=spec dist/test/gpu/*.test.js > /tmp/logs/test-gpu.log 2>&1
echo "suite ($(( $(date +%s) - T0 )) s): $(grep -E '^ℹ (pass|fail)' /tmp/logs/test-gpu.log | tr '\n' ' ')"; grep -E '^✖' /tmp/logs/test-gpu.log | cut -c1-300 | head -5; save
echo "done ($(( $(date +%s) - T0 )) s)"
