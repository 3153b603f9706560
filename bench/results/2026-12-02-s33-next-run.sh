#!/bin/bash
# For session 34's first device call (written in session 33, not run): the GPU suite on the code as
# session 33 left it, the U-Net at 512, 768 and 1024 px (1024's 16384-token self-attentions now split
# their short last wave: 1691 against 1725 us alone in session 33's call 5, not yet measured in a
# U-Net call), and bench:edit's bins and whole edits for the README's table. Not in it, for an A/B:
# …-s33-pipe-spill-untested.diff (k_flash_wg64_pipe recomputing its block's Work where it writes,
# through a function not inlined: 252 registers and no spill against 255 and 12 bytes; checked with
# nvcc -Xptxas -v only), which may give back 256 rows over 9216 keys' 29 us (30.5-31.6 since the spill).
# Before: bench/device-dist.sh. Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
source bench/gpu-suite.sh
FISEDIT_HOME=/tmp/fh-u BENCH_TAG=s34-unet BENCH_MATH=fp16 timeout 200 node dist/bench/unet.js > /tmp/logs/unet.log 2>&1; rc=$?
echo "unet ($(( $(date +%s) - T0 )) s): rc $rc $(grep -o '"px":[0-9]*\|"msPerCall":[0-9.]*\|"msMin":[0-9.]*' /tmp/logs/unet.log | cut -d: -f2 | tr '\n' ' ')"
FISEDIT_HOME=/tmp/fh-e BENCH_TAG=s34-edit BENCH_PARTS=bins,whole BENCH_PREPARE=on timeout 150 node --expose-gc dist/bench/edit.js > /tmp/logs/edit.log 2>&1
echo "edit ($(( $(date +%s) - T0 )) s): $(grep -o '"editSize":[0-9.]*,"sparseStepMs":[0-9.]*' /tmp/logs/edit.log | sed 's/"editSize"://; s/"sparseStepMs"://' | tr '\n' ' ')"
node dist/bench/whole-edits-summary.js /tmp/logs/edit.log | tr '|' '\n' | sed 's/, recordings.*//; s/^.*log: //' | grep -E 'masked ~|^ ?2 ' | tr '\n' '|' | cut -c1-700; echo
cd $OUT && mkdir -p j && mv $OUT/*.json j/ 2>/dev/null; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j
