#!/usr/bin/env bash
# Builds helm from the Go module proxy at the version pinned in hack/helm/go.mod
# (there is no download from get.helm.sh: only package registries are reachable),
# and caches it by version like hack/kube-binaries.sh, so a warm run skips the build.
#
#   hack/helm.sh            build if missing, print the path of the helm binary
#   hack/helm.sh --check    exit 1 unless the pinned helm is cached
#
# Layout: $KUBE_BIN_ROOT/tools/helm-<version>/helm (default root ~/.kubeapitest).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mod="$here/helm"

# Reads versions from go.mod only: no module needs to be downloaded for this.
mod_version() { # <module path>
  (cd "$mod" && GOFLAGS=-mod=mod go list -m -f '{{.Version}}' "$1")
}

helm_version=$(mod_version helm.sh/helm/v3)
client_go_version=$(mod_version k8s.io/client-go)

root=${KUBE_BIN_ROOT:-$HOME/.kubeapitest}
dir="$root/tools/helm-$helm_version"
bin="$dir/helm"
stamp="$dir/.agentguard-versions"
want="helm=$helm_version client-go=$client_go_version go=$(go env GOVERSION)"

cached() { [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -x "$bin" ]]; }

if [[ "${1:-}" == "--check" ]]; then
  cached && echo "$bin" && exit 0
  echo "helm missing or stale in $dir (want $want)" >&2
  exit 1
fi

if cached; then
  echo "$bin"
  exit 0
fi

start=$(date +%s)
mkdir -p "$dir"
tmp=$(mktemp -d "$dir/.build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# The same version stamps helm's own Makefile sets: `helm version` reports the
# release, and lint's deprecation checks and the default .Capabilities.KubeVersion
# follow the Kubernetes libraries helm is built with (client-go v0.N -> 1.N).
client_go_minor=$(echo "${client_go_version#v}" | cut -d. -f2)
ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=$helm_version -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
for pkg in helm.sh/helm/v3/pkg/lint/rules helm.sh/helm/v3/pkg/chartutil; do
  ldflags="$ldflags -X $pkg.k8sVersionMajor=1 -X $pkg.k8sVersionMinor=$client_go_minor"
done

echo "building $want into $dir" >&2
# `go build` of the tool's package downloads what it needs, even into an empty
# module cache (nothing here reads a module's directory before it is downloaded).
(cd "$mod" && CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath -ldflags "$ldflags" -o "$tmp/helm" helm.sh/helm/v3/cmd/helm)
"$tmp/helm" version --short >/dev/null
mv -f "$tmp/helm" "$bin"
echo "$want" > "$stamp"
echo "helm ready in $(( $(date +%s) - start ))s" >&2
echo "$bin"
