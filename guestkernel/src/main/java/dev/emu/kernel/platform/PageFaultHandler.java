package dev.emu.kernel.platform;

/**
 * The kernel's demand-paging hook (Linux's handle_mm_fault for not-present pages): the platform
 * calls it when the guest or the kernel touches an address its engine has not mapped.
 */
@FunctionalInterface
public interface PageFaultHandler {
    /**
     * Maps the memory around {@code address} if the process's memory map has it as demand-paged.
     *
     * @return true when the access can be retried; false for a real fault (the platform then
     *     reports it as usual)
     */
    boolean populate(long address);
}
