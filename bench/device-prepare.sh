#!/usr/bin/env bash
# Fills the git-ignored .gpu/ (../shared/device/prepare.sh: Node.js for the GPU machine, env.sh) with
# the fixtures the GPU suite and the benches read: tiny-sd2 and its goldens, the scheduler and
# tokenizer goldens, the SD 2 configs (not tiny-sd15: the suite's golden checks skip a model that is
# absent, and no session's suite has carried it). Compressed where that pays, so that a call stays
# under the 64 MiB carry limit: model weights and goldens as .xz beside where they belong, the tiny
# SD 2 tokenizer as .gpu/tok.xz, masks-dev-300 as .gpu/masks.xz (bench/gpu-setup.sh unpacks them on
# the GPU machine). With `lite`, .gpu-lite/ instead, for calls that run benches only: Node.js,
# env.sh, the masks, the SD 2 configs and golden_tokenizer.json (what fixturesDir looks for); such a
# call's script unpacks the masks itself (bench/results/*-run*.sh).
# Run from anywhere in a checkout with ../shared beside it. Usage: bench/device-prepare.sh [lite]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared=$root/../shared
cd "$root"
if [ "${1:-}" = lite ]; then
  rm -rf .gpu-lite && mkdir -p .gpu-lite/fixtures
  grep -qx '/.gpu-lite/' .git/info/exclude 2>/dev/null || echo '/.gpu-lite/' >> .git/info/exclude
  cp "$shared/device/node-v20.20.2-linux-x64.xz" .gpu-lite/node.xz
  cp "$shared/device/gpu-env.sh" .gpu-lite/env.sh
  cp -r "$shared/fixtures/sd2-768-configs" "$shared/fixtures/golden_tokenizer.json" .gpu-lite/fixtures/
  xz -9 -c "$shared/data/masks-dev-300.bin" > .gpu-lite/masks.xz
  chmod -R u+w .gpu-lite
  du -sk .gpu-lite
  exit 0
fi
rm -rf .gpu
"$shared/device/prepare.sh" --fixtures tiny-sd2 >/dev/null
chmod -R u+w .gpu
for f in golden_schedulers.safetensors golden_tokenizer.json; do cp "$shared/fixtures/$f" .gpu/fixtures/; done
cp -r "$shared/fixtures/sd2-768-configs" .gpu/fixtures/
chmod -R u+w .gpu
xz -9 -c .gpu/fixtures/tiny-sd2/tokenizer/tokenizer.json > .gpu/tok.xz
rm .gpu/fixtures/tiny-sd2/tokenizer/tokenizer.json
find .gpu/fixtures -name '*.safetensors' -size +64k -exec xz -9 {} +
xz -9 -c "$shared/data/masks-dev-300.bin" > .gpu/masks.xz
du -sk .gpu
