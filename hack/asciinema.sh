#!/usr/bin/env bash
# Installs the asciinema player the tests replay recordings with (from PyPI),
# cached by version: ${AGENTGUARD_TOOLS:-~/.cache/agentguard/tools}/asciinema-<version>.
set -euo pipefail

version=2.4.0
tools=${AGENTGUARD_TOOLS:-$HOME/.cache/agentguard/tools}
target=$tools/asciinema-$version

if [[ -d $target/asciinema ]]; then
  exit 0
fi
command -v python3 >/dev/null || { echo "asciinema.sh: python3 is required" >&2; exit 1; }
mkdir -p "$tools"
tmp=$(mktemp -d "$tools/.asciinema.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# --target installs nowhere near the system packages; Debian's PEP 668 guard need not apply.
PIP_BREAK_SYSTEM_PACKAGES=1 python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --no-deps --target "$tmp" "asciinema==$version"
mv "$tmp" "$target"
trap - EXIT
echo "asciinema $version installed in $target"
