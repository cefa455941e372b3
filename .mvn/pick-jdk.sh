#!/bin/sh
# Prints the home of a JDK >= 21 for Maven and ./bazaar, or one line on stderr saying what to
# install and exits 1. Shared by ./mvnw and ./bazaar, so both run on the same JDK whatever the
# default `java` is. POSIX sh: ./mvnw is sh, not bash. Reads each JDK's `release` file (no JVM
# start), and runs `java -version` only for a java without one.
#
# Order: $JAVA_HOME if it is >= 21; the `java` on PATH if it is >= 21; else the newest JDK >= 21
# under the usual install roots: /usr/lib/jvm (Debian, Ubuntu, Fedora), /usr/lib64/jvm,
# /Library/Java/JavaVirtualMachines (macOS), /opt/homebrew/opt and /usr/local/opt (Homebrew),
# ~/.sdkman/candidates/java, ~/.jdks (IntelliJ), ~/.asdf/installs/java. BAZAAR_JDK_ROOTS
# (colon-separated directories whose children are JDK homes) replaces that list.
set -eu

MIN=21

# Major version of the JDK at home $1: "17.0.2" -> 17, "1.8.0_292" -> 8, "25" -> 25; empty if none.
major_of_home() {
  v=""
  if [ -f "$1/release" ]; then
    v="$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$1/release" | head -n 1)"
  fi
  if [ -z "$v" ] && [ -x "$1/bin/java" ]; then
    v="$("$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n 1)" || v=""
  fi
  case "$v" in 1.*) v="${v#1.}" ;; esac
  v="${v%%[!0-9]*}"
  printf '%s' "$v"
}

FOUND=""
# Remembers a rejected java for the error message, once per physical JDK (symlinked aliases such as
# /usr/lib/jvm/java-1.17.0-openjdk-amd64 would repeat it).
note() {
  where="$(cd -P "$(dirname "$2")" 2>/dev/null && pwd)/java" || where="$2"
  case ", $FOUND," in *" at $where,"*) return 0 ;; esac
  FOUND="${FOUND:+$FOUND, }java ${1:-?} at $where"
}

# A usable home has bin/java and bin/javac (Maven compiles) and is new enough.
usable() {
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 1
  m="$(major_of_home "$1")"
  if [ -n "$m" ] && [ "$m" -ge "$MIN" ]; then return 0; fi
  note "$m" "$1/bin/java"
  return 1
}

if [ -n "${JAVA_HOME:-}" ] && usable "$JAVA_HOME"; then
  printf '%s\n' "$JAVA_HOME"
  exit 0
fi

# The java on PATH: follow symlinks (/usr/bin/java -> alternatives -> the JDK) to its home.
if java="$(command -v java 2>/dev/null)" && [ -n "$java" ]; then
  home=""
  if real="$(readlink -f "$java" 2>/dev/null)" && [ -n "$real" ]; then
    home="$(cd "$(dirname "$real")/.." && pwd)"
  fi
  # macOS' /usr/bin/java is a stub that finds no JDK through its own path; ask the JVM.
  if [ -z "$home" ] || [ ! -x "$home/bin/javac" ]; then
    home="$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.home = //p' | head -n 1)" || home=""
  fi
  if [ -n "$home" ] && usable "$home"; then
    printf '%s\n' "$home"
    exit 0
  fi
fi

if [ -n "${BAZAAR_JDK_ROOTS:-}" ]; then
  roots="$BAZAAR_JDK_ROOTS"
else
  roots="/usr/lib/jvm:/usr/lib64/jvm:/Library/Java/JavaVirtualMachines:/opt/homebrew/opt:/usr/local/opt"
  roots="$roots:${HOME:-/nonexistent}/.sdkman/candidates/java:${HOME:-/nonexistent}/.jdks"
  roots="$roots:${HOME:-/nonexistent}/.asdf/installs/java"
fi

best=""
best_major=0
old_ifs="$IFS"
IFS=:
for root in $roots; do
  IFS="$old_ifs"
  [ -d "$root" ] || continue
  for dir in "$root"/*; do
    # macOS bundles keep the home in Contents/Home; Homebrew's openjdk formulae in libexec/...
    for home in "$dir" "$dir/Contents/Home" "$dir/libexec/openjdk.jdk/Contents/Home"; do
      [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || continue
      m="$(major_of_home "$home")"
      if [ -n "$m" ] && [ "$m" -ge "$MIN" ] && [ "$m" -gt "$best_major" ]; then
        best="$home"
        best_major="$m"
      elif [ -n "$m" ] && [ "$m" -lt "$MIN" ]; then
        note "$m" "$home/bin/java"
      fi
      break
    done
  done
done
IFS="$old_ifs"

if [ -n "$best" ]; then
  printf '%s\n' "$best"
  exit 0
fi
echo "error: Bazaar needs a JDK >= $MIN (found: ${FOUND:-none}); install one (e.g. apt install openjdk-21-jdk, brew install openjdk@21, or https://adoptium.net) or set JAVA_HOME to it" >&2
exit 1
