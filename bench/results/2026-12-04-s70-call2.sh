#!/bin/bash
# Session 70, call 2: the GPU suite through suite() at the end of the session (src as 4e54028;
# test/gpu/ops.test.ts's parameter case copies its weights with copyOf, as session 69's review left noted).
# Here first: bash bench/device-dist.sh suite .gpu. Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
T0=$(date +%s)
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-setup.sh
suite
