#!/bin/bash
# Session 69, call 4 (trial: …-s69-streaming-weights-trial.diff, not in src): calls 1-2's prefetches
# into L2 made steps slower, the branch nodes alone did not, a hint that the chain's activations in L2
# matter. Here the weights' reads are marked streaming instead (evicted first), so that a GEMM's
# weight stream does not evict what the kernels after it read: while a graph is recorded, the
# recording stream's access policy window covers each linear layer's weight (cuStreamSetAttribute),
# cuBLASLt's GEMMs only, or k_gemm_rows's too; TRIAL line: the recorded graphs' kernel nodes and how
# many carry a window (whether the capture took the stream's attribute). Warm bins in one home, the
# paper's configuration, alternating twice.
# Here first: bash bench/device-dist.sh --benches edit .gpu. Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-setup.sh
CALL=s69c4; source bench/gpu-edit.sh
sw() { local tag=$1 on=$2 rows=$3
  (export BENCH_NORM=cached BENCH_ATTENTION=fast FISEDIT_TRIAL_STREAMING_WEIGHTS=$on FISEDIT_TRIAL_STREAMING_ROWS=$rows
   BINS_PARTS=bins bins $tag dist); grep -h '^TRIAL' /tmp/logs/edit-$tag.log; }
for r in 1 2; do
  sw off-$r 0 0
  sw lib-$r 1 0
  sw all-$r 1 1
done
echo "done ($(( $(date +%s) - T0 )) s)"
