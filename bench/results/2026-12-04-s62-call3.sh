#!/bin/bash
# Session 62, call 3: where an edit's decode phase goes (decodeMs 18-23 ms in whole edits, against
# 12.4 ms for sd.decode alone in call 2's probe and ~11 ms of GPU time). The working tree carries
# …-s62-decode-probe-edit.diff (prints the decode's upload, replay, download and the composite of
# each edit; not in src). Whole edits once (default options).
# Here first: git apply …-s62-decode-probe-edit.diff; bash bench/device-dist.sh --benches edit .gpu
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-setup.sh
T0=$(date +%s)
CALL=s62c3; source bench/gpu-edit.sh
whole probe dist
grep 'decode-probe' /tmp/logs/whole-probe.log | tail -40
