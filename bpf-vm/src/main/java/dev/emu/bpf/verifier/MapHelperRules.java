package dev.emu.bpf.verifier;

import dev.emu.abi.bpf.BpfHelperId;
import dev.emu.abi.bpf.BpfMapType;
import dev.emu.bpf.map.BpfMap;

/**
 * Which helpers take which map types (Linux's check_map_func_compatibility): ringbuf helpers
 * only ringbufs, push/pop/peek only queues and stacks (push and peek also bloom filters), and
 * those maps nothing else; a map-in-map only map_lookup_elem.
 */
final class MapHelperRules {
    private MapHelperRules() {}

    static boolean compatible(BpfMap map, int helper) {
        boolean ringHelper = helper >= BpfHelperId.RINGBUF_OUTPUT && helper <= BpfHelperId.RINGBUF_QUERY;
        boolean queueHelper = helper == BpfHelperId.MAP_PUSH_ELEM || helper == BpfHelperId.MAP_POP_ELEM
                || helper == BpfHelperId.MAP_PEEK_ELEM;
        return switch (map.type()) {
            case BpfMapType.RINGBUF -> ringHelper;
            case BpfMapType.QUEUE, BpfMapType.STACK -> queueHelper;
            case BpfMapType.BLOOM_FILTER -> helper == BpfHelperId.MAP_PUSH_ELEM || helper == BpfHelperId.MAP_PEEK_ELEM;
            case BpfMapType.ARRAY_OF_MAPS, BpfMapType.HASH_OF_MAPS -> helper == BpfHelperId.MAP_LOOKUP_ELEM;
            default -> !ringHelper && !queueHelper;
        };
    }
}
