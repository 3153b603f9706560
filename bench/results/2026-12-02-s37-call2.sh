#!/bin/bash
# Session 37, call 2 (on call 1's warm machine, its home of bench:unet's base1 run): the committed
# code's (ab-base, 07d0d90) dense U-Net at 512 px with its op profile, 3 calls timed.
source .gpu/env.sh; export OUT; mkdir -p /tmp/logs; FISEDIT_HOME=/tmp/fh-u-base1 BENCH_TAG=s37c2-unet512-kernels BENCH_SIZES=512 BENCH_CALLS=3 BENCH_KERNELS=on BENCH_MATH=fp16 BENCH_PIPELINE=0 timeout 200 node ab-base/dist/bench/unet.js > /tmp/logs/unet512-kernels.log 2>&1; echo rc $?; tail -c 600 /tmp/logs/unet512-kernels.log; cp /tmp/logs/unet512-kernels.log $OUT/; cp $OUT/../*.json $OUT/ 2>/dev/null; ls $OUT; tar czf $OUT/logs.tgz -C /tmp logs
