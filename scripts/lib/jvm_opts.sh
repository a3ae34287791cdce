# Sourced by scripts/emu and scripts/bench: the JVM options of every `emu` run. Needs $ROOT and
# $JAVA_HOME.
#
# Startup (docs/performance.md, "startup"): an AOT cache (JDK 25, JEPs 483/514) of the classes a
# run loads and links, made once per build by a training run of the BPF demo and kept beside
# the jar; a stale or unusable cache is simply not used. JVM log lines go to stderr, never to the
# guest's stdout, and the cache's own notes are silenced.
# --enable-native-access is not given: emu.jar's manifest grants it.
# The Unicorn library (scripts/lib/deps.sh): EMU_UNICORN_LIB, exported for the JVM, names the
# pinned 2.1.4 from the per-machine cache (fetched on first use) unless the caller set it.
# shellcheck source=scripts/lib/deps.sh
. "$ROOT/scripts/lib/deps.sh"
emu_ensure_unicorn
EMU_JAR="$ROOT/emulator/target/emu.jar"
EMU_AOT="$ROOT/emulator/target/emu.aot"
EMU_JVM_OPTS=(-XX:+UseSerialGC -Xss16m "-Demu.home=$ROOT"
  -Xlog:disable "-Xlog:all=warning,cds*=off,aot*=off:stderr")
if [ -f "$EMU_JAR" ] && [ -d "$ROOT/userspace-images/build" ] \
    && { [ ! -f "$EMU_AOT" ] || [ "$EMU_JAR" -nt "$EMU_AOT" ]; }; then
  emu_aot_tmp="$EMU_AOT.$$"
  if "$JAVA_HOME/bin/java" "${EMU_JVM_OPTS[@]}" "-XX:AOTCacheOutput=$emu_aot_tmp" -jar "$EMU_JAR" \
      run bpf_loader.elf 2 </dev/null >/dev/null 2>&1 && [ -f "$emu_aot_tmp" ]; then
    mv -f "$emu_aot_tmp" "$EMU_AOT"
  else
    rm -f "$emu_aot_tmp" "$emu_aot_tmp.config"
  fi
fi
if [ -f "$EMU_AOT" ]; then
  EMU_JVM_OPTS+=("-XX:AOTCache=$EMU_AOT")
fi
