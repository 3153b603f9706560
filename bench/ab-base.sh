#!/usr/bin/env bash
# Builds commit REV's code into ab-base/ beside the working tree's, for an A/B in one device call:
# ab-base/dist (its TypeScript, src and bench only) and ab-base/src/backend/cuda/kernels (its kernel
# sources, which ab-base/dist reads at run time as dist reads src's). Then, on the device machine,
# `node ab-base/dist/bench/unet.js` runs REV and `node dist/bench/unet.js` the working tree
# (carry "ab-base" with "dist"; BENCH_TAG keeps their JSON apart). Usage: bench/ab-base.sh REV
set -euo pipefail
rev=${1:?usage: bench/ab-base.sh REV}
root=$(cd "$(dirname "$0")/.." && pwd)
tree=$(mktemp -d)
trap 'git -C "$root" worktree remove --force "$tree" >/dev/null 2>&1 || rm -rf "$tree"' EXIT
git -C "$root" worktree add --detach --force "$tree" "$rev" >/dev/null
ln -s "$root/node_modules" "$tree/node_modules"
rm -rf "$root/ab-base"
mkdir -p "$root/ab-base/src/backend/cuda"
cp -r "$tree/src/backend/cuda/kernels" "$root/ab-base/src/backend/cuda/"
# what a bench does not need left out, so that the carried tree stays small: comments, maps,
# declarations, tests (bench/device-dist.sh --benches can prune its benches too)
(cd "$tree" && npx tsc -p . --outDir "$root/ab-base/dist" --removeComments --sourceMap false --declaration false)
rm -rf "$root/ab-base/dist/test"
echo "ab-base: $(git -C "$root" rev-parse --short "$rev") ($(du -sh "$root/ab-base" | cut -f1))"
