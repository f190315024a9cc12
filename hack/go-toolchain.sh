#!/usr/bin/env bash
# Prints the bin directory of a Go toolchain new enough for hack/kube-binaries
# (the `go` line of its go.mod files). The machine's own Go is used when it is
# new enough. Otherwise the toolchain is fetched as the module
# golang.org/toolchain from the Go module proxy, with whatever older Go the
# machine has (Debian's golang-go will do), and cached by version under
# ${AGENTGUARD_TOOLS:-~/.cache/agentguard/tools}. .ci/run puts it on PATH.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
required=$(awk '$1 == "go" { print $2; exit }' "$here/kube-binaries/kubernetes/go.mod")

version_ok() { # <go version like 1.26.8> : is it at least $required?
  [[ "$(printf '%s\n%s\n' "$required" "$1" | sort -V | head -n1)" == "$required" ]]
}

if command -v go >/dev/null 2>&1; then
  have=$(go env GOVERSION 2>/dev/null || go version | awk '{print $3}')
  have=${have#go}
  if version_ok "$have"; then
    dirname "$(command -v go)"
    exit 0
  fi
  echo "go-toolchain: the machine's Go $have is older than $required; fetching go$required from the Go module proxy" >&2
else
  echo "go-toolchain: no Go on this machine; a bootstrap Go is needed to fetch go$required (apt-get install golang-go)" >&2
  exit 1
fi

tools=${AGENTGUARD_TOOLS:-$HOME/.cache/agentguard/tools}
target="$tools/go-$required"
if [[ -x "$target/bin/go" ]]; then
  echo "$target/bin"
  exit 0
fi
mkdir -p "$tools"
scratch=$(mktemp -d "$tools/.go.XXXXXX")
trap 'chmod -R u+w "$scratch" 2>/dev/null; rm -rf "$scratch"' EXIT
module="golang.org/toolchain@v0.0.1-go$required.$(go env GOOS)-$(go env GOARCH)"
# A module download outside any module: -modcacherw keeps the copy movable.
(cd "$scratch" && GOMODCACHE="$scratch/mod" GOFLAGS=-modcacherw GO111MODULE=on go mod download "$module") || {
  echo "go-toolchain: cannot download $module from the Go module proxy" >&2; exit 1; }
src="$scratch/mod/$module"
[[ -d "$src/bin" ]] || { echo "go-toolchain: $module has no bin/ directory" >&2; exit 1; }
# Module zips carry no file modes; the go command marks its own toolchains executable the same way.
chmod +x "$src"/bin/* "$src"/pkg/tool/*/*
mv "$src" "$target"
"$target/bin/go" version >&2
echo "$target/bin"
