#!/usr/bin/env bash
# Wall time of CLI commands, interleaved: 3 warm-up runs of each command, then ROUNDS rounds running each command once;
# prints per command the median, p25, p75 and minimum in seconds. A command that fails is reported (its time would
# say nothing). Commands are strings run by bash, e.g.:
#
#   scripts/bench/cli-startup.sh 15 "interstice node ping hello-example" "interstice node ping my-tls-node"
set -euo pipefail
rounds=$1
shift
for c in "$@"; do for _ in 1 2 3; do bash -c "$c" >/dev/null 2>&1 || { echo "cli-startup: failed: $c" >&2; exit 1; }; done; done
for _ in $(seq "$rounds"); do
  for c in "$@"; do
    s=$(date +%s%N)
    bash -c "$c" >/dev/null 2>&1 || { echo "cli-startup: failed: $c" >&2; exit 1; }
    e=$(date +%s%N)
    echo "$c|$(((e - s) / 1000))"
  done
done | python3 -c '
import sys, statistics, collections
d = collections.OrderedDict()
for line in sys.stdin:
    c, us = line.rstrip().rsplit("|", 1)
    d.setdefault(c, []).append(int(us) / 1e6)
for c, v in d.items():
    v.sort()
    q = lambda p: v[int(p * (len(v) - 1))]
    print(f"{statistics.median(v):.3f} p25 {q(.25):.3f} p75 {q(.75):.3f} min {v[0]:.3f}  {c}")'
