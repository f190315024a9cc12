#!/usr/bin/env bash
# Benchmark (not a test): GET one object and LIST 500 objects, and LIST 1000
# Secrets (masked), straight to the test kube-apiserver and through the proxy,
# in one run; plus the masker's single-thread throughput. Prints Markdown.
#
#   hack/bench/proxy-api.sh [get-runs] [list-runs] [secret-runs]   (defaults 2000 200 30)
#
# Every answer is checked (status and body; Secrets masked through the proxy, in clear
# direct); a wrong one ends the run with exit 1 and says which, instead of a report.
# ProxyBenchmarkSmokeIT runs it with tiny parameters in make test.
set -euo pipefail
cd "$(dirname "$0")/../.."
hack/kube-binaries.sh >/dev/null
./mvnw -B -ntp -q -pl proxy -am install -DskipTests
./mvnw -B -ntp -q -pl proxy exec:java -Dexec.classpathScope=test \
  -Dexec.mainClass=dev.agentguard.proxy.bench.ProxyBenchmark \
  -Dbench.get="${1:-2000}" -Dbench.list="${2:-200}" -Dbench.secrets="${3:-30}"
