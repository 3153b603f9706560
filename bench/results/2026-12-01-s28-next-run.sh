#!/bin/bash
# For session 29's first device call (written in session 28, whose device time ran out): the GPU suite
# (its dependent-launches test now also replays each backend's edit and, failing, says how far each
# backend's recorded edit is from its own replay), then bench:repeatability in fresh homes, ten
# processes with dependent launches on only and ten with them off only, to tell whether the
# first-recorded-edit nondeterminism (README, "A known nondeterminism") needs them; where a first edit
# parts from its replay, the bench names the first layer of the step before that differs.
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"]; move
# node_modules/@koromix/koffi-linux-x64/musl_x64 out first (the 64 MiB limit), back afterwards.
source bench/gpu-suite.sh
d() { FISEDIT_HOME=/tmp/fh-$RANDOM$RANDOM BENCH_ORDER=$1 BENCH_TAG=rep$2-$1 timeout 40 node --expose-gc dist/bench/repeatability.js > /tmp/logs/rep$2-$1.log 2>&1; grep -E 'its replay [0-9]|rror' /tmp/logs/rep$2-$1.log | cut -c1-300; }
for i in 1 2 3 4 5 6 7 8 9 10; do d on,on,on $i; d off,off,off $i; done
for v in on off; do echo "launches $v: backends $(cat /tmp/logs/rep*-$v,$v,$v.log | grep -c "^backend [0-9] (") first edits differing from their replay $(cat /tmp/logs/rep*-$v,$v,$v.log | grep -c "its replay [0-9]")"; done
cd $OUT && mkdir -p j && mv $OUT/*.json j/ 2>/dev/null; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j
