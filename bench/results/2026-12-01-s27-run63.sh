#!/bin/bash
# Session 27: while the user waits, a new GEMM family runs the algorithm of the same shapes within two
# octaves (no heuristic, kernels loaded). ab-base = aed30d2 (an index into the shape's own heuristic list).
# The GPU suite, then whole edits A/B twice (fresh homes).
xz -dc .gpu/tok.xz > .gpu/fixtures/tiny-sd2/tokenizer/tokenizer.json; xz -dc .gpu/masks.xz > .gpu/data/masks-dev-300.bin
source .gpu/env.sh && export OUT=$OUT
mkdir -p /tmp/logs
FISEDIT_HOME=/tmp/fh63-suite timeout 150 node --test --test-reporter=spec dist/test/gpu/*.test.js > /tmp/logs/test-gpu.log 2>&1; echo "rc $?" >> /tmp/logs/test-gpu.log
echo "suite: $(grep -E '^ℹ (pass|fail)' /tmp/logs/test-gpu.log | tr '\n' ' ')"; grep -E "^✖|differ:" /tmp/logs/test-gpu.log | cut -c1-1500 | head -6
summary() { node -e '
  const lines = require("fs").readFileSync(process.argv[1], "utf8").split("\n").filter((l) => l.startsWith("whole 50-step edit:"));
  console.log(lines.map((l) => { const j = JSON.parse(l.slice(l.indexOf("{"))); const c = j.hostCosts, ms = (k) => c[k] ? c[k].ms : 0; return `${j.round}${j.bin ? " " + j.bin : ""} ${(j.editSize * 100).toFixed(1)}%: ${j.wallS} s first ${j.firstSparseStepMs} (heur ${ms("cuBLASLt heuristic")} 1st mm ${ms("cuBLASLt first matmul")}) later ${j.laterSparse.gpuMsPerStep}`; }).join(" | "));' "$1"; }
for r in 1 2; do
for v in base new; do
  d=dist; [ $v = base ] && d=ab-base/dist
  FISEDIT_HOME=/tmp/fh63-$v$r BENCH_TAG=s27-algo-$v$r BENCH_PARTS=whole BENCH_PREPARE=on timeout 120 node --expose-gc $d/bench/edit.js > /tmp/logs/edit-$v$r.log 2>&1
  echo "edit $v$r: $(summary /tmp/logs/edit-$v$r.log)"
done
done
cd $OUT && mkdir -p j && mv $OUT/*.json j/ 2>/dev/null; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j
