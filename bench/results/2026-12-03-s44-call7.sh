#!/bin/bash
# Session 44, call 7: where the host's 2-4 ms a replayed sparse step goes (call 6). bench:edit's bins
# in a warm home, then once more with 40-step edits, one mask a bin, under V8's sampling profiler
# (100 µs), summarised here (all of the edit loop's samples; and per replayed sparse U-Net call, the
# cached-steps run() calls of 0-8 ms) and brought back gzipped.
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fw /tmp/prof
source bench/gpu-setup.sh
save() { (cd $OUT && mkdir -p j && cp $OUT/*.json j/ 2>/dev/null; rm -f $OUT/*.json; tar czf $OUT/all.tgz -C /tmp logs -C $OUT j); }
FISEDIT_HOME=/tmp/fw BENCH_TAG=s44c7-warm BENCH_PARTS=bins timeout 150 node --expose-gc dist/bench/edit.js > /tmp/logs/s44c7-warm.log 2>&1; rc=$?
echo "warm ($(( $(date +%s) - T0 )) s): rc $rc bins $(grep -o '"editSize":[0-9.]*,"sparseStepMs":[0-9.]*,"hostMsPerStep":[0-9.]*' /tmp/logs/s44c7-warm.log | sed 's/"editSize"://; s/"sparseStepMs"://; s/"hostMsPerStep"://' | tr '\n' ' ')"; save
FISEDIT_HOME=/tmp/fw BENCH_TAG=s44c7-prof BENCH_PARTS=bins BENCH_STEPS=40 BENCH_MASKS=1 timeout 200 node --cpu-prof --cpu-prof-dir=/tmp/prof --cpu-prof-interval 100 --expose-gc dist/bench/edit.js > /tmp/logs/s44c7-prof.log 2>&1; rc=$?
echo "profiled ($(( $(date +%s) - T0 )) s): rc $rc bins $(grep -o '"editSize":[0-9.]*,"sparseStepMs":[0-9.]*,"hostMsPerStep":[0-9.]*' /tmp/logs/s44c7-prof.log | sed 's/"editSize"://; s/"sparseStepMs"://; s/"hostMsPerStep"://' | tr '\n' ' ')"
p=$(ls /tmp/prof/*.cpuprofile | head -1)
node dist/bench/cpu-profile-summary.js $p "editSteps " > /tmp/logs/prof-edit-loop.txt 2>&1
CALL_OF="run src/edit/cached-steps.js:195" CALL_MS=0-8 node dist/bench/cpu-profile-summary.js $p > /tmp/logs/prof-replayed-run.txt 2>&1
head -45 /tmp/logs/prof-replayed-run.txt | cut -c1-200
gzip -9 -c $p > /tmp/logs/s44c7.cpuprofile.gz; ls -la /tmp/logs/s44c7.cpuprofile.gz; save
