#!/usr/bin/env bash
# The long fuzz run (not in CI, which runs a bounded sample of the same tests): mutated protocol frames against a real
# node on loopback (ProtocolFuzzTest; a try sends 1-6 frames) and mutated modules loaded into a node
# (ModuleFuzzTest). Usage: scripts/fuzz.sh [protocol tries, default 400000 (~1M frames)] [module tries, default 10000]
# About 2.6 frames a try (the fuzzer prints its counts, threads and heap at the end): 400000 tries for a million frames.
# About 150 protocol tries and 30 modules a second on 2 cores. A failure prints the shrunk input that caused it.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/find-jdk.sh
protocol_tries="${1:-400000}"
module_tries="${2:-10000}"
run() { # test, tries
  ./mvnw -B -ntp -q verify -DskipNpm -pl abi,storage,webgpu,runtime,network -Dtest="$1" -Djqwik.tries.default="$2" \
    -Dsurefire.failIfNoSpecifiedTests=false
  grep -ho 'testcase name="[^"]*" classname="[^"]*" time="[^"]*"' "network/target/surefire-reports/TEST-dev.interstice.network.$1.xml"
}
run ProtocolFuzzTest "$protocol_tries"
run ModuleFuzzTest "$module_tries"
echo "fuzz.sh: $protocol_tries protocol tries and $module_tries modules: no failure"
