#!/usr/bin/env bash
# Builds the real Kubernetes control-plane binaries the test suite runs against
# (etcd, kube-apiserver, kube-controller-manager, kubectl, kwok) from the Go module proxy, and caches
# them by version so that a warm run skips the build.
#
#   hack/kube-binaries.sh            build if missing, print the directory
#   hack/kube-binaries.sh --check    exit 1 unless every binary is cached
#
# Layout follows fabric8 kube-api-test: $KUBE_BIN_ROOT/k8s/<version>-linux-amd64/.
# Versions are pinned by the go.mod files under hack/kube-binaries/.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mods="$here/kube-binaries"

mod_version() { # <module dir> <module path>
  (cd "$1" && go list -m -f '{{.Version}}' "$2")
}

k8s_version=$(mod_version "$mods/kubernetes" k8s.io/kubernetes)
etcd_version=$(mod_version "$mods/etcd" go.etcd.io/etcd/server/v3)
kwok_version=$(mod_version "$mods/kwok" sigs.k8s.io/kwok)
arch=$(go env GOARCH)

root=${KUBE_BIN_ROOT:-$HOME/.kubeapitest}
# The key carries every pinned version, so bumping one rebuilds.
dir="$root/k8s/${k8s_version#v}-linux-$arch"
stamp="$dir/.agentguard-versions"
want="kubernetes=$k8s_version etcd=$etcd_version kwok=$kwok_version"
binaries="etcd kube-apiserver kube-controller-manager kubectl kwok"

cached() {
  [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -f "$dir/kwok-stages.yaml" ]] || return 1
  for b in $binaries; do [[ -x "$dir/$b" ]] || return 1; done
}

if [[ "${1:-}" == "--check" ]]; then
  cached && echo "$dir" && exit 0
  echo "kube binaries missing or stale in $dir (want $want)" >&2
  exit 1
fi

if cached; then
  echo "$dir"
  exit 0
fi

echo "building $want into $dir (cold build; takes a while on 2 cores)" >&2
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

build "$mods/etcd" etcd ./cmd/etcd
build "$mods/kubernetes" kube-apiserver k8s.io/kubernetes/cmd/kube-apiserver "$kver"
build "$mods/kubernetes" kube-controller-manager k8s.io/kubernetes/cmd/kube-controller-manager "$kver"
build "$mods/kubernetes" kubectl k8s.io/kubernetes/cmd/kubectl "$kver"
build "$mods/kwok" kwok sigs.k8s.io/kwok/cmd/kwok

# kwok's default node and pod lifecycle stages ship in its module, not its binary.
kwok_dir=$(cd "$mods/kwok" && go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)
for f in node/fast/node-initialize.yaml node/heartbeat/node-heartbeat.yaml pod/fast/pod-ready.yaml \
         pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml; do
  echo "---"; cat "$kwok_dir/kustomize/stage/$f"
done > "$tmp/kwok-stages.yaml"

for b in $binaries kwok-stages.yaml; do mv -f "$tmp/$b" "$dir/$b"; done
echo "$want" > "$stamp"
echo "cold build of kube binaries took $(( $(date +%s) - start ))s" >&2
echo "$dir"
