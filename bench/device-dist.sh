#!/usr/bin/env bash
# Builds the dist a device call carries, as small as the 64 MiB limit on what travels needs: no
# comments, source maps or declarations, and no CPU tests (the GPU tests import only src); with
# `suite` also no benches (a call that only runs the GPU suite). Then prints what the call would
# carry against the limit, in 1 KiB blocks as du counts them (the device tool refused 67,928 KiB and
# took 65,524 in session 32): the tracked and untracked-not-ignored files, dist, koffi, and the
# paths given (default .gpu). Moves aside koffi's musl build and bench/results' host profiles
# (*.cpuprofile.gz, ~1.9 MB of records no device call reads; tracked, so the working tree's copy is
# what travels); `bench/device-dist.sh restore` puts both back.
# Usage: bench/device-dist.sh [suite] [carried path ...] | bench/device-dist.sh restore
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
aside=$root/../koffi-aside
musl=node_modules/@koromix/koffi-linux-x64/musl_x64
if [ "${1:-}" = restore ]; then
  [ -d "$aside/musl_x64" ] && mv "$aside/musl_x64" "$musl"
  [ -d "$aside/profiles" ] && mv "$aside"/profiles/*.cpuprofile.gz bench/results/ && rmdir "$aside/profiles"
  exit 0
fi
suite=0; [ "${1:-}" = suite ] && { suite=1; shift; }
carried=("${@:-.gpu}")
rm -rf dist
npx tsc -p . --removeComments --sourceMap false --declaration false
find dist/test -maxdepth 1 -type f -delete
[ $suite = 1 ] && rm -rf dist/bench
if [ -d "$musl" ]; then mkdir -p "$aside" && mv "$musl" "$aside/"; fi
if compgen -G 'bench/results/*.cpuprofile.gz' > /dev/null; then mkdir -p "$aside/profiles" && mv bench/results/*.cpuprofile.gz "$aside/profiles/"; fi
# (files deleted but not yet staged make du complain: not counted)
tracked=$( (git ls-files -z; git ls-files -z --others --exclude-standard) | xargs -0 du -ck 2>/dev/null | tail -1 | cut -f1 || true)
rest=$(du -sk dist node_modules/koffi node_modules/@koromix "${carried[@]}" | awk '{s += $1} END {print s}')
echo "carry: $((tracked + rest)) KiB of 65536 (files in git's view $tracked, dist, koffi and ${carried[*]} $rest)"
