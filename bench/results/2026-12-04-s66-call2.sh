#!/bin/bash
# Session 66, call 2: …-s66-prologue-probe.mjs (can cuDNN's backend API fold a GroupNorm's affine and
# SiLU into a convolution's input at the VAE decoder's shapes, and is it faster than our affine pass
# and the convolution?). No GPU suite (call 1 ran it on this code). Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs
source bench/gpu-setup.sh
timeout -k 5 400 node bench/results/2026-12-04-s66-prologue-probe.mjs > /tmp/logs/prologue.log 2>&1; rc=$?
echo "prologue probe ($(( $(date +%s) - T0 )) s): rc $rc"
grep '^{' /tmp/logs/prologue.log | python3 -c "
import sys, json
for l in sys.stdin:
    d = json.loads(l)
    if 'shape' not in d: print(l.strip()); continue
    print(d['shape'], 'now', d['nowUs'], 'affine', d['affineUs'], 'plainBest', json.dumps(d['plainBest']), 'fusedHalf', json.dumps(d['fusedBestHalf']), 'fusedFloat', json.dumps(d['fusedBestFloat']))
    for k in ('half', 'float'):
        print('  ', k, json.dumps([{a: t.get(a) for a in ('mode', 'rank', 'engine', 'us', 'relErr', 'planMs', 'error', 'plan', 'proposed') if a in t} for t in d['fused'][k]])[:1500])
"
[ $rc = 0 ] || tail -20 /tmp/logs/prologue.log | cut -c1-400
save
echo "done ($(( $(date +%s) - T0 )) s)"
