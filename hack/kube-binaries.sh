#!/usr/bin/env bash
# Builds the real Kubernetes control-plane binaries the test suite runs against
# (etcd, kube-apiserver, kube-controller-manager, kubectl, kwok) from the Go module proxy, and caches
# them by version so that a warm run skips the build.
#
#   hack/kube-binaries.sh              build if missing, print the directory
#   hack/kube-binaries.sh --check      exit 1 unless every binary is cached
#   hack/kube-binaries.sh --only kwok  build (or reuse) kwok alone; the fresh-cache check uses it
#
# Nothing is taken from what a machine happens to have: each module is downloaded
# into GOMODCACHE before its source is read, so an empty module cache and an empty
# KUBE_BIN_ROOT build the same binaries (hack/fresh-cache-check.sh proves it).
#
# Layout follows fabric8 kube-api-test: $KUBE_BIN_ROOT/k8s/<version>-linux-amd64/.
# Versions are pinned by the go.mod files under hack/kube-binaries/.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mods="$here/kube-binaries"

mod_version() { # <module dir> <module path>
  (cd "$1" && go list -m -f '{{.Version}}' "$2")
}

# The source directory of a required module. `go list -m -f {{.Dir}}` prints an
# empty string until the module is in the module cache, so download it first and
# refuse an empty or missing directory rather than build from nothing.
module_dir() { # <module dir> <module path>
  local d
  d=$(cd "$1" && go mod download "$2" && go list -m -f '{{.Dir}}' "$2") || {
    echo "kube-binaries: cannot download module $2 (required by $1/go.mod)" >&2; return 1; }
  if [[ -z "$d" || ! -d "$d" ]]; then
    echo "kube-binaries: module $2 has no source directory after download (got '${d}'); GOMODCACHE=$(go env GOMODCACHE)" >&2
    return 1
  fi
  echo "$d"
}

k8s_version=$(mod_version "$mods/kubernetes" k8s.io/kubernetes)
etcd_version=$(mod_version "$mods/etcd" go.etcd.io/etcd/server/v3)
kwok_version=$(mod_version "$mods/kwok" sigs.k8s.io/kwok)
arch=$(go env GOARCH)

root=${KUBE_BIN_ROOT:-$HOME/.kubeapitest}
# The keys carry every pinned version (and kwok's local patches), so bumping one
# rebuilds what it covers: kwok has its own key, being quick to rebuild.
dir="$root/k8s/${k8s_version#v}-linux-$arch"
stamp="$dir/.agentguard-versions"
want="kubernetes=$k8s_version etcd=$etcd_version"
kwok_patches=$(ls "$mods"/kwok/*.patch 2>/dev/null | sort)
kwok_stamp="$dir/.agentguard-kwok"
kwok_want="kwok=$kwok_version patches=$(cat $kwok_patches /dev/null | sha256sum | cut -c1-16)"
binaries="etcd kube-apiserver kube-controller-manager kubectl"

control_plane_cached() {
  [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]] || return 1
  for b in $binaries; do [[ -x "$dir/$b" ]] || return 1; done
}
kwok_cached() {
  [[ -f "$kwok_stamp" && "$(cat "$kwok_stamp")" == "$kwok_want" && -x "$dir/kwok" && -f "$dir/kwok-stages.yaml" ]]
}
cached() { control_plane_cached && kwok_cached; }

mode=all
case "${1:-}" in
  "") ;;
  --check) mode=check ;;
  --only)
    [[ "${2:-}" == kwok ]] || { echo "kube-binaries: --only takes 'kwok' (got '${2:-}')" >&2; exit 2; }
    mode=kwok ;;
  *) echo "kube-binaries: unknown argument '$1' (use --check or --only kwok)" >&2; exit 2 ;;
esac
if [[ $mode == kwok ]]; then
  cached() { kwok_cached; }
fi

if [[ $mode == check ]]; then
  cached && echo "$dir" && exit 0
  echo "kube binaries missing or stale in $dir (want $want $kwok_want)" >&2
  exit 1
fi

if cached; then
  echo "$dir"
  exit 0
fi

start=$(date +%s)
mkdir -p "$dir"
tmp=$(mktemp -d "$dir/.build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

export CGO_ENABLED=0 GOFLAGS=-mod=mod
ldflags="-s -w"
# kube-apiserver and kubectl report their version from these variables; the
# API server refuses some clients when it thinks it is v0.0.0.
kver="-X k8s.io/component-base/version.gitVersion=$k8s_version -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$(echo "$k8s_version" | cut -d. -f2) -X k8s.io/component-base/version.gitTreeState=clean"
kver="$kver -X k8s.io/client-go/pkg/version.gitVersion=$k8s_version -X k8s.io/client-go/pkg/version.gitMajor=1 -X k8s.io/client-go/pkg/version.gitMinor=$(echo "$k8s_version" | cut -d. -f2)"

build() { # <module dir> <output> <package> [extra ldflags]
  local t0=$(date +%s)
  (cd "$1" && go build -trimpath -ldflags "$ldflags ${4:-}" -o "$tmp/$2" "$3")
  echo "  built $2 in $(( $(date +%s) - t0 ))s" >&2
}

if [[ $mode != kwok ]] && ! control_plane_cached; then
  echo "building $want into $dir (cold build; takes a while on 2 cores)" >&2
  build "$mods/etcd" etcd ./cmd/etcd
  build "$mods/kubernetes" kube-apiserver k8s.io/kubernetes/cmd/kube-apiserver "$kver"
  build "$mods/kubernetes" kube-controller-manager k8s.io/kubernetes/cmd/kube-controller-manager "$kver"
  build "$mods/kubernetes" kubectl k8s.io/kubernetes/cmd/kubectl "$kver"
  for b in $binaries; do mv -f "$tmp/$b" "$dir/$b"; done
  echo "$want" > "$stamp"
fi

if ! kwok_cached; then
  echo "building $kwok_want into $dir" >&2
  # kwok is built from a copy of its module with the patches in hack/kube-binaries/kwok
  # applied (each says why), through a replace directive in a copy of our go.mod.
  kwok_dir=$(module_dir "$mods/kwok" sigs.k8s.io/kwok)
  cp -r "$kwok_dir" "$tmp/kwok-src" && chmod -R u+w "$tmp/kwok-src"
  for p in $kwok_patches; do patch -s -p1 -d "$tmp/kwok-src" < "$p"; done
  mkdir "$tmp/kwok-mod" && cp "$mods/kwok/go.mod" "$mods/kwok/go.sum" "$tmp/kwok-mod/"
  (cd "$tmp/kwok-mod" && go mod edit -replace "sigs.k8s.io/kwok=$tmp/kwok-src")
  build "$tmp/kwok-mod" kwok sigs.k8s.io/kwok/cmd/kwok

  # kwok's default node and pod lifecycle stages ship in its module, not its binary.
  for f in node/fast/node-initialize.yaml node/heartbeat/node-heartbeat.yaml pod/fast/pod-ready.yaml \
           pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml; do
    echo "---"; cat "$kwok_dir/kustomize/stage/$f"
  done > "$tmp/kwok-stages.yaml"
  mv -f "$tmp/kwok" "$tmp/kwok-stages.yaml" "$dir/"
  echo "$kwok_want" > "$kwok_stamp"
fi

echo "kube binaries ready in $(( $(date +%s) - start ))s" >&2
echo "$dir"
