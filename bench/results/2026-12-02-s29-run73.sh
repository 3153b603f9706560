#!/bin/bash
# Session 29, call 1: session 28's prepared call (run72.sh) with a time guard: the GPU suite, then
# bench:repeatability in fresh homes, alternating dependent launches on only and off only, until 540 s
# have passed; counts of first edits that part from their replay, and the first differing layer.
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
source bench/gpu-suite.sh
echo "suite took $(( $(date +%s) - T0 )) s"
d() { local t=$(date +%s); FISEDIT_HOME=/tmp/fh-$RANDOM$RANDOM BENCH_ORDER=$1 BENCH_TAG=rep$2-$1 timeout 40 node --expose-gc dist/bench/repeatability.js > /tmp/logs/rep$2-$1.log 2>&1; echo "rep$2 $1 rc $? $(( $(date +%s) - t )) s"; grep -E 'its replay [0-9]|rror|first differing|layer' /tmp/logs/rep$2-$1.log | cut -c1-300 | head -6; }
for i in $(seq 1 20); do
  [ $(( $(date +%s) - T0 )) -gt 530 ] && break; d on,on,on $i
  [ $(( $(date +%s) - T0 )) -gt 530 ] && break; d off,off,off $i
done
for v in on off; do echo "launches $v: backends $(cat /tmp/logs/rep*-$v,$v,$v.log 2>/dev/null | grep -c "^backend [0-9] (") first edits differing from their replay $(cat /tmp/logs/rep*-$v,$v,$v.log 2>/dev/null | grep -c "its replay [0-9]")"; done
cd $OUT && mkdir -p j && mv $OUT/*.json j/ 2>/dev/null; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j
