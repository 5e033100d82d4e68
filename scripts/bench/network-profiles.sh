#!/usr/bin/env bash
# The benchmark profiles over the network: a benchmark node (`interstice example benchmark`) in its own JVM, the
# `interstice benchmark profile` client in another, both on this machine. One JSON report and HTML chart per run, a
# table at the end with the CPU time each process used and the machine's load average.
#
# usage: scripts/bench/network-profiles.sh [options] [-- more `interstice benchmark profile` options]
#   --profiles "P ..."   profiles to run, in order (default: every profile but custom)
#   --inflight "K ..."   requests in flight per connection; every profile runs once per value (64)
#   --connections N      connections (4)
#   --duration-ms MS     measured window (10000)
#   --warmup-ms MS       warmup (5000; the node JVM compiles the hot paths during it)
#   --ack durable|fast   acknowledgement mode (default: each profile's)
#   --fresh-node         a new node (empty data directory) for every run (default: one node for all runs)
#   --jfr                record the node and the client with JFR (settings=profile) into the output directory
#   --output-dir DIR     where reports go (default: ${TMPDIR:-/tmp}/interstice-bench/network-<time>)
#   --port P             the node's port (default: a free one)
#   -h | --help
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/interstice-node.sh"

PROFILES="noop insert-ephemeral insert-stateful insert-logged-durable insert-logged-fast fanout scheduler transfer-uniform transfer-skewed"
INFLIGHT="64"
CONNECTIONS=4
DURATION_MS=10000
WARMUP_MS=5000
ACK=""
FRESH=0
JFR=0
OUT=""
PORT=""
EXTRA=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --profiles) PROFILES="$2"; shift 2 ;;
    --inflight) INFLIGHT="$2"; shift 2 ;;
    --connections) CONNECTIONS="$2"; shift 2 ;;
    --duration-ms) DURATION_MS="$2"; shift 2 ;;
    --warmup-ms) WARMUP_MS="$2"; shift 2 ;;
    --ack) ACK="$2"; shift 2 ;;
    --fresh-node) FRESH=1; shift ;;
    --jfr) JFR=1; shift ;;
    --output-dir) OUT="$2"; shift 2 ;;
    --port) PORT="$2"; shift 2 ;;
    --) shift; EXTRA=("$@"); break ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) ib_die "unknown option $1 (--help)" ;;
  esac
done
OUT="${OUT:-${TMPDIR:-/tmp}/interstice-bench/network-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"

interstice_build
trap 'interstice_node_stop' EXIT
trap 'exit 130' INT TERM

start_node() {
  local opts="${BASE_NODE_OPTS:-}"
  [[ $JFR -eq 1 ]] && opts="$opts -XX:StartFlightRecording=settings=profile,filename=$OUT/node-$1.jfr"
  IB_NODE_JAVA_OPTS="$opts" interstice_node_start "$PORT"
}
BASE_NODE_OPTS="${IB_NODE_JAVA_OPTS:-}"

ROWS=()
STATUS=0
[[ $FRESH -eq 0 ]] && start_node all
for profile in $PROFILES; do
  for k in $INFLIGHT; do
    run="$profile-k$k"
    [[ $FRESH -eq 1 ]] && start_node "$run"
    args=(benchmark profile "$profile" "$IB_NODE" --connections "$CONNECTIONS" --inflight "$k" --duration-ms "$DURATION_MS"
          --warmup-ms "$WARMUP_MS" --output "$OUT/$run.json")
    [[ -n "$ACK" ]] && args+=(--ack "$ACK")
    args+=("${EXTRA[@]}")
    client_opts="${IB_CLIENT_JAVA_OPTS:-}"
    [[ $JFR -eq 1 ]] && client_opts="$client_opts -XX:StartFlightRecording=settings=profile,filename=$OUT/client-$run.jfr"
    echo "== $run: interstice ${args[*]}" >&2
    cpu0=$(interstice_node_cpu_ms); t0=$(date +%s%N)
    rc=0
    IB_CLIENT_JAVA_OPTS="$client_opts" interstice_cli "${args[@]}" >"$OUT/$run.txt" 2>"$OUT/$run.progress" || rc=$?
    cpu1=$(interstice_node_cpu_ms); t1=$(date +%s%N)
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    cat "$OUT/$run.txt"
    [[ $rc -eq 0 ]] || { STATUS=$rc; tail -5 "$OUT/$run.progress" >&2; }
    wall_ms=$(( (t1 - t0) / 1000000 ))
    node_cpu=$(( cpu1 - cpu0 ))
    tps=$(awk '/^throughput/ {print $2; exit}' "$OUT/$run.txt")
    lat=$(awk '/^latency/ {print $3 $4, $9 $10, $15 $16; exit}' "$OUT/$run.txt")
    ver=$(grep -q "verification  FAIL" "$OUT/$run.txt" && echo FAIL || { grep -q "verification  PASS" "$OUT/$run.txt" && echo pass || echo none; })
    client_cpu=$(grep -o 'process_cpu_ms_measured=[0-9]*' "$OUT/$run.txt" | cut -d= -f2)
    ROWS+=("$(printf '%-30s %12s  %-32s %-5s  node %6.2f cores  client %5.2f cores (measured)  load %s' "$run" "${tps:-?}" "${lat:-?}" "$ver" \
      "$(awk -v c="$node_cpu" -v w="$wall_ms" 'BEGIN {printf "%.2f", (w > 0 ? c / w : 0)}')" \
      "$(awk -v c="${client_cpu:-0}" -v d="$DURATION_MS" 'BEGIN {printf "%.2f", c / d}')" "$load")")
    [[ $FRESH -eq 1 ]] && interstice_node_stop
  done
done

echo
echo "== $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $CONNECTIONS connections, reports in $OUT"
printf '%-30s %12s  %-32s %-5s  %s\n' "run" "tx/s" "p50 p99 max" "check" "CPU (node: whole run incl. warmup; client: measured window)"
printf '%s\n' "${ROWS[@]}"
exit $STATUS
