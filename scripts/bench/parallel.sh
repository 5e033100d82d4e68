#!/usr/bin/env bash
# Parallel execution (issue 18 part 2, docs/parallel-execution.md): the in-process transfer profiles with 1 executor
# (today's serial path) and with 2, 4, 8 (optimistic, validated in commit order), side by side in one run, each with
# its ratio to 1. Acknowledgement FAST: the call returns after the in-memory commit (fsync within ~10 ms, off the
# caller's path), so the figure is execution, not the disk.
#
# usage: scripts/bench/parallel.sh [options]
#   --executors "1 2 4 8"   executor counts (the first is the baseline of the ratios)
#   --profiles "transfer-uniform transfer-skewed"
#   --connections N         connections (8)    --inflight K   threads per connection (1): N x K callers, the same for every run
#   --accounts N            accounts (100000)  --zipf-alpha A (1.5, transfer-skewed)
#   --duration-ms MS        measured window of every run (10000)   --warmup-ms MS (3000)
#   --output-dir DIR        JSON reports (default: ${TMPDIR:-/tmp}/interstice-bench/parallel-<time>)
#   -h | --help
# Environment: IB_BENCH_JAR (other than benchmarks/target/benchmarks.jar).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

EXECUTORS="1 2 4 8"
PROFILES="transfer-uniform transfer-skewed"
CONNECTIONS=8
INFLIGHT=1
ACCOUNTS=100000
ALPHA=1.5
DURATION_MS=10000
WARMUP_MS=3000
OUT=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --executors) EXECUTORS="$2"; shift 2 ;;
    --profiles) PROFILES="$2"; shift 2 ;;
    --connections) CONNECTIONS="$2"; shift 2 ;;
    --inflight) INFLIGHT="$2"; shift 2 ;;
    --accounts) ACCOUNTS="$2"; shift 2 ;;
    --zipf-alpha) ALPHA="$2"; shift 2 ;;
    --duration-ms) DURATION_MS="$2"; shift 2 ;;
    --warmup-ms) WARMUP_MS="$2"; shift 2 ;;
    --output-dir) OUT="$2"; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option $1 (--help)" >&2; exit 1 ;;
  esac
done
OUT="${OUT:-${TMPDIR:-/tmp}/interstice-bench/parallel-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$OUT"
BENCH_JAR="${IB_BENCH_JAR:-$ROOT/benchmarks/target/benchmarks.jar}"
source "$ROOT/scripts/find-jdk.sh" >/dev/null
[[ -f "$BENCH_JAR" ]] || { echo "no $BENCH_JAR: ./mvnw -q -B -ntp verify -DskipTests -pl abi,storage,webgpu,runtime,modules,network,cli,benchmarks" >&2; exit 1; }

json() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r[sys.argv[2]])' "$1" "$2"; }
echo "== $(date -u +%FT%TZ) $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); ack fast, $CONNECTIONS x $INFLIGHT callers, $ACCOUNTS accounts"
for p in $PROFILES; do
  base=""
  for n in $EXECUTORS; do
    run="$p-x$n"
    "$JAVA_HOME/bin/java" -cp "$BENCH_JAR" dev.interstice.benchmarks.load.InProcessBench "$p" --executors "$n" \
      --ack fast --connections "$CONNECTIONS" --inflight "$INFLIGHT" --accounts "$ACCOUNTS" --zipf-alpha "$ALPHA" \
      --duration-ms "$DURATION_MS" --warmup-ms "$WARMUP_MS" --quiet --output "$OUT/$run.json" \
      >"$OUT/$run.txt" 2>&1 || { tail -5 "$OUT/$run.txt" >&2; echo "$run failed" >&2; exit 1; }
    tps="$(json "$OUT/$run.json" throughput_tps)"
    [[ -z "$base" ]] && base="$tps"
    stats="$(grep -o 'ExecutionStats\[[^]]*\]' "$OUT/$run.json" | head -1 || true)"
    cpu="$(grep -o '[0-9.]* us/tx' "$OUT/$run.json" | head -1 || true)"
    printf '%-18s executors %-2s %10.0f tx/s  x%.2f  %s  %s\n' "$p" "$n" "$tps" \
      "$(python3 -c "print($tps / $base if $base else 0)")" "$cpu" "$stats"
  done
done
echo "reports in $OUT"
