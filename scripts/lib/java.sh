# Sourced by scripts/* and .ci/run: finds a JDK >= 22 and exports JAVA_HOME.
# Order: $JAVA_HOME if it is >= 22, else the newest JDK >= 22 under /usr/lib/jvm/.
# Start-up (docs/performance.md, "startup"): every `emu run` sources this, so it uses bash
# builtins only. The JDK's release file says its version without starting a JVM (~70 ms) and
# without a subshell or sed per candidate (~50 ms in all before).
jdk_feature() { # sets EMU_JDK_FEATURE to the feature version of the JDK in $1, or empty
  EMU_JDK_FEATURE=""
  local line
  if [ -f "$1/release" ]; then
    while IFS= read -r line || [ -n "$line" ]; do
      if [[ $line =~ ^JAVA_VERSION=\"([0-9]+) ]]; then EMU_JDK_FEATURE="${BASH_REMATCH[1]}"; break; fi
    done <"$1/release"
  fi
  if [ -z "$EMU_JDK_FEATURE" ] && [ -x "$1/bin/java" ]; then # no release file: ask the JVM (slow)
    EMU_JDK_FEATURE="$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p')"
  fi
}
is_jdk() { [ -n "$1" ] && [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ]; }
find_jdk() { # sets EMU_JDK to the chosen JDK's directory; fails when there is none
  local c best="" best_v=0
  EMU_JDK=""
  if is_jdk "${JAVA_HOME:-}"; then
    jdk_feature "$JAVA_HOME"
    if [ -n "$EMU_JDK_FEATURE" ] && [ "$EMU_JDK_FEATURE" -ge 22 ] 2>/dev/null; then EMU_JDK="$JAVA_HOME"; return 0; fi
  fi
  for c in /usr/lib/jvm/*/; do
    c="${c%/}"
    is_jdk "$c" || continue
    jdk_feature "$c"
    if [ -n "$EMU_JDK_FEATURE" ] && [ "$EMU_JDK_FEATURE" -ge 22 ] 2>/dev/null && [ "$EMU_JDK_FEATURE" -gt "$best_v" ]; then
      best="$c" best_v="$EMU_JDK_FEATURE"
    fi
  done
  [ -n "$best" ] && EMU_JDK="$best"
}
if ! find_jdk; then
  echo "emu: no JDK >= 22 found (looked at \$JAVA_HOME and /usr/lib/jvm/*). Install Temurin 25 or another JDK 22+." >&2
  exit 1
fi
JAVA_HOME="$EMU_JDK"
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
