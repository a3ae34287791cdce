package dev.emu.bpf.btf;

import dev.emu.abi.Errno;

/** What {@link BtfLoader#load} gives: the BTF and its log, or the errno Linux's btf_parse returns and the log. */
public sealed interface BtfLoadResult {
    String log();

    record Loaded(Btf btf, String log) implements BtfLoadResult {}

    record Refused(Errno errno, String log) implements BtfLoadResult {}
}
