#!/usr/bin/env bash
# Benchmark (not a test): how fast the exec-shim is ready and how much memory it
# holds, with the JVM's default flags and with the flags the shim image uses, in
# one run. Ready = the startup probe (/q/health/started) answers UP, which
# happens after the placeholder credentials are written.
#
#   hack/bench/shim-startup.sh [runs]       (default 7 runs per variant)
#   AOT_JDK=/usr/lib/jvm/temurin-25-jdk-amd64 hack/bench/shim-startup.sh
#       also runs the tuned flags on that JDK (25 or later), without and with an AOT cache
#       (JEP 483/514) made by one training run of the same start-up and requests
#
# Needs a packaged shim: ./mvnw -pl exec-shim -am package -DskipTests
#
# Every run checks what the shim answered (ready, credentials written, 401 without the
# placeholder token) and the script exits 1 on anything else. ShimStartupSmokeIT (exec-shim)
# runs it with 1 run in the test suite.
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-7}
jar=exec-shim/target/quarkus-app/quarkus-run.jar
[[ -f $jar ]] || { echo "missing $jar; run: ./mvnw -pl exec-shim -am package -DskipTests" >&2; exit 1; }

# The flags the webhook gives the injected shim (agentguard.webhook.shim.jvm-options).
tuned="-XX:+UseSerialGC -Xss256k -Xmx24m -XX:MaxMetaspaceSize=48m -XX:ReservedCodeCacheSize=16m -XX:-UsePerfData -Xshare:auto"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

fail() { # <pid> <work dir> <message>: a wrong answer is a failed run, never a figure
  echo "shim-startup: $3; the shim's log:" >&2
  cat "$2/log" >&2
  kill "$1" 2>/dev/null || true
  exit 1
}

run_once() { # <jvm flags> [java] -> "<ready ms> <rss KiB>"
  local flags=$1 java=${2:-java} work port health pid start_ns ready_ns rss code file
  work=$(mktemp -d)
  port=$(free_port); health=$(free_port)
  echo "placeholder" > "$work/token"
  start_ns=$(date +%s%N)
  # shellcheck disable=SC2086
  AGENTGUARD_SHIM_PORT=$port AGENTGUARD_SHIM_UPSTREAM=https://127.0.0.1:9 \
  AGENTGUARD_SHIM_TOKEN_FILE=$work/token AGENTGUARD_SHIM_CREDENTIALS_DIR=$work/credentials \
  AGENTGUARD_POD_NAMESPACE=bench QUARKUS_HTTP_PORT=$health QUARKUS_LOG_CONSOLE_JSON_ENABLED=false \
    "$java" $flags -jar "$jar" > "$work/log" 2>&1 &
  pid=$!
  until curl -sf "http://127.0.0.1:$health/q/health/started" >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || fail "$pid" "$work" "the shim exited before it was ready"
    sleep 0.005
  done
  ready_ns=$(date +%s%N)
  # Ready means the agent's credentials are written: the placeholder token, the shim's CA, the namespace.
  for file in token ca.crt namespace; do
    [[ -s $work/credentials/$file ]] || fail "$pid" "$work" "ready, but credentials/$file is missing or empty"
  done
  # Memory once serving: a few requests through the listener first. Without the placeholder token
  # each must be the shim's own 401 (no upstream needed); anything else is a broken listener.
  for _ in $(seq 20); do
    code=$(curl -sk -o /dev/null -w '%{http_code}' "https://127.0.0.1:$port/api" || true)
    [[ $code == 401 ]] || fail "$pid" "$work" "a request without the placeholder token answered '$code', not 401"
  done
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
  # SIGTERM, not SIGKILL: a training run writes its AOT cache as the JVM exits.
  kill "$pid"; wait "$pid" 2>/dev/null || true
  rm -rf "$work"
  echo "$(( (ready_ns - start_ns) / 1000000 )) $rss"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

report() { # <name> <flags> [java]
  local name=$1 flags=$2 java=${3:-java} results
  results=$(for _ in $(seq "$runs"); do run_once "$flags" "$java"; done)
  printf '%-20s ready median %4s ms (min %s, max %s)   RSS median %5s MiB\n' "$name" \
    "$(cut -d' ' -f1 <<<"$results" | median)" \
    "$(cut -d' ' -f1 <<<"$results" | sort -n | head -1)" \
    "$(cut -d' ' -f1 <<<"$results" | sort -n | tail -1)" \
    "$(( $(cut -d' ' -f2 <<<"$results" | median) / 1024 ))"
}

echo "exec-shim start-up, $runs runs each, $(nproc) cores, $(java -version 2>&1 | head -1)"
report default ""
report tuned "$tuned"
if [[ -n ${AOT_JDK:-} ]]; then
  aot_java=$AOT_JDK/bin/java
  echo "with $("$aot_java" -version 2>&1 | head -1)"
  report "tuned, JDK $("$aot_java" -XshowSettings:properties -version 2>&1 | awk '/java.specification.version/ {print $3}')" \
    "$tuned" "$aot_java"
  cache=$(mktemp -d)/shim.aot
  # The cache must be made with the flags it is used with (GC, heap, code cache); -Xshare is its own.
  aot_flags=${tuned/ -Xshare:auto/}
  run_once "$aot_flags -XX:AOTCacheOutput=$cache" "$aot_java" >/dev/null
  [[ -s $cache ]] || { echo "shim-startup: the training run wrote no AOT cache at $cache" >&2; exit 1; }
  echo "AOT cache: $(( $(stat -c %s "$cache") / 1048576 )) MiB"
  report "tuned + AOT cache" "$aot_flags -XX:AOTCache=$cache -XX:AOTMode=on" "$aot_java"
  rm -rf "$(dirname "$cache")"
fi
