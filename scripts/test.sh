#!/usr/bin/env bash
# The test command: builds everything (Java modules, the AssemblyScript SDK and example modules through npm) and runs
# every test. Needs a JDK 25+ (found by find-jdk.sh) and Node.js 20+ with npm.
set -euo pipefail
cd "$(dirname "$0")/.."
source ./scripts/find-jdk.sh
exec ./mvnw -B -ntp verify "$@"
