#!/bin/bash
# Session 27: HostCosts says what the longest call of a kind and the borrowed choices were about.
# The GPU suite; bench:edit's probe (the ~5% sparse step's event profile) and whole edits in a fresh
# home; the whole edits again in a second process with that home (what a restarted server meets).
xz -dc .gpu/tok.xz > .gpu/fixtures/tiny-sd2/tokenizer/tokenizer.json
source .gpu/env.sh && export OUT=$OUT
mkdir -p /tmp/logs
FISEDIT_HOME=/tmp/fh62-suite timeout 150 node --test --test-reporter=spec dist/test/gpu/*.test.js > /tmp/logs/test-gpu.log 2>&1; echo "rc $?" >> /tmp/logs/test-gpu.log
echo "suite: $(grep -E '^ℹ (pass|fail)' /tmp/logs/test-gpu.log | tr '\n' ' ')"; grep -E "^✖|differ:" /tmp/logs/test-gpu.log | cut -c1-1500 | head -6
summary() { node -e '
  const lines = require("fs").readFileSync(process.argv[1], "utf8").split("\n").filter((l) => l.startsWith("whole 50-step edit:"));
  console.log(lines.map((l) => { const j = JSON.parse(l.slice(l.indexOf("{"))); return `${j.round}${j.bin ? " " + j.bin : ""} ${(j.editSize * 100).toFixed(1)}%: ${j.wallS} s first ${j.firstSparseStepMs} later ${j.laterSparse.gpuMsPerStep}`; }).join(" | "));' "$1"; }
FISEDIT_HOME=/tmp/fh62 BENCH_TAG=s27-detail1 BENCH_PARTS=probe,whole BENCH_PREPARE=on timeout 200 node --expose-gc dist/bench/edit.js > /tmp/logs/edit-detail1.log 2>&1
echo "edit detail1: $(summary /tmp/logs/edit-detail1.log)"
FISEDIT_HOME=/tmp/fh62 BENCH_TAG=s27-detail2 BENCH_PARTS=whole BENCH_PREPARE=on timeout 120 node --expose-gc dist/bench/edit.js > /tmp/logs/edit-detail2.log 2>&1
echo "edit detail2: $(summary /tmp/logs/edit-detail2.log)"
cp /tmp/fh62/*.json /tmp/logs/ 2>/dev/null
cd $OUT && mkdir -p j && mv $OUT/*.json j/ 2>/dev/null; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j
