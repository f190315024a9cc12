#!/usr/bin/env bash
# Benchmark (not a test): GET one object and LIST 500 objects, and LIST 1000
# Secrets (masked), on four paths to the same test kube-apiserver in one run: direct,
# through `kubectl proxy` (the upstream reverse proxy, no policy: the peer), through the
# proxy alone, and through the agent's shim in front of it; each with 1, 16 and 64
# concurrent keep-alive clients. Plus the masker's single-thread throughput. Prints Markdown.
#
#   hack/bench/proxy-api.sh [get-runs] [list-runs] [secret-runs] [clients] [configmaps]
#                                          (defaults 2000 200 30 1,16,64 500; configmaps: how many the LIST returns)
#   BENCH_POLICIES=1000 hack/bench/proxy-api.sh ...   the proxy holds that many policies selecting the agent
#
# The runs are per path and number of clients (at least one per client). Every answer is
# checked (status and body; Secrets masked through the proxy, in clear direct and through
# kubectl proxy); a wrong one ends the run with exit 1 and says on which path, instead of
# a report. ProxyBenchmarkSmokeIT runs it with tiny parameters in make test.
set -euo pipefail
cd "$(dirname "$0")/../.."
hack/kube-binaries.sh >/dev/null
./mvnw -B -ntp -q -pl proxy -am install -DskipTests
./mvnw -B -ntp -q -pl proxy exec:java -Dexec.classpathScope=test \
  -Dexec.mainClass=dev.agentguard.proxy.bench.ProxyBenchmark \
  -Dbench.get="${1:-2000}" -Dbench.list="${2:-200}" -Dbench.secrets="${3:-30}" \
  -Dbench.concurrency="${4:-1,16,64}" -Dbench.configmaps="${5:-500}" -Dbench.policies="${BENCH_POLICIES:-0}"
