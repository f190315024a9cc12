#!/usr/bin/env bash
# Copies asciinema-player's browser bundle (script and stylesheet) into the console's static
# resources, so the console serves it itself and no page loads a CDN. The package comes from
# the npm registry (npm pack checks its integrity) and is cached by version in
# ${AGENTGUARD_TOOLS:-~/.cache/agentguard/tools}/asciinema-player-<version>.
# usage: asciinema-player.sh VERSION TARGET_DIR
set -euo pipefail

version=${1:?usage: asciinema-player.sh VERSION TARGET_DIR}
target=${2:?usage: asciinema-player.sh VERSION TARGET_DIR}
tools=${AGENTGUARD_TOOLS:-$HOME/.cache/agentguard/tools}
cache=$tools/asciinema-player-$version

if [[ ! -f $cache/asciinema-player.min.js ]]; then
  command -v npm >/dev/null || { echo "asciinema-player.sh: npm is required to fetch asciinema-player $version" >&2; exit 1; }
  mkdir -p "$tools"
  tmp=$(mktemp -d "$tools/.asciinema-player.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "asciinema-player@$version" >/dev/null && tar -xzf "asciinema-player-$version.tgz")
  mkdir -p "$tmp/out"
  cp "$tmp/package/dist/bundle/asciinema-player.min.js" "$tmp/package/dist/bundle/asciinema-player.css" \
     "$tmp/package/LICENSE" "$tmp/out/"
  rm -rf "$cache"
  mv "$tmp/out" "$cache"
  echo "asciinema-player $version cached in $cache"
fi
mkdir -p "$target"
cp "$cache"/* "$target/"
