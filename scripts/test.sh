#!/usr/bin/env bash
# The test command: builds everything (Java modules, the AssemblyScript SDK and example modules through npm) and runs
# every test. Needs a JDK 25+ (found by find-jdk.sh) and Node.js 20+ with npm.
# The window tests need an X server: without DISPLAY this starts Xvfb (when installed) on a free display for the run
# and stops it after; without either they are skipped, and say so.
set -euo pipefail
cd "$(dirname "$0")/.."
source ./scripts/find-jdk.sh
if [ -z "${DISPLAY:-}" ]; then
  if command -v Xvfb >/dev/null 2>&1; then
    displayfile="$(mktemp)"
    # -displayfd: Xvfb picks a free display number itself and writes it once it accepts connections
    Xvfb -displayfd 3 -screen 0 1280x1024x24 -nolisten tcp 3>"$displayfile" >/dev/null 2>&1 &
    xvfb_pid=$!
    trap 'kill "$xvfb_pid" 2>/dev/null || true; rm -f "$displayfile"' EXIT
    for _ in $(seq 100); do
      [ -s "$displayfile" ] && break
      kill -0 "$xvfb_pid" 2>/dev/null || break
      sleep 0.1
    done
    if [ -s "$displayfile" ]; then
      export DISPLAY=":$(tr -d '[:space:]' <"$displayfile")"
      echo "test.sh: started Xvfb on DISPLAY=$DISPLAY for the window tests"
    else
      echo "test.sh: Xvfb did not start: the window tests will be SKIPPED" >&2
    fi
  else
    echo "test.sh: no DISPLAY and no Xvfb (Debian package xvfb): the window tests will be SKIPPED" >&2
  fi
fi
./mvnw -B -ntp verify "$@"
