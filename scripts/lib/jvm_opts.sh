# Sourced by scripts/emu and scripts/bench: the JVM options of every `emu` run. Needs $ROOT.
#
# Startup (docs/performance.md, "startup"): a class-data-sharing archive of the classes a run
# loads, created by the first run after each build (AutoCreateSharedArchive re-creates it when
# the jar changed) and kept beside the jar. JVM log lines go to stderr, never to the guest's
# stdout, and CDS's own notes (which classes it could not archive) are silenced.
# --enable-native-access is not given: emu.jar's manifest grants it, and the flag on the command
# line would make the archive unusable (JDK 25 records the property only from the command line).
EMU_JVM_OPTS=(-XX:+UseSerialGC -XX:TieredStopAtLevel=4 -Xss16m "-Demu.home=$ROOT"
  "-XX:SharedArchiveFile=$ROOT/emulator/target/emu.jsa" -XX:+AutoCreateSharedArchive
  -Xlog:disable "-Xlog:all=warning,cds*=off,aot*=off:stderr")
