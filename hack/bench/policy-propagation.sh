#!/usr/bin/env bash
# Benchmark (not a test): policy edit applied -> enforced by the proxy, with the
# packaged operator and the packaged proxy in their own processes against the
# test kube-apiserver. Prints Markdown (p50/p90/p99/max over the edits).
#
#   hack/bench/policy-propagation.sh [edits]   (default 200, plus a 10 % warm-up)
#
# An edit the proxy does not enforce within 30 s ends the run with exit 1.
# PolicyPropagationBenchmarkSmokeIT runs it with tiny parameters in make test.
set -euo pipefail
cd "$(dirname "$0")/../.."
hack/kube-binaries.sh >/dev/null
./mvnw -B -ntp -q -pl api,test-support,exec-shim,proxy,operator -am install -DskipTests
./mvnw -B -ntp -q -pl operator exec:java -Dexec.classpathScope=test \
  -Dexec.mainClass=dev.agentguard.operator.bench.PolicyPropagationBenchmark \
  -Dbench.edits="${1:-200}"
