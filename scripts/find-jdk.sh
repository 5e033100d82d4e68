# Sourced by .ci/run and ./interstice: exports JAVA_HOME pointing at a JDK 25 or newer.
# Order: JAVA_HOME if it is 25+, then the newest JDK under /usr/lib/jvm, then `java` on PATH.
_jdk_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | cut -d. -f1; }
_jdk_ok() { [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] && [ "$(_jdk_major "$1")" -ge 25 ] 2>/dev/null; }
_found=""
if [ -n "${JAVA_HOME:-}" ] && _jdk_ok "$JAVA_HOME"; then _found="$JAVA_HOME"; fi
if [ -z "$_found" ]; then
  for d in $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do
    d="${d%/}"; if _jdk_ok "$d"; then _found="$d"; break; fi
  done
fi
if [ -z "$_found" ] && command -v javac >/dev/null 2>&1; then
  d="$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")"
  if _jdk_ok "$d"; then _found="$d"; fi
fi
if [ -z "$_found" ]; then
  echo "error: Interstice needs a JDK 25 or newer. Install one and set JAVA_HOME to it." >&2
  return 1 2>/dev/null || exit 1
fi
export JAVA_HOME="$_found"
export PATH="$JAVA_HOME/bin:$PATH"
unset _found d
