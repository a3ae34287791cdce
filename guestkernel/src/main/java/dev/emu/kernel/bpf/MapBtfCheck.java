package dev.emu.kernel.bpf;

import dev.emu.abi.Errno;
import dev.emu.abi.bpf.BpfMapType;
import dev.emu.bpf.btf.Btf;
import dev.emu.bpf.btf.BtfKind;
import dev.emu.bpf.btf.BtfType;
import dev.emu.bpf.map.BpfMap;

/**
 * MAP_CREATE's check of btf_key_type_id / btf_value_type_id against the map (kernel/bpf/syscall.c
 * map_check_btf and the type's map_check_btf, e.g. arraymap.c array_map_check_btf): the key and
 * value types must have the map's key and value sizes; a map may leave the key type out only if
 * its type checks BTF itself — an array's keyless BTF is the .bss/.data/.rodata case: one element
 * whose value is a DATASEC.
 */
final class MapBtfCheck {
    private MapBtfCheck() {}

    /** Null if the types fit the map, else the errno map_create returns. */
    static Errno check(BpfMap map, Btf btf, int keyTypeId, int valueTypeId) {
        boolean array = map.type() == BpfMapType.ARRAY || map.type() == BpfMapType.PERCPU_ARRAY;
        if (keyTypeId != 0) {
            if (btf.sizeOf(keyTypeId) != map.keySize()) {
                return Errno.EINVAL;
            }
        } else if (!array) {
            return Errno.EINVAL; // no map_check_btf to accept a keyless BTF
        }
        if (btf.sizeOf(valueTypeId) != map.valueSize()) {
            return Errno.EINVAL;
        }
        if (!array) {
            return null;
        }
        BtfType value = btf.type(btf.skipModifiers(valueTypeId));
        if (keyTypeId == 0) {
            return map.type() == BpfMapType.ARRAY && map.maxEntries() == 1 && value != null
                    && value.kind() == BtfKind.DATASEC ? null : Errno.EINVAL;
        }
        BtfType key = btf.type(btf.skipModifiers(keyTypeId));
        // btf_type_is_i32: an INT of 32 bits at offset 0.
        boolean i32 = key != null && key.kind() == BtfKind.INT && key.size() == 4 && (key.data()[0] & 0xff) == 32
                && ((key.data()[0] >>> 16) & 0xff) == 0;
        return i32 ? null : Errno.EINVAL;
    }
}
