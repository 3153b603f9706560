#!/bin/bash
# Sourced first by a device call's script (bench/results/*.sh), in the repository root on the GPU
# machine: unpacks what .gpu carries compressed (the tokenizer, masks-dev-300 when carried as
# .gpu/masks.xz, fixture files carried as .xz beside where they belong: the 64 MiB limit), sets up
# Node.js and the CUDA libraries (.gpu/env.sh, from ../shared/device/prepare.sh), exports OUT, makes
# /tmp/logs and defines save. A call that runs the GPU suite sources bench/gpu-suite.sh instead, which sources this.
[ -f .gpu/tok.xz ] && xz -dc .gpu/tok.xz > .gpu/fixtures/tiny-sd2/tokenizer/tokenizer.json
find .gpu/fixtures -name '*.xz' -exec xz -d {} +
[ -f .gpu/masks.xz ] && mkdir -p .gpu/data && xz -dc .gpu/masks.xz > .gpu/data/masks-dev-300.bin
source .gpu/env.sh && export OUT
mkdir -p /tmp/logs
# save: what the call has so far into $OUT/all.tgz (/tmp/logs, and the JSON the benches wrote to $OUT,
# moved to j/), so that a call cut short by its time limit still brings back what ran. Call it after
# each step. (Call scripts before session 50 defined it themselves.)
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
# suite: the GPU suite into /tmp/logs/test-gpu.log with a home of its own, printing its pass and fail
# counts (and the seconds since T0 where the script set it) and any failure, then save. bench/gpu-suite.sh
# runs it first; a call that runs it last, if time is left, calls it. (Call scripts up to session 55
# wrote it out.) It runs package.json's test:gpu line as npm would (sh -c; the machine has node, no
# npm): the test/gpu files side by side, then the out-of-memory case alone, which fills the GPU; both
# runs' counts are printed. Limit 330 s: the files took 96-102 s side by side (session 68 call 5,
# session 69 call 3), 212 s one at a time (session 68 call 4).
suite() {
  FISEDIT_HOME=/tmp/fh-suite timeout -k 10 330 sh -c "$(node -p "require('./package.json').scripts['test:gpu']")" > /tmp/logs/test-gpu.log 2>&1
  echo "rc $?" >> /tmp/logs/test-gpu.log
  echo "suite${T0:+ ($(( $(date +%s) - T0 )) s)}: $(grep -E '^ℹ (pass|fail)' /tmp/logs/test-gpu.log | tr '\n' ' ')"
  grep -E '^✖' /tmp/logs/test-gpu.log | cut -c1-400 | head -8
  save; }
