#!/usr/bin/env bash
# Builds the dist a device call carries, as small as the 64 MiB limit on what travels needs: no
# comments, source maps or declarations, and no CPU tests (*.test.js: a helper a GPU test imports stays); with
# `suite` also no benches (a call that only runs the GPU suite); with `--benches a,b` only those
# benches and the bench modules they import, in dist and in the carried A/B builds (a carried path's
# dist, as ab-base.sh's, or its folders' dists, as ab-mix/*/dist: a call that runs bench:edit and
# bench:unet alone gives `edit,unet`;
# kernel-times, which reads an Nsight CSV, is always kept). Then prints what the call would carry
# against the limit, in 1 KiB blocks as du counts them (the device tool refused 67,928 KiB and took
# 65,524 in session 32): the tracked and untracked-not-ignored files, dist, koffi, and the paths given
# (default .gpu). Moves aside koffi's musl build and bench/results' records, all but the call scripts
# (*.sh): ~18 MB that no device call reads, tracked, so the working tree's copy is what would travel;
# `bench/device-dist.sh restore` puts them back, and must, before anything is committed.
# Usage: bench/device-dist.sh [suite] [--benches a,b] [carried path ...] | bench/device-dist.sh restore
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
aside=$root/../koffi-aside
musl=node_modules/@koromix/koffi-linux-x64/musl_x64
if [ "${1:-}" = restore ]; then
  [ -d "$aside/musl_x64" ] && mv "$aside/musl_x64" "$musl"
  if [ -d "$aside/profiles" ]; then
    find "$aside/profiles" -maxdepth 1 -type f -exec mv {} bench/results/ \;
    rmdir "$aside/profiles"
  fi
  exit 0
fi
suite=0; [ "${1:-}" = suite ] && { suite=1; shift; }
benches=''; [ "${1:-}" = --benches ] && { benches=${2:?--benches takes a list, e.g. edit,unet}; shift 2; }
carried=("${@:-.gpu}")
rm -rf dist
npx tsc -p . --removeComments --sourceMap false --declaration false
find dist/test -maxdepth 1 -type f -name '*.test.js' -delete
[ $suite = 1 ] && rm -rf dist/bench
# keeps in a dist/bench only the benches asked for and the bench modules they import (./x.js), transitively
prune_benches() {
  local dir=$1 keep=() todo=() f m
  IFS=, read -ra todo <<< "$benches,kernel-times"
  while [ ${#todo[@]} -gt 0 ]; do
    f=${todo[0]}; todo=("${todo[@]:1}")
    [[ " ${keep[*]} " == *" $f "* ]] && continue
    [ -f "$dir/$f.js" ] || { echo "device-dist: no $dir/$f.js" >&2; exit 1; }
    keep+=("$f")
    for m in $(grep -o "from '\./[a-z0-9-]*\.js'" "$dir/$f.js" | sed "s/from '\.\///; s/\.js'//"); do todo+=("$m"); done
  done
  for f in "$dir"/*; do
    m=$(basename "$f" .js)
    [[ " ${keep[*]} " == *" $m "* && "$f" == *.js ]] || rm -rf "$f"
  done
  echo "$dir: ${keep[*]}"
}
if [ -n "$benches" ]; then
  prune_benches dist/bench
  for c in "${carried[@]}"; do
    for d in "$c"/dist/bench "$c"/*/dist/bench; do if [ -d "$d" ]; then prune_benches "$d"; fi; done
  done
fi
if [ -d "$musl" ]; then mkdir -p "$aside" && mv "$musl" "$aside/"; fi
# the records, all but the call scripts (no bench reads them; ~18 MB, and growing)
records=$(find bench/results -maxdepth 1 -type f ! -name '*.sh')
if [ -n "$records" ]; then mkdir -p "$aside/profiles" && echo "$records" | xargs -d '\n' mv -t "$aside/profiles/"; fi
echo "bench/results' records are in $aside/profiles until \`bench/device-dist.sh restore\` (before any commit)"
# (files deleted but not yet staged make du complain: not counted)
tracked=$( (git ls-files -z; git ls-files -z --others --exclude-standard) | xargs -0 du -ck 2>/dev/null | tail -1 | cut -f1 || true)
rest=$(du -sk dist node_modules/koffi node_modules/@koromix "${carried[@]}" | awk '{s += $1} END {print s}')
echo "carry: $((tracked + rest)) KiB of 65536 (files in git's view $tracked, dist, koffi and ${carried[*]} $rest)"
