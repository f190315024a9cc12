#!/usr/bin/env bash
# Fetches Keycloak's server distribution (org.keycloak:keycloak-quarkus-dist, zip) from Maven
# Central at a pinned version (there is no download from keycloak.org: only package registries
# are reachable), verifies it against a pinned SHA-256, unpacks it and runs `kc.sh build` once,
# so every test start is a `start --optimized` without Quarkus' ~40 s re-augmentation.
# Cached by version and build options, like hack/helm.sh and hack/kube-binaries.sh.
#
#   hack/keycloak.sh            fetch and build if missing, print the Keycloak home directory
#   hack/keycloak.sh --check    exit 1 unless the pinned Keycloak is cached
#
# Keycloak 26 needs Java 21+: KEYCLOAK_JAVA_HOME, else /usr/lib/jvm/temurin-25-jdk-amd64,
# else a `java` on PATH of version 21 or later.
# Layout: ${AGENTGUARD_CACHE:-~/.cache/agentguard}/keycloak/<version>/ (a Keycloak home).
set -euo pipefail

version=26.7.3
sha256=27a6535553c3cdcd083872ba40629efafb3475e3b758e0c6f691395561dd0f1f
# Build-time options (kc.sh build): the test server's embedded file database and health
# endpoints. Keycloak.java starts with runtime options only, so these must stay in step.
build_options="--db=dev-file --health-enabled=true"
url="https://repo.maven.apache.org/maven2/org/keycloak/keycloak-quarkus-dist/$version/keycloak-quarkus-dist-$version.zip"

root=${AGENTGUARD_CACHE:-$HOME/.cache/agentguard}
dir="$root/keycloak/$version"
stamp="$dir/.agentguard-build"
want="keycloak=$version sha256=$sha256 build=$build_options"

cached() { [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -x "$dir/bin/kc.sh" ]]; }

if [[ "${1:-}" == "--check" ]]; then
  cached && echo "$dir" && exit 0
  echo "keycloak missing or stale in $dir (want $want)" >&2
  exit 1
fi
if cached; then
  echo "$dir"
  exit 0
fi

java_home() {
  if [[ -n "${KEYCLOAK_JAVA_HOME:-}" ]]; then echo "$KEYCLOAK_JAVA_HOME"; return; fi
  if [[ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]]; then echo /usr/lib/jvm/temurin-25-jdk-amd64; return; fi
  local java; java=$(command -v java || true)
  if [[ -n "$java" ]] && "$java" -version 2>&1 | grep -qE 'version "(2[1-9]|[3-9][0-9])'; then
    dirname "$(dirname "$(readlink -f "$java")")"; return
  fi
  echo "keycloak: Keycloak $version needs a JDK 21 or later; install one (e.g. Temurin 25 at /usr/lib/jvm/temurin-25-jdk-amd64) or set KEYCLOAK_JAVA_HOME" >&2
  return 1
}
jdk=$(java_home)

start=$(date +%s)
mkdir -p "$root/keycloak"
tmp=$(mktemp -d "$root/keycloak/.fetch.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

echo "fetching keycloak-quarkus-dist $version from Maven Central" >&2
curl -sSfL --retry 3 -o "$tmp/dist.zip" "$url"
echo "$sha256  $tmp/dist.zip" | sha256sum -c --quiet - || {
  echo "keycloak: $url does not match the pinned SHA-256 $sha256" >&2; exit 1; }
unzip -q "$tmp/dist.zip" -d "$tmp"
home="$tmp/keycloak-$version"
echo "building keycloak ($build_options) with $jdk" >&2
JAVA_HOME="$jdk" "$home/bin/kc.sh" build $build_options > "$tmp/build.log" 2>&1 || {
  echo "keycloak: kc.sh build failed:" >&2; tail -20 "$tmp/build.log" >&2; exit 1; }
echo "$want" > "$home/.agentguard-build"
rm -rf "$dir"
mv "$home" "$dir"
echo "keycloak ready in $(( $(date +%s) - start ))s" >&2
echo "$dir"
