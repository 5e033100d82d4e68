#!/usr/bin/env bash
# Durable latency at low concurrency (issue 22), side by side in one run: the floor (a 4 KiB append + fdatasync, and
# O_DSYNC writes, on a preallocated file; the loopback round trip; 1, 2 and 4 threads syncing at once), the bound 4 / (fsync p50 + round trip), the
# network transfer profile at 4 connections x 1 in flight durable and its ratio to the bound, a traced run of the same
# broken down per stage (JFR events, CallTimeline), one in-process caller against SQLite (python3's sqlite3, WAL,
# synchronous=FULL, one connection, the same transfer) and the pipelined figure (4 x 64 in flight).
#
# usage: scripts/bench/durable-latency.sh [options]
#   --duration-ms MS   measured window of every run (8000)
#   --warmup-ms MS     warmup of every run (3000)
#   --output-dir DIR   reports, the JFR recording and the breakdown (default: ${TMPDIR:-/tmp}/interstice-bench/latency-<time>)
#   --no-pipelined     skip the 4 x 64 run
#   -h | --help
# Environment: IB_CLI_DIR (a CLI build other than cli/target), IB_BENCH_JAR (other than benchmarks/target/benchmarks.jar).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/interstice-node.sh"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

DURATION_MS=8000
WARMUP_MS=3000
OUT=""
PIPELINED=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --duration-ms) DURATION_MS="$2"; shift 2 ;;
    --warmup-ms) WARMUP_MS="$2"; shift 2 ;;
    --output-dir) OUT="$2"; shift 2 ;;
    --no-pipelined) PIPELINED=0; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) ib_die "unknown option $1 (--help)" ;;
  esac
done
OUT="${OUT:-${TMPDIR:-/tmp}/interstice-bench/latency-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
BENCH_JAR="${IB_BENCH_JAR:-$IB_ROOT/benchmarks/target/benchmarks.jar}"

interstice_build
[[ -f "$BENCH_JAR" ]] || ib_die "no $BENCH_JAR: ./mvnw -q -B -ntp verify -DskipTests -pl abi,storage,webgpu,runtime,modules,network,cli,benchmarks"
trap 'interstice_node_stop' EXIT
trap 'exit 130' INT TERM
JAVA="$JAVA_HOME/bin/java"
echo "== start: $(uptime)"

# the floor: in the output directory (the same file system as the node's data: both under TMPDIR by default)
"$JAVA" "$HERE/LatencyProbe.java" fsync "$OUT" 2000 | tee "$OUT/probe.txt"
"$JAVA" "$HERE/LatencyProbe.java" rtt 20000 | tee -a "$OUT/probe.txt"
# whether this disk overlaps syncs (what a log that keeps several fsyncs in flight could gain)
"$JAVA" "$HERE/LatencyProbe.java" overlap "$OUT" 2000 | tee -a "$OUT/probe.txt"
read -r _ FSYNC_P50 FSYNC_P99 < <(grep '^fdatasync' "$OUT/probe.txt")
read -r _ RTT_P50 _ < <(grep '^rtt' "$OUT/probe.txt")

json() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r[sys.argv[2]])' "$1" "$2"; }
# CPU per acknowledged call in the measured window, in µs: the node's and the load generator's (its own JVM)
cpu_per_call() {
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); t=r["throughput_tps"]
node=r["rates"]["cpu_ms_of_process"]["per_second"]*1000/t
client=r["environment"]["process_cpu_ms_measured"]*1e6/(t*r["measured_ms"])
print("%.1f %.1f" % (node, client))' "$1"
}
profile() { # name inflight [extra...]
  local run="$1" k="$2"; shift 2
  interstice_cli benchmark profile transfer-uniform "$IB_NODE" --connections 4 --inflight "$k" --ack durable \
    --duration-ms "$DURATION_MS" --warmup-ms "$WARMUP_MS" --output "$OUT/$run.json" --no-html \
    --cpu-of-pid "$IB_NODE_PID" "$@" \
    >"$OUT/$run.txt" 2>"$OUT/$run.progress" || { tail -5 "$OUT/$run.progress" >&2; ib_die "$run failed"; }
  echo "$run: $(json "$OUT/$run.json" throughput_tps) tx/s, p50 $(json "$OUT/$run.json" latency_us_p50) us, load $(cut -d' ' -f1-3 /proc/loadavg)"
}

interstice_node_start
# a fresh node's first seconds run before its JIT has compiled the call path: one throwaway run warms it (measured
# without it, the first 4 x 1 run gave half the tx/s of the runs after it)
profile k1-warmup 1 >/dev/null
profile k1 1
# the same load, traced: JFR records the interstice.* events of the node for the measured window
"$JAVA_HOME/bin/jcmd" "$IB_NODE_PID" JFR.start name=timeline settings="$HERE/interstice-timeline.jfc" \
  filename="$OUT/node-k1.jfr" delay="$((WARMUP_MS / 1000))s" duration="$((DURATION_MS / 1000))s" >/dev/null
profile k1-traced 1
sleep 1
[[ $PIPELINED -eq 1 ]] && profile k64 64
interstice_node_stop
"$JAVA" -cp "$BENCH_JAR" dev.interstice.benchmarks.load.CallTimeline "$OUT/node-k1.jfr" | tee "$OUT/timeline-k1.txt"

# in process: one caller thread, durable; then SQLite on the same transfer
"$JAVA" -cp "$BENCH_JAR" dev.interstice.benchmarks.load.InProcessBench transfer-uniform --connections 1 --inflight 1 \
  --ack durable --duration-ms "$DURATION_MS" --warmup-ms "$WARMUP_MS" --quiet --output "$OUT/inprocess.json" \
  >"$OUT/inprocess.txt" 2>&1 || { tail -5 "$OUT/inprocess.txt" >&2; ib_die "in-process run failed"; }
python3 "$HERE/sqlite-transfer.py" "$OUT" --seconds "$((DURATION_MS / 1000))" --warmup "$((WARMUP_MS / 1000))" \
  | tee "$OUT/sqlite.txt"
rm -f "$OUT"/transfer.db*

K1=$(json "$OUT/k1.json" throughput_tps)
K1_P50=$(json "$OUT/k1.json" latency_us_p50)
INP=$(json "$OUT/inprocess.json" throughput_tps)
INP_P50=$(json "$OUT/inprocess.json" latency_us_p50)
read -r _ SQL SQL_P50 < "$OUT/sqlite.txt"
read -r CPU_NODE CPU_CLIENT < <(cpu_per_call "$OUT/k1.json")
CPU64_NODE=0 CPU64_CLIENT=0
[[ $PIPELINED -eq 1 ]] && read -r CPU64_NODE CPU64_CLIENT < <(cpu_per_call "$OUT/k64.json")
echo
echo "== $(nproc) cores, reports in $OUT, end: $(uptime)"
awk -v f="$FSYNC_P50" -v f99="$FSYNC_P99" -v r="$RTT_P50" -v k1="$K1" -v k1p="$K1_P50" -v inp="$INP" -v inpp="$INP_P50" \
    -v sql="$SQL" -v sqlp="$SQL_P50" -v cn="$CPU_NODE" -v cc="$CPU_CLIENT" -v cn64="$CPU64_NODE" -v cc64="$CPU64_CLIENT" -v cores="$(nproc)" -v k64="$([[ $PIPELINED -eq 1 ]] && json "$OUT/k64.json" throughput_tps || echo 0)" \
    -v k64p="$([[ $PIPELINED -eq 1 ]] && json "$OUT/k64.json" latency_us_p50 || echo 0)" 'BEGIN {
  bound = 4 / ((f + r) / 1e6)
  printf "fdatasync of a 4 KiB append      p50 %.0f us, p99 %.0f us\n", f, f99
  printf "loopback round trip              p50 %.0f us\n", r
  printf "bound 4 / (fsync + round trip)   %.0f tx/s\n", bound
  printf "network, 4 x 1 durable           %.0f tx/s (%.2f of the bound), p50 %.0f us (fsync p50 + %.0f us)\n", k1, k1 / bound, k1p, k1p - f
  printf "CPU per call at 4 x 1            node %.0f us + load generator %.0f us: %d cores bound it to %.0f tx/s\n", cn, cc, cores, cores / ((cn + cc) / 1e6)
  printf "in process, 1 caller durable     %.0f tx/s, p50 %.0f us\n", inp, inpp
  printf "SQLite WAL synchronous=FULL      %.0f tx/s, p50 %.0f us\n", sql, sqlp
  printf "in process / SQLite              %.2fx\n", inp / sql
  if (k64 > 0) printf "network, 4 x 64 durable          %.0f tx/s, p50 %.0f us\n", k64, k64p
  if (k64 > 0) printf "CPU per call at 4 x 64           node %.1f us + load generator %.1f us: %d cores bound it to %.0f tx/s\n", cn64, cc64, cores, cores / ((cn64 + cc64) / 1e6)
}' | tee "$OUT/summary.txt"
