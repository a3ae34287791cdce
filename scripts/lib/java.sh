# Sourced by scripts/* and .ci/run: finds a JDK >= 22 and exports JAVA_HOME.
# Order: $JAVA_HOME if it is >= 22, then /usr/lib/jvm/* (newest first).
# The JDK's release file says its version without starting a JVM (that would cost ~70 ms a run).
jdk_feature() {
  local v=""
  [ -f "$1/release" ] && v="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release")"
  [ -n "$v" ] || v="$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
  echo "$v"
}
find_jdk() {
  local c v
  for c in "${JAVA_HOME:-}" $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do
    c="${c%/}"
    [ -n "$c" ] && [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ] || continue
    v="$(jdk_feature "$c")"
    if [ -n "$v" ] && [ "${v%%.*}" -ge 22 ] 2>/dev/null; then echo "$c"; return 0; fi
  done
  return 1
}
if ! JAVA_HOME="$(find_jdk)"; then
  echo "emu: no JDK >= 22 found (looked at \$JAVA_HOME and /usr/lib/jvm/*). Install Temurin 25 or another JDK 22+." >&2
  exit 1
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
