#!/bin/bash
# Session 28, call 3: does a fresh process's first recorded edit on a backend with dependent launches
# differ from its later edits at def4d41 (before the attention kernels' rebuild) too? diag-pdl.mjs
# in fresh homes, base (ab-base = def4d41) and HEAD alternating; then HEAD with heuristic algorithms.
[ -f .gpu/tok.xz ] && xz -dc .gpu/tok.xz > .gpu/fixtures/tiny-sd2/tokenizer/tokenizer.json
source .gpu/env.sh && export OUT && mkdir -p /tmp/logs
d() { echo "== $1 $2 ${OPTS:-}"; FISEDIT_HOME=/tmp/fh-$RANDOM$RANDOM DIST=$1 timeout 60 node .gpu/diag-pdl.mjs $2 2>&1 | grep -E "^runs|^run [0-9]+:|rror" | cut -c1-300; }
for r in 1 2 3; do d ab-base/dist on,on; d dist on,on; done
d ab-base/dist off,off; d dist off,off
OPTS='{"gemmAlgorithms":"heuristic","cudnnEngines":"heuristic"}' d dist on,on
OPTS='{"gemmAlgorithms":"heuristic","cudnnEngines":"heuristic"}' d dist on,on
OPTS='{"cudnnEngines":"heuristic"}' d dist on,on
OPTS='{"gemmAlgorithms":"heuristic"}' d dist on,on
