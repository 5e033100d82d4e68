#!/usr/bin/env bash
# Installs an Interstice archive (interstice-<version>-linux-x64.tar.gz) so that `interstice` is on PATH; running it
# again, with the same or a newer archive, upgrades in place. The archive brings its own Java runtime: no JDK needed.
#
#   install.sh [--prefix DIR] [ARCHIVE]
#
# DIR defaults to ~/.local. ARCHIVE defaults to the unpacked archive this script ships in, else (in a checkout) the
# newest dist/target/interstice-*-linux-x64.tar.gz. Layout (each version whole in its own directory, so that an update
# can switch versions with one rename and keep the previous one):
#   DIR/lib/interstice/<version>/           the unpacked archive, plus its start-up caches lib/interstice-{node,client}.aot
#   DIR/lib/interstice/current -> <version> switched atomically (rename of a new symlink over the old one)
#   DIR/lib/interstice/previous -> <version> the version it replaced (for `interstice update --rollback`)
#   DIR/bin/interstice -> ../lib/interstice/current/bin/interstice
# The installed version and the one it replaced are kept; older ones are removed. Node data is not touched (it lives
# in ~/.local/share/interstice, or INTERSTICE_HOME).
set -euo pipefail

usage() { sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
prefix="$HOME/.local"
archive=""
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) [ $# -ge 2 ] || { echo "install.sh: --prefix needs a directory" >&2; exit 2; }; prefix="$2"; shift 2 ;;
    --prefix=*) prefix="${1#--prefix=}"; shift ;;
    -h | --help) usage; exit 0 ;;
    -*) echo "install.sh: unknown option $1 (see install.sh --help)" >&2; exit 2 ;;
    *) archive="$1"; shift ;;
  esac
done

here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
if [ -z "$archive" ] && [ ! -x "$here/runtime/bin/java" ]; then
  archive="$(ls -t "$here"/../dist/target/interstice-*-linux-x64.tar.gz 2>/dev/null | head -1 || true)"
  if [ -z "$archive" ]; then
    echo "install.sh: no archive given and none built; build one with: ./mvnw -B -ntp verify -DskipTests" >&2
    exit 1
  fi
fi
if [ -n "$archive" ] && [ ! -f "$archive" ]; then echo "install.sh: $archive: no such file" >&2; exit 1; fi

mkdir -p "$prefix/lib/interstice" "$prefix/bin"
prefix="$(cd "$prefix" && pwd)"
root="$prefix/lib/interstice"
stage="$(mktemp -d "$root/.install-XXXXXX")" # beside the versions: the moves below stay on one file system
old=""
trap 'rm -rf "$stage" ${old:+"$old"}' EXIT
if [ -n "$archive" ]; then
  tar -xzf "$archive" -C "$stage"
else
  cp -a "$here" "$stage/$(basename "$here")"
fi
top="$(ls "$stage")"
version="${top#interstice-}"
if [ "$(printf '%s\n' "$top" | wc -l)" != 1 ] || [ "$version" = "$top" ] || [ ! -x "$stage/$top/runtime/bin/java" ] \
  || [ ! -x "$stage/$top/bin/interstice" ]; then
  echo "install.sh: ${archive:-$here} is not an Interstice archive (expected one directory interstice-<version>/" \
    "with bin/interstice and runtime/)" >&2
  exit 1
fi

target="$root/$version"
previous="$(readlink "$root/current" 2>/dev/null || true)"
if [ -e "$target" ]; then # the same version again: replace it
  old="$root/.old-$version-$$"
  mv "$target" "$old"
fi
mv "$stage/$top" "$target"

# The start-up cache records the runtime and the jars' paths, so it is made here, where they stay (JEP 483/515).
echo "install.sh: preparing the start-up caches (about a minute)..."
if ! "$target/bin/interstice" --train-aot-cache >"$target/lib/aot-training.log" 2>&1; then
  rm -f "$target"/lib/interstice-*.aot
  echo "install.sh: warning: no start-up caches (see $target/lib/aot-training.log); interstice works, only starts slower" >&2
fi

ln -sfn "$version" "$root/.current-$$"
mv -Tf "$root/.current-$$" "$root/current"
ln -sfn "../lib/interstice/current/bin/interstice" "$prefix/bin/.interstice-$$"
mv -Tf "$prefix/bin/.interstice-$$" "$prefix/bin/interstice"

# `previous` names the version this install replaced (`interstice update --rollback` switches back to it); the same
# version installed again keeps the previous one.
if [ -n "$previous" ] && [ "$previous" != "$version" ]; then
  ln -sfn "$previous" "$root/.previous-$$"
  mv -Tf "$root/.previous-$$" "$root/previous"
fi
previous="$(readlink "$root/previous" 2>/dev/null || true)"

for d in "$root"/*/; do # keep the installed version and the previous one
  d="${d%/}"
  name="$(basename "$d")"
  if [ "$name" != "$version" ] && [ "$name" != "$previous" ] && [ ! -L "$d" ] && [ -x "$d/bin/interstice" ]; then
    rm -rf "$d"
  fi
done

echo "install.sh: installed interstice $version in $target"
if [ "$(command -v interstice 2>/dev/null || true)" != "$prefix/bin/interstice" ]; then
  echo "install.sh: $prefix/bin is not on your PATH; add it, e.g.: export PATH=\"$prefix/bin:\$PATH\""
fi
