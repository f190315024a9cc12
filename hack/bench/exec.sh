#!/usr/bin/env bash
# Benchmark (not a test): exec output throughput and TTY keystroke round trip,
# straight to the test kube-apiserver (kwok runs the command locally), to the
# proxy alone, and through exec-shim → proxy (recording on) → kube-apiserver,
# in one run; the keystrokes also with the proxy's partial-line delay at 0.
# Prints Markdown. Every session is checked (stdout exactly what the command prints,
# Status Success, each key echoed, the proxy's AgentSession complete); a wrong one ends
# the run with exit 1. Sessions kube-apiserver cuts short are counted in the report.
# Then the same text output split over 1, 8 and 32 sessions at once (3 runs each), to show
# how throughput, CPU and the proxy's memory grow with concurrent sessions.
# ExecBenchmarkSmokeIT runs it with tiny parameters in make test.
#
#   hack/bench/exec.sh [mib] [keystrokes] [runs] [sessions]      (defaults 256 500 20 1,8,32)
#
# Toggles, for finding where the time goes:
#   BENCH_PROXY_JVM='-XX:StartFlightRecording=filename=/tmp/jfr/,settings=profile'   extra proxy JVM flags
#   BENCH_SHIM_JVM=''    the shim's JVM flags (default: those the webhook injects)
set -euo pipefail
cd "$(dirname "$0")/../.."
hack/kube-binaries.sh >/dev/null
./mvnw -B -ntp -q -pl exec-shim,proxy -am install -DskipTests
./mvnw -B -ntp -q -pl proxy exec:java -Dexec.classpathScope=test \
  -Dexec.mainClass=dev.agentguard.proxy.bench.ExecBenchmark \
  -Dbench.mib="${1:-256}" -Dbench.keystrokes="${2:-500}" -Dbench.runs="${3:-20}" -Dbench.sessions="${4:-1,8,32}" \
  -Dbench.proxy.jvm="${BENCH_PROXY_JVM:-}" ${BENCH_SHIM_JVM+"-Dbench.shim.jvm=$BENCH_SHIM_JVM"}
