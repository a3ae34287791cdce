/*
 * emu_bpf.h: emu's BPF extensions for guest programs (ringbuf poll command,
 * timer attach type, their attr layouts and bpf()/poll wrappers).
 *
 * Placeholder: the lead defines the extension (command number, attach type,
 * attr layouts) in abi/ and mirrors it here. Nothing is defined yet on purpose;
 * do not invent numbers.
 */
#ifndef EMU_BPF_H
#define EMU_BPF_H
#endif /* EMU_BPF_H */
