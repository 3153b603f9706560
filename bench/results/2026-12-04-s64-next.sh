#!/bin/bash
# Prepared in session 64 for a later call (not run): a text encoder's causal self-attention by
# k_attend_short with a causal mask, a launch a batch item (…-s64-next-causal-attend-short.diff:
# kernels/attention.cu attend_short takes `causal` and a null `probs`; cuda.ts attendInto tries it
# first for causal attention with Lq = Lk up to SHORT_KEYS tokens; a GPU case at CLIP's widths, 77 and 80
# tokens and one past, and the launches it makes). The encoder's causal attention took 46 QK and 46 PV
# GEMMs and 23 softmaxes (…-s64-call5.log's encoder profile: ~0.66 ms of its 2.1), in front of every
# edit's first step. nvcc -cubin -Xptxas -v: k_attend_short_64 no spills before or after; the CPU
# tests (kernel-sources, kernel-calls) pass with it. The GPU suite first (its attention case covers the
# new path), then the timeline probe on each build (the encoder's profile, callToFirstStepEndGpuMs
# with k = 0), whole edits alternating.
# Here first: git apply bench/results/2026-12-04-s64-next-causal-attend-short.diff; npm test;
# bash bench/ab-base.sh HEAD; bash bench/device-dist.sh --benches edit .gpu ab-base; the probe copied
# back from ../koffi-aside/profiles.
# Carry [".gpu","dist","ab-base","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-suite.sh
CALL=s65cN; source bench/gpu-edit.sh
probe() { local tag=$1 d=$2
  PROBE_DIST=$d FISEDIT_HOME=/tmp/fh-t-$tag timeout -k 5 200 node --expose-gc bench/results/2026-12-04-s64-timeline-probe2.mjs > /tmp/logs/timeline-$tag.log 2>&1; local rc=$?
  echo "timeline $tag ($(( $(date +%s) - T0 )) s): rc $rc"; grep '^{' /tmp/logs/timeline-$tag.log | cut -c1-420; [ $rc = 0 ] || tail -5 /tmp/logs/timeline-$tag.log | cut -c1-400; save; }
probe base ab-base/dist
probe new dist
for i in 1 2; do
  whole whole-new-$i dist
  whole whole-base-$i ab-base/dist
done
echo "done ($(( $(date +%s) - T0 )) s)"
