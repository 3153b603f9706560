#!/bin/bash
# Session 51, call 4: where a ~15% and a ~30% sparse step's GPU time goes (bench:edit's new
# BENCH_PROBE_BIN: the probe's replay phases and event profile on the first mask of that bin; only the
# ~5% step had been profiled), with the defaults and with the paper's approximations (cached
# statistics, fast attention), after the warm-up, one home. No kernel change.
# Here first: bash bench/device-dist.sh --benches edit .gpu
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-setup.sh
p() { local tag=$1 bin=$2 norm=$3 attention=$4
  FISEDIT_HOME=/tmp/fh-p BENCH_PREPARE=warm-up BENCH_PROBE_BIN=$bin BENCH_NORM=$norm BENCH_ATTENTION=$attention BENCH_TAG=s51c4-$tag BENCH_PARTS=probe timeout -k 5 200 node --expose-gc dist/bench/edit.js > /tmp/logs/probe-$tag.log 2>&1; local rc=$?
  echo "probe $tag ($(( $(date +%s) - T0 )) s): rc $rc"; grep -o '^replayed sparse step by phase.*' /tmp/logs/probe-$tag.log; grep -o '^sparse step profile ([^[]*' /tmp/logs/probe-$tag.log | cut -c1-200
  [ $rc = 0 ] || tail -5 /tmp/logs/probe-$tag.log | cut -c1-300; save; }
p exact-accurate-15 15 exact accurate; p exact-accurate-30 30 exact accurate
p cached-fast-15 15 cached fast; p cached-fast-30 30 cached fast
echo "done ($(( $(date +%s) - T0 )) s)"
