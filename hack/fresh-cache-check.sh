#!/usr/bin/env bash
# Proves that hack/kube-binaries.sh needs nothing a machine happens to have:
# builds kwok (the cheap part) with an empty Go module cache, an empty Go build
# cache and an empty binary cache, reusing nothing, then checks that the binary
# runs and its lifecycle stages were written. `make test` runs it, so CI catches
# a build step that only works with a warm cache.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/agentguard-fresh-cache.XXXXXX")
# The module cache is written read-only; make it removable before removing it.
trap 'chmod -R u+w "$scratch" 2>/dev/null; rm -rf "$scratch"' EXIT
mkdir "$scratch/gomodcache" "$scratch/gocache" "$scratch/bin"

start=$(date +%s)
dir=$(GOMODCACHE="$scratch/gomodcache" GOCACHE="$scratch/gocache" KUBE_BIN_ROOT="$scratch/bin" \
  "$here/kube-binaries.sh" --only kwok 2> "$scratch/build.log") || {
  cat "$scratch/build.log" >&2
  echo "fresh-cache-check: kwok did not build from empty caches (log above)" >&2
  exit 1
}

case "$dir" in
  "$scratch/bin/"*) ;;
  *) echo "fresh-cache-check: kwok was put in '$dir', not under the empty KUBE_BIN_ROOT" >&2; exit 1 ;;
esac
"$dir/kwok" --version >/dev/null || { echo "fresh-cache-check: $dir/kwok does not run" >&2; exit 1; }
grep -q 'kind: Stage' "$dir/kwok-stages.yaml" || {
  echo "fresh-cache-check: $dir/kwok-stages.yaml holds no kwok Stage" >&2; exit 1; }

echo "fresh-cache-check: kwok built from empty Go module, build and binary caches in $(( $(date +%s) - start ))s"
