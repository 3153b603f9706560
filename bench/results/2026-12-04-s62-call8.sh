#!/bin/bash
# Session 62, call 8: the review's refactor (winograd-ops.ts winogradBatch: the batch's form, tiles and
# plane strides made once for cuda.ts winogradConvolves and winogradConv) checked by the GPU suite,
# then one bench:unet process with 'f4' and one without for the Winograd ops' profile.
# Here first: npm test; bash bench/device-dist.sh --benches unet .gpu
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-suite.sh
CALL=s62c8; source bench/gpu-edit.sh
UNET_OPS='k_wino\|gemm winograd'
unet f2 dist
BENCH_WINOGRAD=f4 unet f4 dist
echo "done ($(( $(date +%s) - T0 )) s)"
