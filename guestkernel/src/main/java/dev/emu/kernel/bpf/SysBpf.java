package dev.emu.kernel.bpf;

import dev.emu.abi.Errno;
import dev.emu.abi.bpf.BpfCommand;
import dev.emu.abi.bpf.EmuBpfExtensions;
import dev.emu.kernel.task.Task;

/**
 * Bpf implements Linux syscall bpf(2) (kernel/bpf/syscall.c __sys_bpf): read the attr as Linux
 * does (see {@link Attr}), then dispatch on the command. Commands emu does not implement return
 * -EINVAL, as Linux returns for a command it does not know. The guest runs as root, so every
 * command is allowed.
 *
 * <p>Families: {@link MapCommands} (create and element operations), {@link ProgLoad},
 * {@link ProgCommands} (attach, detach, test run, bind map), {@link BtfCommands}, {@link ObjectIds},
 * {@link ObjectInfo}, {@link ObjectPins}, {@link ProgQuery}, {@link RingbufPoll} (emu's extension, see {@link EmuBpfExtensions}).
 */
public final class SysBpf {
    private SysBpf() {}

    /** Bpf implements Linux syscall bpf(2). */
    public static long bpf(Task t, long cmd, long attrAddr, long size, long a3, long a4, long a5) {
        BpfSubsystem bpf = BpfSubsystem.of(t.kernel());
        bpf.timer().sync(); // apply detaches made during ticks
        long[] err = new long[1];
        Attr attr = Attr.read(t, attrAddr, size, err);
        if (attr == null) {
            return err[0];
        }
        int c = (int) cmd; // an int: the dispatcher already dropped the register's upper half
        return switch (c) {
            case BpfCommand.MAP_CREATE -> MapCommands.create(t, bpf, attr);
            case BpfCommand.MAP_LOOKUP_ELEM -> MapCommands.lookup(t, attr);
            case BpfCommand.MAP_UPDATE_ELEM -> MapCommands.update(t, attr);
            case BpfCommand.MAP_DELETE_ELEM -> MapCommands.delete(t, attr);
            case BpfCommand.MAP_GET_NEXT_KEY -> MapCommands.getNextKey(t, attr);
            case BpfCommand.MAP_LOOKUP_AND_DELETE_ELEM -> MapCommands.lookupAndDelete(t, attr);
            case BpfCommand.MAP_LOOKUP_BATCH, BpfCommand.MAP_LOOKUP_AND_DELETE_BATCH, BpfCommand.MAP_UPDATE_BATCH,
                    BpfCommand.MAP_DELETE_BATCH -> MapBatch.batch(t, attr, c);
            case BpfCommand.PROG_LOAD -> ProgLoad.load(t, bpf, attr);
            case BpfCommand.PROG_ATTACH -> ProgCommands.attach(t, bpf, attr);
            case BpfCommand.PROG_DETACH -> ProgCommands.detach(t, bpf, attr);
            case BpfCommand.PROG_TEST_RUN -> ProgCommands.testRun(t, attr);
            case BpfCommand.PROG_GET_FD_BY_ID -> ProgCommands.progFdById(t, bpf, attr);
            case BpfCommand.MAP_GET_FD_BY_ID -> MapCommands.fdById(t, bpf, attr);
            case BpfCommand.RAW_TRACEPOINT_OPEN -> LinkCommands.rawTracepointOpen(t, bpf, attr);
            case BpfCommand.LINK_CREATE -> LinkCommands.create(t, bpf, attr);
            case BpfCommand.LINK_UPDATE -> LinkCommands.update(t, attr);
            case BpfCommand.LINK_GET_FD_BY_ID -> LinkCommands.fdById(t, bpf, attr);
            case BpfCommand.LINK_GET_NEXT_ID -> LinkCommands.nextId(t, bpf, attr);
            case BpfCommand.LINK_DETACH -> LinkCommands.detach(t, attr);
            case BpfCommand.OBJ_GET_INFO_BY_FD -> ObjectInfo.get(t, attr);
            case BpfCommand.PROG_GET_NEXT_ID -> ObjectIds.nextProgram(t, bpf, attr);
            case BpfCommand.MAP_GET_NEXT_ID -> ObjectIds.nextMap(t, bpf, attr);
            case BpfCommand.BTF_GET_NEXT_ID -> ObjectIds.nextBtf(t, bpf, attr);
            case BpfCommand.BTF_LOAD -> BtfCommands.load(t, bpf, attr);
            case BpfCommand.BTF_GET_FD_BY_ID -> BtfCommands.fdById(t, bpf, attr);
            case BpfCommand.MAP_FREEZE -> MapCommands.freeze(t, attr);
            case BpfCommand.PROG_BIND_MAP -> ProgCommands.bindMap(t, attr);
            case BpfCommand.OBJ_PIN -> ObjectPins.pin(t, attr);
            case BpfCommand.OBJ_GET -> ObjectPins.get(t, attr);
            case BpfCommand.PROG_QUERY -> ProgQuery.query(t, bpf, attr);
            case EmuBpfExtensions.BPF_EMU_RINGBUF_POLL -> RingbufPoll.poll(t, bpf, attr);
            default -> {
                String name = BpfCommand.name(c);
                bpf.reportUnsupported("command " + c + (name == null ? "" : " (" + name + ")"));
                yield Errno.EINVAL.ret();
            }
        };
    }
}
