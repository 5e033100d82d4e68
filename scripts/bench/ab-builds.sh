#!/usr/bin/env bash
# Throughput of several CLI builds, alternated round by round (a ratio from one run, never from two days): each run
# starts a fresh `example benchmark` node from the build, runs the transfer-uniform profile against it, stops it.
# A build is a directory holding interstice-cli.jar and lib/ (a copy of cli/target, e.g. with one jar swapped).
#
#   scripts/bench/ab-builds.sh ROUNDS INFLIGHT CONNECTIONS DIR...      (env: DUR measured ms, default 6000; OUT)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../find-jdk.sh" >/dev/null
rounds=$1 inflight=$2 conns=$3
shift 3
J="$JAVA_HOME/bin/java"
OUT="${OUT:-$(mktemp -d)}"
for r in $(seq "$rounds"); do
  for d in "$@"; do
    b=$(basename "$d")
    "$J" -XX:+ExitOnOutOfMemoryError --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
      -cp "$d/interstice-cli.jar" dev.interstice.cli.Main example benchmark >"$OUT/node-$b.log" 2>&1 &
    pid=$!
    for _ in $(seq 600); do grep -q "listening on" "$OUT/node-$b.log" && break; sleep 0.1; done
    "$J" -XX:+UseSerialGC --enable-native-access=ALL-UNNAMED -cp "$d/interstice-cli.jar" dev.interstice.cli.Main \
      benchmark profile transfer-uniform benchmark-example --connections "$conns" --inflight "$inflight" \
      --duration-ms "${DUR:-6000}" --warmup-ms 3000 --quiet --no-html --output "$OUT/$b-$r.json" >/dev/null 2>&1 || true
    kill -TERM "$pid"
    wait "$pid" 2>/dev/null || true
    python3 - "$OUT/$b-$r.json" "$b" "$r" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
load = open("/proc/loadavg").read().split()[0]
print(f"{sys.argv[2]} round {sys.argv[3]}: {round(d['throughput_tps'])} tx/s, p50 {d['latency_us_p50']} us, "
      f"verified {d['verification']['passed']}, load {load}")
PY
  done
done
