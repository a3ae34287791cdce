package dev.emu.kernel.bpf;

import dev.emu.abi.Errno;
import dev.emu.abi.bpf.BpfAttr;
import dev.emu.abi.bpf.BpfFlags;
import dev.emu.abi.bpf.BpfMapType;
import dev.emu.bpf.map.BloomFilterMap;
import dev.emu.bpf.map.BpfMap;
import dev.emu.bpf.map.MapOfMaps;
import dev.emu.abi.bpf.BpfMapType;
import dev.emu.bpf.map.QueueStackMap;
import dev.emu.bpf.map.MapCreateResult;
import dev.emu.bpf.map.MapTypes;
import dev.emu.kernel.task.Task;

/**
 * BPF_MAP_CREATE, the element commands and MAP_GET_FD_BY_ID (kernel/bpf/syscall.c map_create,
 * map_lookup_elem, map_update_elem, map_delete_elem, map_get_next_key, bpf_map_get_fd_by_id).
 * Order of checks as Linux: CHECK_ATTR (-EINVAL), flags, the fd (-EBADF / -EINVAL), then the
 * copies from user memory (-EFAULT), then the map operation's own errno.
 */
final class MapCommands {
    private MapCommands() {}

    /** End offsets of each command's last attr field (BPF_*_LAST_FIELD). */
    private static final int CREATE_END = 72, LOOKUP_END = 32, UPDATE_END = 32, DELETE_END = 16,
            NEXT_KEY_END = 24, BY_ID_END = 12;
    private static final int BPF_F_RDONLY = BpfFlags.BPF_F_RDONLY, BPF_F_WRONLY = BpfFlags.BPF_F_WRONLY;
    /** union bpf_attr: map_extra of MAP_CREATE. */
    private static final int MAP_EXTRA = 64;

    /** MAP_CREATE: a new map and an fd for it. */
    static long create(Task t, BpfSubsystem bpf, Attr a) {
        if (!a.tailZeroFrom(CREATE_END)) {
            return Errno.EINVAL.ret();
        }
        int btfKey = a.u32(BpfAttr.BTF_KEY_TYPE_ID), btfValue = a.u32(BpfAttr.BTF_VALUE_TYPE_ID);
        int btfVmlinuxValue = a.u32(BpfAttr.BTF_VMLINUX_VALUE_TYPE_ID);
        if (btfVmlinuxValue != 0) {
            return Errno.EINVAL.ret(); // only BPF_MAP_TYPE_STRUCT_OPS, which emu does not have
        }
        if (btfKey != 0 && btfValue == 0) {
            return Errno.EINVAL.ret();
        }
        if (a.u64(BpfAttr.MAP_EXTRA) != 0 && a.u32(BpfAttr.MAP_TYPE) != BpfMapType.BLOOM_FILTER) {
            return Errno.EINVAL.ret();
        }
        String name = ObjectName.parse(a.bytes(BpfAttr.MAP_NAME, BpfAttr.OBJ_NAME_LEN));
        if (name == null) {
            return Errno.EINVAL.ret();
        }
        int flags = a.u32(BpfAttr.MAP_FLAGS);
        if ((flags & BPF_F_RDONLY) != 0 && (flags & BPF_F_WRONLY) != 0) {
            return Errno.EINVAL.ret();
        }
        if (MapTypes.of(a.u32(BpfAttr.MAP_TYPE)) == null) {
            bpf.reportUnsupported("map type " + Integer.toUnsignedString(a.u32(BpfAttr.MAP_TYPE)));
        }
        // Charged to the guest's memory (and its Java-heap share) before any storage exists.
        // A map-in-map's template (bpf_map_meta_alloc): inner_map_fd must be a map.
        int type = a.u32(BpfAttr.MAP_TYPE);
        if (MapTypes.of(type) == null) {
            t.kernel().log().info("bpf: map type " + Integer.toUnsignedString(type) + " is not implemented: EINVAL");
        }
        long[] innerErr = new long[1];
        MapObject template = type == BpfMapType.ARRAY_OF_MAPS || type == BpfMapType.HASH_OF_MAPS
                ? BpfFds.map(t, a.u32Long(BpfAttr.INNER_MAP_FD), innerErr) : null;
        MapCreateResult r = MapTypes.create(type, new MapTypes.CreateAttrs(a.u32(BpfAttr.KEY_SIZE),
                a.u32(BpfAttr.VALUE_SIZE), a.u32(BpfAttr.MAX_ENTRIES), flags, a.u64(MAP_EXTRA),
                template == null ? null : template.map()), t.kernel().memory()::tryChargeHeap);
        if (!r.isOk()) {
            // No template: the fd's own error (EBADF, or EINVAL for a file that is not a map).
            return r.error() == Errno.EBADF && innerErr[0] != 0 ? innerErr[0] : r.error().ret();
        }
        BtfObject btf = null;
        if (btfKey != 0 || btfValue != 0) {
            long[] err = new long[1];
            btf = BpfFds.btf(t, a.u32Long(BpfAttr.BTF_FD), err);
            Errno bad = btf == null ? null : MapBtfCheck.check(r.map(), btf.btf(), btfKey, btfValue);
            if (btf == null || bad != null) {
                t.kernel().memory().unchargeHeap(r.map().memoryCost()); // the map is freed unused
                return btf == null ? err[0] : bad.ret();
            }
        }
        MapObject m = bpf.newMap(r.map(), name);
        if (btf != null) {
            m.setBtf(btf, btfKey, btfValue, btfVmlinuxValue);
        }
        return BpfFds.install(t, new BpfMapFile(m, 0));
    }

    /** MAP_LOOKUP_ELEM: copies the value of key into value. */
    static long lookup(Task t, Attr a) {
        if (!a.tailZeroFrom(LOOKUP_END)) {
            return Errno.EINVAL.ret();
        }
        long flags = a.u64(BpfAttr.ELEM_FLAGS);
        if ((flags & ~BpfFlags.BPF_F_LOCK) != 0) {
            return Errno.EINVAL.ret();
        }
        long[] err = new long[1];
        BpfMap map = elemMap(t, a, BPF_F_WRONLY, err);
        if (map == null) {
            return err[0];
        }
        if (flags != 0) {
            return Errno.EINVAL.ret(); // BPF_F_LOCK needs a bpf_spin_lock in the value (BTF): none here
        }
        byte[] key = t.memory().read(a.u64(BpfAttr.ELEM_KEY), map.keySize());
        // A bloom filter is asked about the value the caller passes in.
        byte[] value = map instanceof BloomFilterMap ? t.memory().read(a.u64(BpfAttr.ELEM_VALUE), map.valueSize())
                : new byte[map.userValueSize()];
        int r = map.lookup(key, value);
        if (r < 0) {
            return r;
        }
        t.memory().write(a.u64(BpfAttr.ELEM_VALUE), value);
        return 0;
    }

    /** MAP_UPDATE_ELEM with BPF_ANY / BPF_NOEXIST / BPF_EXIST. */
    static long update(Task t, Attr a) {
        if (!a.tailZeroFrom(UPDATE_END)) {
            return Errno.EINVAL.ret();
        }
        long[] err = new long[1];
        BpfMap map = elemMap(t, a, BPF_F_RDONLY, err);
        if (map == null) {
            return err[0];
        }
        byte[] key = t.memory().read(a.u64(BpfAttr.ELEM_KEY), map.keySize());
        byte[] value = t.memory().read(a.u64(BpfAttr.ELEM_VALUE), map.userValueSize());
        if (map instanceof MapOfMaps outer) {
            return updateInner(t, outer, key, value, a.u64(BpfAttr.ELEM_FLAGS));
        }
        if (map instanceof dev.emu.bpf.map.PerfEventArray pea) {
            return PerfEventMaps.update(t, pea, key, value, a.u64(BpfAttr.ELEM_FLAGS));
        }
        int r = map.update(key, value, a.u64(BpfAttr.ELEM_FLAGS));
        pushToMappings(t, a);
        return r;
    }

    /**
     * A map-in-map update: the value is a map fd (bpf_map_fd_get_ptr: EBADF, EINVAL for a map
     * that does not match the template); the outer map takes a reference to the inner one.
     */
    static long updateInner(Task t, MapOfMaps outer, byte[] key, byte[] value, long flags) {
        long fd = (value[0] & 0xffL) | (value[1] & 0xffL) << 8 | (value[2] & 0xffL) << 16 | (value[3] & 0xffL) << 24;
        long[] err = new long[1];
        MapObject inner = BpfFds.map(t, fd, err);
        if (inner == null) {
            return err[0];
        }
        if (!outer.fits(inner.map())) {
            return Errno.EINVAL.ret();
        }
        inner.retain();
        MapOfMaps.Inner ref = new MapOfMaps.Inner() {
            @Override
            public BpfMap map() {
                return inner.map();
            }

            @Override
            public int id() {
                return inner.id();
            }

            @Override
            public void release() {
                inner.release();
            }
        };
        int r = outer.updateInner(key, ref, flags);
        if (r < 0) {
            inner.release();
        }
        return r;
    }

    /**
     * MAP_LOOKUP_AND_DELETE_ELEM (map_lookup_and_delete_elem): flags only BPF_F_LOCK, none for
     * queue/stack; the map must be readable and writable (EPERM); pop for queue/stack, lookup and
     * delete for the hash types, ENOTSUPP (524) for the others.
     */
    static long lookupAndDelete(Task t, Attr a) {
        if (!a.tailZeroFrom(LOOKUP_END)) {
            return Errno.EINVAL.ret();
        }
        long flags = a.u64(BpfAttr.ELEM_FLAGS);
        if ((flags & ~BpfFlags.BPF_F_LOCK) != 0) {
            return Errno.EINVAL.ret();
        }
        long[] err = new long[1];
        BpfMap map = elemMap(t, a, BPF_F_RDONLY | BPF_F_WRONLY, err);
        if (map == null) {
            return err[0];
        }
        if (flags != 0 && map instanceof QueueStackMap) {
            return Errno.EINVAL.ret();
        }
        byte[] key = t.memory().read(a.u64(BpfAttr.ELEM_KEY), map.keySize());
        byte[] value = new byte[map.userValueSize()];
        int r = map.lookupAndDelete(key, value, flags);
        if (r < 0) {
            return r;
        }
        t.memory().write(a.u64(BpfAttr.ELEM_VALUE), value);
        return 0;
    }

    /** MAP_DELETE_ELEM. */
    static long delete(Task t, Attr a) {
        if (!a.tailZeroFrom(DELETE_END)) {
            return Errno.EINVAL.ret();
        }
        long[] err = new long[1];
        BpfMap map = elemMap(t, a, BPF_F_RDONLY, err);
        if (map == null) {
            return err[0];
        }
        if (map instanceof dev.emu.bpf.map.PerfEventArray pea) {
            return PerfEventMaps.delete(pea, t.memory().read(a.u64(BpfAttr.ELEM_KEY), map.keySize()));
        }
        return map.delete(t.memory().read(a.u64(BpfAttr.ELEM_KEY), map.keySize()));
    }

    /** MAP_GET_NEXT_KEY: the key after key (the first key when key is NULL). */
    static long getNextKey(Task t, Attr a) {
        if (!a.tailZeroFrom(NEXT_KEY_END)) {
            return Errno.EINVAL.ret();
        }
        long[] err = new long[1];
        BpfMap map = elemMap(t, a, BPF_F_WRONLY, err);
        if (map == null) {
            return err[0];
        }
        long keyAddr = a.u64(BpfAttr.ELEM_KEY);
        byte[] key = keyAddr == 0 ? null : t.memory().read(keyAddr, map.keySize());
        byte[] next = new byte[map.keySize()];
        int r = map.getNextKey(key, next);
        if (r < 0) {
            return r;
        }
        t.memory().write(a.u64(BpfAttr.ELEM_NEXT_KEY), next);
        return 0;
    }

    /**
     * The map behind the attr's map_fd for an element command; null with {@code err[0]} set if
     * the fd is not a map (-EBADF / -EINVAL) or the map was created with {@code deniedFlag}
     * (BPF_F_RDONLY denies writes, BPF_F_WRONLY reads: -EPERM).
     */
    private static BpfMap elemMap(Task t, Attr a, int deniedFlag, long[] err) {
        MapObject m = BpfFds.map(t, a.u32Long(BpfAttr.ELEM_MAP_FD), err);
        if (m == null) {
            return null;
        }
        BpfMap map = m.map();
        if ((map.flags() & deniedFlag) != 0 || (deniedFlag == BPF_F_RDONLY && m.frozen())) {
            err[0] = Errno.EPERM.ret(); // map_get_sys_perms: a frozen map is read-only for syscalls
            return null;
        }
        m.pullFromMappings(); // what user space stored through an mmap of the map
        return map;
    }

    /** BPF_MAP_FREEZE_LAST_FIELD (map_fd) ends here. */
    private static final int FREEZE_END = 4;

    /**
     * MAP_FREEZE (bpf_map_freeze): from now on user space may not write the map (update and
     * delete: EPERM); programs still may, unless the map is BPF_F_RDONLY_PROG. A map that is
     * already frozen, or was created BPF_F_RDONLY, cannot be written from the syscall side:
     * EPERM, as map_get_sys_perms decides before the frozen check; while a writable mmap of the
     * map exists, EBUSY.
     */
    static long freeze(Task t, Attr a) {
        if (!a.tailZeroFrom(FREEZE_END)) {
            return Errno.EINVAL.ret();
        }
        long[] err = new long[1];
        MapObject m = BpfFds.map(t, a.u32Long(BpfAttr.ELEM_MAP_FD), err);
        if (m == null) {
            return err[0];
        }
        if ((m.map().flags() & BPF_F_RDONLY) != 0 || m.frozen()) {
            return Errno.EPERM.ret();
        }
        if (m.hasWritableMappings()) {
            return Errno.EBUSY.ret(); // bpf_map_write_active: a writable mmap of it exists
        }
        m.freeze();
        return 0;
    }

    /** After an element command changed a map: its mapped pages show the change (MapObject). */
    private static void pushToMappings(Task t, Attr a) {
        MapObject m = BpfFds.map(t, a.u32Long(BpfAttr.ELEM_MAP_FD), new long[1]);
        if (m != null) {
            m.pushToMappings();
        }
    }

    /** MAP_GET_FD_BY_ID: a new fd for the live map with that id (-ENOENT if none). */
    static long fdById(Task t, BpfSubsystem bpf, Attr a) {
        if (!a.tailZeroFrom(BY_ID_END)) {
            return Errno.EINVAL.ret();
        }
        int openFlags = a.u32(BpfAttr.BY_ID_OPEN_FLAGS);
        if ((openFlags & ~(BPF_F_RDONLY | BPF_F_WRONLY)) != 0
                || (openFlags & (BPF_F_RDONLY | BPF_F_WRONLY)) == (BPF_F_RDONLY | BPF_F_WRONLY)) {
            return Errno.EINVAL.ret();
        }
        MapObject m = bpf.mapById(a.u32Long(BpfAttr.BY_ID_ID));
        if (m == null) {
            return Errno.ENOENT.ret();
        }
        return BpfFds.install(t, new BpfMapFile(m, openFlags));
    }
}
