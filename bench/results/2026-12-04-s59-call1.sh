#!/bin/bash
# Session 59 call 1: would Winograd's convolution shorten the 768 px U-Net's 3x3 map convolutions?
# bench:winograd: the legacy cuDNN call by algorithm (implicit precomputed GEMM, winograd, winograd
# nonfused, implicit GEMM) at each stride-1 map shape, in graphs, with cudnnFind's own timings.
# Here first: bash bench/device-dist.sh --benches winograd .gpu
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-setup.sh
FISEDIT_HOME=/tmp/fh-w timeout -k 5 400 node dist/bench/winograd.js > /tmp/logs/winograd.log 2>&1
echo "winograd ($(( $(date +%s) - T0 )) s): rc $?"
grep -v '^{' /tmp/logs/winograd.log | tail -5
node -e '
for (const l of require("fs").readFileSync("/tmp/logs/winograd.log","utf8").split("\n")) {
  if (!l.startsWith("{")) continue; const r = JSON.parse(l);
  console.log(r.what, "x" + r.count, r.algos.map((a) => `${a.algo}:${a.us ?? a.status}${a.relativeDiff !== undefined ? "/" + a.relativeDiff : ""}${a.workspaceMiB !== undefined ? "/" + a.workspaceMiB + "MiB" : ""}`).join(" "), "find:", typeof r.find === "string" ? r.find : r.find.map((x) => `${x.algo}:${x.status === 0 ? x.ms : "-"}`).join(" "));
}'
save
echo "done ($(( $(date +%s) - T0 )) s)"
