#!/usr/bin/env bash
# Operator CPU per proxy Lease renewal: a bundle build per policy reconcile (before) vs the
# bundle kept since the last policy event (now). Prints a Markdown table for docs/benchmarks.md.
# A bundle that does not hold every policy ends the run with exit 1.
# BundleRebuildBenchmarkSmokeIT runs it with tiny parameters in make test.
#
#   hack/bench/bundle-rebuild.sh [rounds]   (default 20)
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -B -ntp -q -pl api,operator -am install -DskipTests
./mvnw -B -ntp -q -pl operator exec:java -Dexec.classpathScope=test \
  -Dexec.mainClass=dev.agentguard.operator.bench.BundleRebuildBenchmark \
  -Dbench.rounds="${1:-20}"
