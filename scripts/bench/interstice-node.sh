# Sourced by network-profiles.sh and postgres-transfer.sh: an Interstice benchmark node in its own JVM
# (`interstice example benchmark`: the benchmark-workload module, a fresh data directory, loopback) and the
# `interstice benchmark` client in another JVM, both with a private CLI home (registry, example data) that
# interstice_node_stop deletes.
#
#   interstice_build                 builds the CLI (cli/target) if it is missing; IB_BUILD=1 forces a rebuild
#   interstice_node_start [PORT]     starts the node (a free port if none); sets IB_NODE_PID, IB_NODE, IB_HOME
#   interstice_node_cpu_ms           CPU time (user + system, ms) the node process has used so far
#   interstice_cli ARGS...           runs the CLI against that home, e.g. interstice_cli benchmark profile noop "$IB_NODE"
#   interstice_node_stop             stops the node (SIGTERM to its PID, then SIGKILL after 10 s) and deletes the home
#
# Environment: IB_NODE_JAVA_OPTS / IB_CLIENT_JAVA_OPTS: extra JVM options (e.g. -XX:StartFlightRecording=...);
# IB_CLI_DIR: a CLI build to run instead of cli/target (its interstice-cli.jar and lib/, e.g. a copy of an older build).

IB_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
IB_NODE=benchmark-example
IB_NODE_PID=""
IB_HOME=""
IB_CLI_DIR="${IB_CLI_DIR:-$IB_ROOT/cli/target}"

ib_die() { echo "interstice-node: $*" >&2; exit 1; }

interstice_build() {
  # shellcheck disable=SC1091
  source "$IB_ROOT/scripts/find-jdk.sh" || ib_die "no JDK 25"
  if [[ "${IB_BUILD:-0}" == 1 || ! -f "$IB_CLI_DIR/interstice-cli.jar" || ! -d "$IB_CLI_DIR/lib" ]]; then
    echo "interstice-node: building the CLI (./mvnw install -pl cli -am)..." >&2
    (cd "$IB_ROOT" && { ./mvnw -q -B -ntp -o -DskipTests install -pl cli -am || ./mvnw -q -B -ntp -DskipTests install -pl cli -am; }) >&2 \
      || ib_die "build failed"
  fi
}

ib_port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

interstice_node_start() {
  local port="${1:-}"
  if [[ -z "$port" ]]; then
    local p start=$((40000 + RANDOM % 20000))
    for ((p = start; p < start + 500; p++)); do if ib_port_free "$p"; then port=$p; break; fi; done
    [[ -n "$port" ]] || ib_die "no free port"
  fi
  ib_port_free "$port" || ib_die "port $port is in use"
  IB_HOME="$(mktemp -d "${TMPDIR:-/tmp}/interstice-bench-home.XXXXXX")"
  # shellcheck disable=SC2086
  INTERSTICE_HOME="$IB_HOME" "$JAVA_HOME/bin/java" ${IB_NODE_JAVA_OPTS:-} -Dinterstice.example.port="$port" \
    -cp "$IB_CLI_DIR/interstice-cli.jar:$IB_CLI_DIR/lib/*" dev.interstice.cli.Main example benchmark \
    >"$IB_HOME/node.log" 2>&1 &
  IB_NODE_PID=$!
  local i
  for ((i = 0; i < 600; i++)); do
    if grep -q "listening on .* with module benchmark-workload" "$IB_HOME/node.log" 2>/dev/null; then
      echo "interstice-node: node '$IB_NODE' (pid $IB_NODE_PID) on 127.0.0.1:$port, data in $IB_HOME/examples/benchmark" >&2
      return 0
    fi
    kill -0 "$IB_NODE_PID" 2>/dev/null || { cat "$IB_HOME/node.log" >&2; ib_die "the node exited"; }
    sleep 0.1
  done
  cat "$IB_HOME/node.log" >&2
  ib_die "the node did not start within 60 s"
}

interstice_node_cpu_ms() {
  [[ -n "$IB_NODE_PID" && -r /proc/$IB_NODE_PID/stat ]] || { echo 0; return; }
  # fields 14 and 15 (utime, stime) after the ")" that ends the command name
  local hz; hz=$(getconf CLK_TCK)
  sed 's/^.*) //' "/proc/$IB_NODE_PID/stat" | awk -v hz="$hz" '{printf "%d\n", ($12 + $13) * 1000 / hz}'
}

interstice_cli() {
  # shellcheck disable=SC2086
  INTERSTICE_HOME="$IB_HOME" "$JAVA_HOME/bin/java" ${IB_CLIENT_JAVA_OPTS:-} \
    -cp "$IB_CLI_DIR/interstice-cli.jar:$IB_CLI_DIR/lib/*" dev.interstice.cli.Main "$@"
}

interstice_node_stop() {
  if [[ -n "$IB_NODE_PID" ]] && kill -0 "$IB_NODE_PID" 2>/dev/null; then
    kill -TERM "$IB_NODE_PID" 2>/dev/null || true
    local i
    for ((i = 0; i < 100; i++)); do kill -0 "$IB_NODE_PID" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$IB_NODE_PID" 2>/dev/null && kill -KILL "$IB_NODE_PID" 2>/dev/null
    wait "$IB_NODE_PID" 2>/dev/null || true
  fi
  IB_NODE_PID=""
  [[ -n "$IB_HOME" && -d "$IB_HOME" ]] && rm -rf "$IB_HOME"
  IB_HOME=""
}
