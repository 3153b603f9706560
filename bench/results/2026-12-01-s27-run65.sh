#!/bin/bash
# Session 27's closing run at HEAD: the GPU suite, then bench:edit's whole edits in a fresh home.
xz -dc .gpu/tok.xz > .gpu/fixtures/tiny-sd2/tokenizer/tokenizer.json; xz -dc .gpu/masks.xz > .gpu/data/masks-dev-300.bin
source .gpu/env.sh && export OUT=$OUT
mkdir -p /tmp/logs
FISEDIT_HOME=/tmp/fh65-suite timeout 150 node --test --test-reporter=spec dist/test/gpu/*.test.js > /tmp/logs/test-gpu.log 2>&1; echo "rc $?" >> /tmp/logs/test-gpu.log
echo "suite: $(grep -E '^ℹ (pass|fail)' /tmp/logs/test-gpu.log | tr '\n' ' ')"; grep -E "^✖" /tmp/logs/test-gpu.log | cut -c1-300 | head -6
FISEDIT_HOME=/tmp/fh65 BENCH_TAG=s27-end BENCH_PARTS=whole BENCH_PREPARE=on timeout 120 node --expose-gc dist/bench/edit.js > /tmp/logs/edit-end.log 2>&1
node -e '
  const lines = require("fs").readFileSync("/tmp/logs/edit-end.log", "utf8").split("\n").filter((l) => l.startsWith("whole 50-step edit:"));
  console.log(lines.map((l) => { const j = JSON.parse(l.slice(l.indexOf("{"))); return `${j.round}${j.bin ? " " + j.bin : ""} ${(j.editSize * 100).toFixed(1)}%: ${j.wallS} s first ${j.firstSparseStepMs} later ${j.laterSparse.gpuMsPerStep}`; }).join(" | "));'
cd $OUT && mkdir -p j && mv $OUT/*.json j/ 2>/dev/null; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j
