#!/usr/bin/env bash
# Throughput of several CLI builds, alternated round by round (a ratio from one run, never from two days): each run
# starts a fresh `example benchmark` node from the build (interstice-node.sh), runs the transfer-uniform profile
# against it, stops it. A build is a directory holding interstice-cli.jar and lib/ (a copy of cli/target, e.g. with
# one jar swapped).
#
#   scripts/bench/ab-builds.sh ROUNDS INFLIGHT CONNECTIONS DIR...      (env: DUR measured ms, default 6000; OUT)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/interstice-node.sh"
rounds=$1 inflight=$2 conns=$3
shift 3
source "$IB_ROOT/scripts/find-jdk.sh" >/dev/null
trap 'interstice_node_stop' EXIT
OUT="${OUT:-$(mktemp -d)}"
for r in $(seq "$rounds"); do
  for d in "$@"; do
    b=$(basename "$d")
    IB_CLI_DIR="$d"
    interstice_node_start 2>/dev/null
    interstice_cli benchmark profile transfer-uniform "$IB_NODE" --connections "$conns" --inflight "$inflight" \
      --duration-ms "${DUR:-6000}" --warmup-ms 3000 --quiet --no-html --output "$OUT/$b-$r.json" >/dev/null 2>&1 \
      || ib_die "$b round $r failed"
    interstice_node_stop
    python3 - "$OUT/$b-$r.json" "$b" "$r" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
load = open("/proc/loadavg").read().split()[0]
print(f"{sys.argv[2]} round {sys.argv[3]}: {round(d['throughput_tps'])} tx/s, p50 {d['latency_us_p50']} us, "
      f"verified {d['verification']['passed']}, load {load}")
PY
  done
done
