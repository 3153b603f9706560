#!/bin/bash
# Session 48, call 5. While the user waits, a GEMM family without a choice of its own borrows an
# index into its heuristic list only from a family at most one octave of rows away
# (cublaslt.ts INDEX_LENDING_OCTAVES), else takes the heuristic's first, untimed (call 4: the ~5%
# step's 40- and 76-row 1280 x 11520 families, lent index 1 by the 288-row one, 20.3 / 21.0 us a
# GEMM against 16.3 / 16.6 with their own choice, index 0). The GPU suite; then bench:edit's bins and
# probe in a fresh process (no warm-up), a501a11 (ab-base) against the working tree, alternating
# twice in one home; last the working tree after the server's warm-up (BENCH_PREPARE=warm-up), a
# home of its own, for the figures with every family timed.
# Carry [".gpu","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-suite.sh
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
save
grep -q '^ℹ fail 0' /tmp/logs/test-gpu.log || { echo "suite failed: stopping"; exit 0; }
ops() { node -e '
const l = require("fs").readFileSync(process.argv[1], "utf8").split("\n").find((s) => s.startsWith("sparse step profile"));
if (!l) { console.log("no profile"); process.exit(0); }
const ops = JSON.parse(l.slice(l.indexOf("[")));
const gemm = ops.filter((o) => o.op.startsWith("gemm ")), sum = gemm.reduce((a, o) => a + o.ms, 0);
console.log(`gemms ${(1000 * sum).toFixed(0)}us x${gemm.reduce((a, o) => a + o.count, 0)};`, ops.filter((o) => /x1280x(11520|23040)/.test(o.op)).map((o) => `${o.op.replace("gemm linear/conv ", "")} ${(1000 * o.ms / o.count).toFixed(1)}us x${o.count}`).join("; "));' $1; }
e() { local tag=$1 dir=$2 home=$3 prep=$4
  FISEDIT_HOME=$home BENCH_PREPARE=$prep BENCH_TAG=s48c5-$tag BENCH_PARTS=bins,probe timeout -k 5 200 node --expose-gc $dir/bench/edit.js > /tmp/logs/edit-$tag.log 2>&1; local rc=$?
  echo "edit $tag ($(( $(date +%s) - T0 )) s): rc $rc bins $(grep -o '"editSize":[0-9.]*,"sparseStepMs":[0-9.]*' /tmp/logs/edit-$tag.log | sed 's/"editSize"://; s/"sparseStepMs"://' | tr '\n' ' ')"
  echo "  $(ops /tmp/logs/edit-$tag.log)"
  [ $rc = 0 ] || tail -5 /tmp/logs/edit-$tag.log | cut -c1-300; save; }
for r in 1 2; do e base-$r ab-base/dist /tmp/fh-ab none; e new-$r dist /tmp/fh-ab none; done
e warm dist /tmp/fh-warm warm-up
echo "done ($(( $(date +%s) - T0 )) s)"
