#!/usr/bin/env bash
# Runs every benchmark with its defaults, one after the other, and writes their reports
# with what they ran on to docs/benchmark-runs/<UTC date>.md (make bench), and a dated row
# with the headline figures into the table of runs in docs/benchmarks.md. Not a test and
# not part of make test: on the 2-core machine it takes about 40 minutes, most of it the
# 256 MiB exec streams. Run it on an otherwise idle machine; the load average before and
# after each benchmark is in the report so a shared machine shows.
#
#   hack/bench/all.sh [out-file]     (default docs/benchmark-runs/$(date -u +%F).md)
#   BENCH_QUICK=1 hack/bench/all.sh /tmp/run.md    tiny parameters: checks the plumbing in minutes
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-docs/benchmark-runs/$(date -u +%F).md}
mkdir -p "$(dirname "$out")"
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT

{
  echo "# Benchmark run $(date -u '+%F %H:%M UTC')"
  echo
  echo "- commit: \`$(git rev-parse --short HEAD)\`$(git diff --quiet HEAD -- . ':!docs' || echo ' (with uncommitted changes)')"
  echo "- machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), $(uname -sr)"
  echo "- JVM: $(java -version 2>&1 | head -1)"
  echo
  echo "Every figure below comes from the command above it; docs/benchmarks.md says how to read each one."
} > "$tmp"

run() {
  local title=$1
  shift
  echo "==> $title: $*" >&2
  {
    echo
    echo "## $title"
    echo
    echo '```sh'
    echo "$*"
    echo '```'
    echo
    echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo
    echo '```'
  } >> "$tmp"
  # A benchmark that fails (a wrong answer) fails the run: no report with a missing part.
  "$@" | grep -v '^[0-9]\{4\}-[0-9][0-9]-[0-9][0-9] [0-9:,]* \(INFO\|WARN\|DEBUG\)' >> "$tmp"
  {
    echo '```'
    echo
    echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
  } >> "$tmp"
}

if [ -n "${BENCH_QUICK:-}" ]; then
  echo "BENCH_QUICK: tiny parameters, the figures mean nothing" >> "$tmp"
fi

# The arguments before "--" under BENCH_QUICK, those after it (none: the script's defaults) otherwise.
args() {
  local quick=()
  while [ "$1" != "--" ]; do quick+=("$1"); shift; done
  shift
  if [ -n "${BENCH_QUICK:-}" ]; then echo "${quick[@]}"; else echo "$@"; fi
}

run "exec-shim start-up and memory" hack/bench/shim-startup.sh $(args 1 --)
run "Proxy, API path" hack/bench/proxy-api.sh $(args 20 4 2 1,4 --)
# How a LIST's cost grows with its size: 10 and 5000 objects (500 is the run above).
run "Proxy, API path, LIST of 10 ConfigMaps" hack/bench/proxy-api.sh $(args 20 4 2 1,4 10 -- 200 200 10 1,16,64 10)
run "Proxy, API path, LIST of 5000 ConfigMaps" hack/bench/proxy-api.sh $(args 20 4 2 1,4 5000 -- 200 40 10 1,16,64 5000)
# How a request's cost grows with the policies the proxy holds: 10 and 1000, GETs and small LISTs.
BENCH_POLICIES=10 run "Proxy, API path, 10 policies" hack/bench/proxy-api.sh $(args 20 4 2 1,4 10 -- 2000 200 10 1,16,64 10)
BENCH_POLICIES=1000 run "Proxy, API path, 1000 policies" hack/bench/proxy-api.sh $(args 20 4 2 1,4 10 -- 2000 200 10 1,16,64 10)
run "Policy propagation" hack/bench/policy-propagation.sh $(args 5 --)
run "Operator CPU per Lease renewal" hack/bench/bundle-rebuild.sh $(args 2 --)
run "Exec path" hack/bench/exec.sh $(args 1 5 1 --)

# The headline figures of one report, as cells of the runs table in docs/benchmarks.md: the agent's
# exec path against direct (NULs, text), and the proxy's GETs at 64 clients against direct's.
headlines() {
  awk -F'|' '
    /^## / { section = $0 }
    section ~ /^## Exec path/ && $3 ~ /shim \+ proxy/ && exec < 2 { gsub(/\*/, "", $5); gsub(/^ +| +$/, "", $5); e[exec++] = $5 }
    section == "## Proxy, API path" && /^#### GET/ { get = 1 }
    section == "## Proxy, API path" && /^#### LIST/ { get = 0 }
    get && $2 ~ /^ 64 $/ && $3 ~ /^ direct $/ { direct = $5 }
    get && $2 ~ /^ 64 $/ && $3 ~ /^ proxy only $/ { proxy = $5 }
    END {
      printf "%s / %s | %s |", (exec > 0 ? e[0] : "n/a"), (exec > 1 ? e[1] : "n/a"),
        (direct > 0 ? sprintf("%.0f %%", 100 * proxy / direct) : "n/a")
    }' "$1"
}

mv "$tmp" "$out"
trap - EXIT
echo "wrote $out" >&2

# Only the runs kept in docs/ are listed: a report written elsewhere (BENCH_QUICK's) is not a figure.
if [[ $out == docs/benchmark-runs/* && -z ${BENCH_QUICK:-} ]]; then
  row="| $(date -u '+%F %H:%M') | \`$(git rev-parse --short HEAD)\` | $(nproc) cores | $(headlines "$out") [report](${out#docs/}) |"
  awk -v row="$row" '{ print } /^<!-- make bench adds a row below -->$/ { getline; print; getline; print; print row }' \
    docs/benchmarks.md > "$tmp.md" && mv "$tmp.md" docs/benchmarks.md
  echo "added a row to docs/benchmarks.md" >&2
fi
