#!/usr/bin/env bash
# Renders manifests/ from the chart with its default values, so the plain YAML
# and the Helm chart are one source: each template charts/agentguard/templates/<c>/<f>.yaml
# becomes manifests/<c>/<f>.yaml, and the chart's CRDs are copied to manifests/crds.
# manifests/namespace.yaml is not generated (the chart installs into a namespace
# helm creates) and is left alone.
#
#   hack/manifests.sh           write manifests/ (make manifests)
#   hack/manifests.sh --check   exit 1, printing the difference, if manifests/ is not what the chart renders
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
helm=$("$root/hack/helm.sh")
header="# generated from charts/agentguard by make manifests; do not edit"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# What `helm install agentguard charts/agentguard -n agentguard-system` installs, without its
# hooks: a plain `kubectl apply -f manifests/` would run the pre-delete Job at once and
# delete the webhook configurations it had just created. Without helm, uninstall in the
# order manifests/README.md gives.
"$helm" template agentguard "$root/charts/agentguard" --namespace agentguard-system \
  --no-hooks --output-dir "$tmp/rendered" >/dev/null
out="$tmp/manifests"
mkdir -p "$out/crds"
(cd "$tmp/rendered/agentguard/templates" && find . -name '*.yaml') | while read -r f; do
  mkdir -p "$out/$(dirname "$f")"
  { echo "$header"; cat "$tmp/rendered/agentguard/templates/$f"; } > "$out/$f"
done
cp "$root"/charts/agentguard/crds/*.yaml "$out/crds/"
cp "$root/manifests/namespace.yaml" "$root/manifests/README.md" "$out/"

if [[ "${1:-}" == "--check" ]]; then
  if ! diff -ru "$root/manifests" "$out" >&2; then
    echo "manifests/ differs from what charts/agentguard renders (above: - manifests/, + chart); run: make manifests" >&2
    exit 1
  fi
  exit 0
fi

rm -rf "$root/manifests.new" && cp -r "$out" "$root/manifests.new"
rm -rf "$root/manifests" && mv "$root/manifests.new" "$root/manifests"
