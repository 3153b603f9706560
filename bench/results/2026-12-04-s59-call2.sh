#!/bin/bash
# Session 59 call 2: call 1 found no Winograd algorithm in cuDNN for NHWC fp16 here. What would one
# of our own cost? bench:winograd again (implicit precomputed GEMM and winograd nonfused), now with,
# per map shape, the backend's own convolution (bias and residual, as a U-Net graph runs it) and
# F(2x2, 3x3)'s 16 transform-domain GEMMs (one cuBLASLt pointer-array batch, cold weights) and its
# transforms' traffic as device copies.
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
  if (!l.startsWith("{")) continue; const r = JSON.parse(l), w = r.winograd;
  console.log(r.what, "x" + r.count, "backend", r.backendUs, "legacy", r.algos.map((a) => `${a.algo}:${a.us ?? a.status}`).join(" "), "| F(2,3): gemm", w.gemmUs, `(${w.gemmTflops} TFLOP/s)`, "in", w.inputTrafficUs, "out", w.outputTrafficUs, "total", w.totalUs);
}'
save
echo "done ($(( $(date +%s) - T0 )) s)"
