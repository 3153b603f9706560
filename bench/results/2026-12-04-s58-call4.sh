#!/bin/bash
# Session 58 call 4: call 3's scopes (each U-Net block in a tidy scope of its own) and the VAE's
# (each resnet, sampler and level of the encoder and decoder in one: models/vae.ts levelForward),
# against 3df9018 (ab-base). Here first: bash bench/ab-base.sh 3df9018 && bash bench/device-dist.sh --benches edit .gpu ab-base
# Carry [".gpu","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
# 1. The GPU suite (generations and edits, decoded, on the cuda backend against the cpu's and the
# goldens). 2. Whole edits, base and new (wall s, decode in them), then bench:edit's bins (the
# recorded graphs' memory, recordingsGiB), base and new.
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-suite.sh
CALL=s58c4
source bench/gpu-edit.sh
whole whole-base ab-base/dist; whole whole-new dist
grep -o '"decodeMs":[0-9]*' /tmp/logs/whole-whole-base.log | tr '\n' ' '; echo "(base decode)"
grep -o '"decodeMs":[0-9]*' /tmp/logs/whole-whole-new.log | tr '\n' ' '; echo "(new decode)"
for t in base new; do
  [ $(( $(date +%s) - T0 )) -gt 420 ] && { echo "bins $t skipped: time"; continue; }
  d=dist; [ $t = base ] && d=ab-base/dist
  bins bins-$t $d
done
echo "done ($(( $(date +%s) - T0 )) s)"
