#!/usr/bin/env bash
# Where a JFR recording's CPU samples are: jdk.ExecutionSample events aggregated by top frame (and by thread), most
# frequent first; or, with --inclusive, the share of samples in which a method is anywhere on the stack. For the
# "what the time goes to" sections of docs/benchmarks.md.
#
# usage: scripts/bench/jfr-top.sh [options] RECORDING.jfr
#   --rows N             rows to print (30)
#   --depth D            top-frame mode: frames per row, joined with " <- " (1)
#   --inclusive REGEX    inclusive mode: methods (class.method) matching REGEX, with the % of samples they are in
#   --from HH:MM:SS      only samples at or after this time of day (e.g. the start of the measured window)
#   --to HH:MM:SS        only samples before this time of day
#   --thread REGEX       only samples of threads whose name matches REGEX (digits in it as #, e.g. load-sender)
#
# Record with: java -XX:StartFlightRecording=filename=x.jfr,settings=profile ...  or, on a running JVM,
#              jcmd <pid> JFR.start settings=profile duration=10s filename=x.jfr
# (add jdk.ExecutionSample#period=2ms to the -XX:StartFlightRecording options for more samples)
set -euo pipefail
ROWS=30; DEPTH=1; INCL=""; FROM=""; TO=""; THREAD=""; FILE=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rows) ROWS="$2"; shift 2 ;;
    --depth) DEPTH="$2"; shift 2 ;;
    --inclusive) INCL="$2"; shift 2 ;;
    --from) FROM="$2"; shift 2 ;;
    --to) TO="$2"; shift 2 ;;
    --thread) THREAD="$2"; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) FILE="$1"; shift ;;
  esac
done
[[ -n "$FILE" && -f "$FILE" ]] || { echo "jfr-top: no recording given (--help)" >&2; exit 1; }
command -v jfr >/dev/null || { [[ -n "${JAVA_HOME:-}" ]] && PATH="$JAVA_HOME/bin:$PATH"; }
command -v jfr >/dev/null || { echo "jfr-top: the jfr tool (JDK bin) is not on PATH; source scripts/find-jdk.sh" >&2; exit 1; }
STACK=$DEPTH
[[ -n "$INCL" ]] && STACK=128

jfr print --events jdk.ExecutionSample --stack-depth "$STACK" "$FILE" | awk -v depth="$DEPTH" -v incl="$INCL" \
    -v from="$FROM" -v to="$TO" -v thr="$THREAD" -v rows="$ROWS" '
  function flush_sample() {
    if (!inev) return
    inev = 0
    if ((from != "" && time < from) || (to != "" && time >= to)) return
    if (thr != "" && thread !~ thr) return
    total++; bythread[thread]++
    if (incl == "") { byframe[frames]++; return }
    for (k in seen) inc[k]++
  }
  /^jdk.ExecutionSample/ { flush_sample(); inev = 1; frames = ""; nf = 0; thread = ""; time = ""; delete seen; next }
  inev && /startTime = / { time = $3 }
  inev && /sampledThread = / { t = $0; sub(/.*sampledThread = "/, "", t); sub(/".*/, "", t); gsub(/[0-9]+/, "#", t); thread = t }
  inev && /stackTrace = \[/ { instack = 1; next }
  inev && instack && /^[[:space:]]*\]/ { instack = 0; next }
  inev && instack {
    f = $0; sub(/^[[:space:]]+/, "", f); sub(/[[:space:]]+line:.*/, "", f)
    if (f == "...") next
    if (incl != "") { m = f; sub(/\(.*/, "", m); if (m ~ incl) seen[m] = 1; next }
    if (nf < depth) { frames = nf == 0 ? f : frames " <- " f; nf++ }
  }
  END {
    flush_sample()
    sorter = "sort -rn | head -" rows
    printf "%d samples%s\n\n", total, (from != "" || to != "" ? " (" from "-" to ")" : ""); fflush()
    if (incl == "") {
      printf "-- by top frame%s --\n", (depth > 1 ? "s" : ""); fflush()
      for (k in byframe) printf "%6d %5.1f%%  %s\n", byframe[k], 100 * byframe[k] / total, k | sorter
    } else {
      printf "-- samples with the method on the stack (inclusive) --\n"; fflush()
      for (k in inc) printf "%6d %5.1f%%  %s\n", inc[k], 100 * inc[k] / total, k | sorter
    }
    close(sorter)
    printf "\n-- by thread (digits replaced by #) --\n"; fflush()
    for (k in bythread) printf "%6d %5.1f%%  %s\n", bythread[k], 100 * bythread[k] / total, k | "sort -rn | head -12"
  }'
