#!/bin/bash
# Session 27: borrowing from the nearest known octave (ab-base = dfa1bf5, borrowing from the next octave only)
# whole edits A/B twice (fresh homes; the new build adds the 'masked again' round), then a host profile
# of the new build's whole edits, summarised for the sparse steps' recordings.
xz -dc .gpu/tok.xz > .gpu/fixtures/tiny-sd2/tokenizer/tokenizer.json
source .gpu/env.sh && export OUT=$OUT
mkdir -p /tmp/logs /tmp/prof
summary() { node -e '
  const lines = require("fs").readFileSync(process.argv[1], "utf8").split("\n").filter((l) => l.startsWith("whole 50-step edit:"));
  console.log(lines.map((l) => { const j = JSON.parse(l.slice(l.indexOf("{"))); return `${j.round}${j.bin ? " " + j.bin : ""} ${(j.editSize * 100).toFixed(1)}%: ${j.wallS} s first ${j.firstSparseStepMs} later ${j.laterSparse.gpuMsPerStep}${j.hostCosts["cuDNN timing trials"] || j.hostCosts["cuBLASLt timing trials"] ? " TRIALS" : ""}`; }).join(" | "));' "$1"; }
for r in 1 2; do
for v in base new; do
  d=dist; [ $v = base ] && d=ab-base/dist
  FISEDIT_HOME=/tmp/fh61-$v$r BENCH_TAG=s27-nearest-$v$r BENCH_PARTS=whole BENCH_PREPARE=on timeout 120 node --expose-gc $d/bench/edit.js > /tmp/logs/edit-$v$r.log 2>&1
  echo "edit $v$r: $(summary /tmp/logs/edit-$v$r.log)"
done
done
FISEDIT_HOME=/tmp/fh61-prof BENCH_TAG=s27-prof BENCH_PARTS=whole BENCH_PREPARE=on timeout 150 node --cpu-prof --cpu-prof-dir=/tmp/prof --cpu-prof-interval 100 --expose-gc dist/bench/edit.js > /tmp/logs/edit-prof.log 2>&1
echo "edit prof: $(summary /tmp/logs/edit-prof.log)"
p=$(ls /tmp/prof/*.cpuprofile | head -1)
node dist/bench/cpu-profile-summary.js $p "run src/edit/cached-steps.js:134" "capture src/backend/cuda/replays.js" > /tmp/logs/prof-sparse-capture.txt
head -45 /tmp/logs/prof-sparse-capture.txt
gzip -c $p > $OUT/s27-edit-prof.cpuprofile.gz
cd $OUT && mkdir -p j && mv $OUT/*.json j/ 2>/dev/null; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j
