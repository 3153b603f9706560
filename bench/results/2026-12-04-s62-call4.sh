#!/bin/bash
# Session 62, call 4: an edit's decode phase after two changes (not yet committed when run): the image's
# download through page-locked memory from 1 MiB (device.ts download) and the decoder's input made on
# the device from the latents (StableDiffusion.decode takes a Latent; no round trip through the host).
# With …-s62-decode-probe-edit2.diff's prints (not in src), as call 3. Then bench:unet at 768 px with its
# text-to-image run and VAE decode (call 2's probe: sd.decode 12.4 ms, bench:unet's 16.5 in session 61).
# Here first: git apply …-s62-decode-probe-edit2.diff (against 429906a: the two changes and the prints); bash bench/device-dist.sh --benches edit,unet .gpu
# Carry [".gpu","dist","node_modules/koffi","node_modules/@koromix"].
rm -rf /tmp/logs /tmp/fh-*
source bench/gpu-setup.sh
T0=$(date +%s)
CALL=s62c4; source bench/gpu-edit.sh
whole probe dist
grep 'decode-probe' /tmp/logs/whole-probe.log | tail -24 | paste -d' ' - -
FISEDIT_HOME=/tmp/fh-u BENCH_TAG=s62c4-768 BENCH_MATH=fp16 BENCH_SIZES=768 timeout -k 5 150 node dist/bench/unet.js > /tmp/logs/unet-768.log 2>&1; rc=$?
echo "unet 768 ($(( $(date +%s) - T0 )) s): rc $rc"; grep -o '"msPerCall":[0-9.]*,"msMin":[0-9.]*\|"what":"text-to-image[^}]*"seconds":[0-9.]*,"firstSeconds":[0-9.]*\|"what":"VAE decode 768 px","ms":[0-9.]*,"profiledMs":[0-9.]*' /tmp/logs/unet-768.log
grep 'decode-probe' /tmp/logs/unet-768.log | tail -3; save
