#!/bin/bash
# Session 68, call 6 (1aae343's build, no code change): calls 2-3 found the transformers' linear layers
# the largest share of a sparse step in the paper's configuration (~0.8 ms at ~5%); k_gemm_rows runs
# them only up to 128 Ki values of x (102 rows of 1280, 204 of 640, 409 of 320), where session 55's
# bench:gemm-rows had it at or under cuBLASLt. Here the step itself says: warm bins in one home, the
# paper's configuration, the default against k_gemm_rows up to 260 rows (a ~5% step's 252 x 640 layers
# too) and up to 800 (its 768 x 320 ones and a ~30% step's 416 x 1280 ones too), alternating.
# Here first: bash bench/device-dist.sh --benches edit .gpu. Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-setup.sh
CALL=s68c6; source bench/gpu-edit.sh
rows() { local tag=$1; shift; (export BENCH_NORM=cached BENCH_ATTENTION=fast; [ -n "$1" ] && export BENCH_ROWS_GEMM=$1; BINS_PARTS=bins bins $tag dist); }
for r in 1 2; do
  rows default-$r ''
  rows rows260-$r 260
  rows rows800-$r 800
done
echo "done ($(( $(date +%s) - T0 )) s)"
