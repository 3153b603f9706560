#!/bin/bash
# Session 48, call 4. The GPU suite on the session's code: checkLinear (linear's and k_gemm_geglu's
# bias, residual and weight checked against the input; new refusals tested) and session 47's
# review (runGegluKernel after one gegluKernelRefuses, not run on a GPU before). Then bench:edit's
# bins and probe as a fresh process has them (the sparse steps' GEMM families take a choice lent by
# a dense family: call 3 found none of their own in the choices file) against BENCH_PREPARE=warm-up
# (EditSession.warmUp first, as the server does at start: prepareEdits' rehearsals time those
# families), a home each, alternating twice; the probe's per-op GEMM times of 1280 x 11520 / 23040.
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
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
e() { local tag=$1 home=$2 prep=$3
  FISEDIT_HOME=$home BENCH_PREPARE=$prep BENCH_TAG=s48c4-$tag BENCH_PARTS=bins,probe timeout -k 5 200 node --expose-gc dist/bench/edit.js > /tmp/logs/edit-$tag.log 2>&1; local rc=$?
  echo "edit $tag ($(( $(date +%s) - T0 )) s): rc $rc bins $(grep -o '"editSize":[0-9.]*,"sparseStepMs":[0-9.]*' /tmp/logs/edit-$tag.log | sed 's/"editSize"://; s/"sparseStepMs"://' | tr '\n' ' ')"
  echo "  $(ops /tmp/logs/edit-$tag.log)"
  [ $rc = 0 ] || tail -5 /tmp/logs/edit-$tag.log | cut -c1-300; save; }
for r in 1 2; do e plain-$r /tmp/fh-plain none; e warm-$r /tmp/fh-warm warm-up; done
node -e 'const all = JSON.parse(require("fs").readFileSync("/tmp/fh-warm/cublaslt-choices.json", "utf8")); for (const f of Object.values(all)) console.log("warm home families:", Object.keys(f).length, Object.entries(f).filter(([k]) => /,1280,\d+,(11520|23040),/.test(k)).map(([k, v]) => k.split(",").slice(2, 5).join("x") + (k.endsWith(",C") ? "+C" : "") + ":" + v).join(" "))'
echo "done ($(( $(date +%s) - T0 )) s)"
