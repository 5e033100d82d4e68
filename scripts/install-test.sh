#!/usr/bin/env bash
# The install archive as a user gets it: installs ARCHIVE with install.sh into a temporary prefix (the installed
# command runs on the archive's own runtime), runs the installed `interstice example hello` on a free port, checks
# that it greets and answers the everyday commands, and that a module project made by the installed `init` builds.
# Run by the build (dist, verify phase).
#
#   scripts/install-test.sh dist/target/interstice-<version>-linux-x64.tar.gz
set -euo pipefail
archive="$(readlink -f "$1")"
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
tmp="$(mktemp -d)"
pid=""
tls_pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
  if [ -n "$tls_pid" ]; then kill -9 "$tls_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
passed=0
failed=0
check() { # check <description> <command...>: one test
  local what="$1"
  shift
  if "$@" >"$tmp/check.out" 2>&1; then
    passed=$((passed + 1))
    echo "install-test: ok: $what"
  else
    failed=$((failed + 1))
    echo "install-test: FAILED: $what" >&2
    sed 's/^/  | /' "$tmp/check.out" >&2
  fi
}
# wait_for <file> <text> <seconds>: true once the file contains the text
wait_for() {
  local deadline=$((SECONDS + $3))
  while [ "$SECONDS" -lt "$deadline" ]; do
    grep -qF -- "$2" "$1" 2>/dev/null && return 0
    [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null && break
    sleep 0.1
  done
  grep -qF -- "$2" "$1" 2>/dev/null
}

check "install.sh installs the archive" bash "$here/install.sh" --prefix "$tmp/prefix" "$archive"
check "install.sh again upgrades in place" bash "$here/install.sh" --prefix "$tmp/prefix" "$archive"
cmd="$tmp/prefix/bin/interstice"
check "bin/interstice links to the current version" test -x "$cmd" -a -L "$tmp/prefix/lib/interstice/current"
check "the start-up caches were made" test -s "$tmp/prefix/lib/interstice/current/lib/interstice-node.aot" \
  -a -s "$tmp/prefix/lib/interstice/current/lib/interstice-client.aot"
export INTERSTICE_HOME="$tmp/home"
unset JAVA_HOME # the launcher runs the archive's own runtime, by path
check "the archive's runtime is a jlink image, not a JDK" bash -c \
  "test -x '$tmp/prefix/lib/interstice/current/runtime/bin/java' && ! test -e '$tmp/prefix/lib/interstice/current/runtime/bin/javac'"
check "interstice --version" "$cmd" --version

start=$(date +%s%N)
INTERSTICE_JAVA_OPTS="-Dinterstice.example.port=0" "$cmd" example hello >"$tmp/example.out" 2>&1 &
pid=$!
if wait_for "$tmp/example.out" 'Hello, Interstice!' 60; then
  echo "install-test: example hello greeted after $((($(date +%s%N) - start) / 1000000)) ms"
fi
check "the installed example hello greets" grep -qF 'Hello, Interstice!' "$tmp/example.out"
check "node ping hello-example" "$cmd" node ping hello-example
# Every class a client command's own code needs comes from the start-up cache: none parsed from a jar (a jar with
# class files older than Java 6, which the cache skips, would show here; dist's ModernizeClassFiles re-emits them).
check "a client command loads no class from a jar" bash -c "INTERSTICE_JAVA_OPTS=-Xlog:class+load=info \
  '$cmd' node ping hello-example >'$tmp/classes.out' && ! grep -E 'source: (file|jar):' '$tmp/classes.out'"
# A node started with `node start` serves TLS only; a client presents no certificate, so it must not load
# BouncyCastle (signed jars: the first class from one costs a signature check of the jar, ~0.5 s of a cold JVM).
tls_port=18700
while (exec 3<>"/dev/tcp/127.0.0.1/$tls_port") 2>/dev/null; do tls_port=$((tls_port + 1)); done
check "node create tls-node" "$cmd" node create tls-node "$tls_port"
"$cmd" node start tls-node >"$tmp/tls-node.out" 2>&1 &
tls_pid=$!
wait_for "$tmp/tls-node.out" 'listening on' 60 || true
# Its commands from this machine go through its local socket (<data>/node.sock, mode 600), with no TLS handshake,
# and the start-up cache covers that path as well.
check "node start makes a local socket, mode 600" bash -c "find '$INTERSTICE_HOME/nodes' -name node.sock -type s -perm 600 | grep -q ."
check "node show tls-node: through its local socket" bash -c "'$cmd' node show tls-node | grep -qF 'through its local socket'"
check "a client command over the local socket loads no class from a jar" bash -c "INTERSTICE_JAVA_OPTS=-Xlog:class+load=info \
  '$cmd' node ping tls-node >'$tmp/local-classes.out' && grep -qF pong '$tmp/local-classes.out' \
  && ! grep -E 'source: (file|jar):' '$tmp/local-classes.out'"
# The same node added by its address (as from another machine): TCP and TLS.
check "node add tls-remote" "$cmd" node add tls-remote "127.0.0.1:$tls_port"
check "a client command over TLS loads no BouncyCastle class" bash -c "INTERSTICE_JAVA_OPTS=-Xlog:class+load=info \
  '$cmd' node ping tls-remote >'$tmp/tls-classes.out' && grep -qF pong '$tmp/tls-classes.out' \
  && ! grep -F org.bouncycastle '$tmp/tls-classes.out'"
check "node show tls-remote: TLS 1.3" bash -c "'$cmd' node show tls-remote | grep -qF 'TLS 1.3'"
kill -TERM "$tls_pid" 2>/dev/null || true
for _ in $(seq 100); do kill -0 "$tls_pid" 2>/dev/null || break; sleep 0.1; done
check "the stopped node deleted its local socket" bash -c "! find '$INTERSTICE_HOME/nodes' -name node.sock | grep -q ."
check "call_reducer hello-example hello hello Install" "$cmd" call_reducer hello-example hello hello Install
check "rows show the new greeting" bash -c "'$cmd' rows hello-example hello greetings | grep -qF 'Hello, Install!'"
check "init uses the installed SDK" bash -c "'$cmd' init '$tmp/project' \
  && grep -qF '$tmp/prefix/lib/interstice/' '$tmp/project/package.json'"
if command -v npm >/dev/null 2>&1; then # the installed SDK builds a module (npm brings the compiler to the project)
  check "a module project from the installed SDK builds" bash -c "cd '$tmp/project' \
    && npm install --no-audit --no-fund --prefer-offline >/dev/null && npm run build >/dev/null && test -s build/module.wasm"
else
  echo "install-test: npm not found: the module build from the installed SDK is SKIPPED" >&2
fi
kill -TERM "$pid"
for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
check "the example stops on SIGTERM" bash -c "! kill -0 $pid 2>/dev/null"
if [ "$failed" -gt 0 ]; then
  echo "--- example output:" >&2
  tail -30 "$tmp/example.out" >&2
fi
echo "install-test: $passed passed, $failed failed"
[ "$failed" = 0 ]
