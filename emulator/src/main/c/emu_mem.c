/*
 * emu_mem: guest memory permissions for Unicorn 2.1's virtual-TLB mode (the fast configuration,
 * shared/reference/unicorn.md "Guest stores").
 *
 * With UC_CTL_TLB_TYPE = UC_TLB_VIRTUAL, Unicorn asks a UC_HOOK_TLB_FILL callback for every
 * softmmu TLB miss. emu_mem_tlb_fill answers from a region table (the guest's page tables, one
 * entry per range) that RegionTable.java edits on every map/unmap/protect (then flushes the TLB):
 *  - an access the region allows maps the page at paddr = vaddr + delta with the region's full
 *    permissions, so a page that is read and written keeps one TLB entry, and a non-executable
 *    page's stores take the fast path. Private memory has delta 0 (large engine blocks mapped at
 *    their guest address, GuestBlocks.java); shared pages are mapped once per engine above the
 *    user address space and reached through their delta;
 *  - anything else (no region, or a permission the region lacks) maps to the shadow address
 *    EMU_SHADOW + vaddr, which nothing maps; the only invalid-access hook is registered over
 *    the shadow range, so Java sees the fault with its exact address and RIP, and decides
 *    unmapped vs protection from the table.
 * No hook covers guest addresses, so Unicorn keeps stores on non-executable pages fast.
 *
 *   struct emu_mem {                  offset
 *       struct emu_region *regions;   0   sorted by begin, not overlapping
 *       int64_t count;                8
 *       uint64_t denied_vaddr;        16  the last address sent to the shadow range (for the
 *                                         top bits of a non-canonical address)
 *       int64_t fills;                24  TLB misses answered (Java flushes when they pile up,
 *                                         which is when Unicorn grows its TLB)
 *       int64_t flush_after;          32  fills count past which the hook asks for a flush
 *       int64_t *budget;              40  the slice budget of the platform's block hook
 *                                         (struct emu_slice in emu_slice.c)
 *       int64_t saved_budget;         48  what was left of it when the hook asked for a flush
 *       int32_t flush_wanted;         56  set here when fills passed flush_after; Java
 *                                         flushes, clears it and resumes with saved_budget
 *       int32_t pad;                  60
 *   };
 *   struct emu_region { uint64_t begin, end (exclusive); int64_t delta; uint32_t perms, pad; }   32 bytes
 */
#include "emu_unicorn21.h"

#define EMU_SHADOW (1ull << 48)
#define EMU_SHADOW_MASK ((1ull << 47) - 1)

struct emu_region {
    uint64_t begin;
    uint64_t end;
    int64_t delta;
    uint32_t perms;
    uint32_t pad;
};

struct emu_mem {
    struct emu_region *regions;
    int64_t count;
    uint64_t denied_vaddr;
    int64_t fills;
    int64_t flush_after;
    int64_t *budget;
    int64_t saved_budget;
    int32_t flush_wanted;
    int32_t pad;
};

_Static_assert(sizeof(struct emu_region) == 32, "layout shared with UnicornAddressSpace.java");
_Static_assert(sizeof(struct emu_mem) == 64, "layout shared with UnicornAddressSpace.java");

bool emu_mem_tlb_fill(uc_engine *uc, uint64_t vaddr, uc_mem_type type, struct emu_uc_tlb_entry *result,
                      void *user_data)
{
    (void)uc;
    struct emu_mem *m = user_data;
    int need = type == UC_MEM_WRITE ? UC_PROT_WRITE : type == UC_MEM_FETCH ? UC_PROT_EXEC : UC_PROT_READ;
    /* Unicorn grows its TLB only when it is flushed, and a flush inside this callback would
     * drop the entry being filled: so after too many misses the slice budget is set aside and
     * zeroed, the block hook stops the engine before the next block (a block boundary, so the
     * block count and virtual time are the same as without the stop), and
     * UnicornAddressSpace.run flushes and resumes the slice with the budget set aside. */
    if (++m->fills > m->flush_after && !m->flush_wanted) {
        m->flush_wanted = 1;
        m->saved_budget = *m->budget;
        *m->budget = 0;
    }
    int64_t lo = 0, hi = m->count - 1;
    while (lo <= hi) {
        int64_t mid = lo + (hi - lo) / 2;
        const struct emu_region *r = &m->regions[mid];
        if (vaddr < r->begin) {
            hi = mid - 1;
        } else if (vaddr >= r->end) {
            lo = mid + 1;
        } else {
            if (r->perms & need) {
                result->paddr = vaddr + (uint64_t)r->delta;
                result->perms = (int)r->perms;
                return true;
            }
            break;
        }
    }
    m->denied_vaddr = vaddr;
    result->paddr = EMU_SHADOW + (vaddr & EMU_SHADOW_MASK);
    result->perms = need;
    return true;
}

int emu_mem_enable_virtual_tlb(uc_engine *uc)
{
    return emu_uc.ctl(uc, EMU_UC_CTL_WRITE(EMU_UC_CTL_TLB_TYPE, 1), EMU_UC_TLB_VIRTUAL);
}

/* After every map/unmap/protect: Unicorn does not flush when a protect only removes READ, and
 * a flush is also when the softmmu TLB may grow. */
int emu_mem_flush_tlb(uc_engine *uc)
{
    return emu_uc.ctl(uc, EMU_UC_CTL_WRITE(EMU_UC_CTL_TLB_FLUSH, 0));
}

/* Drops translated code in [begin, end): code written while its page was not executable (no
 * self-modifying-code tracking then) must be translated again when the page becomes executable. */
int emu_mem_remove_tb_cache(uc_engine *uc, uint64_t begin, uint64_t end)
{
    return emu_uc.ctl(uc, EMU_UC_CTL_WRITE(EMU_UC_CTL_TB_REMOVE_CACHE, 2), begin, end);
}

/* Drops all translated code (memory hooks are compiled into it: adding or removing one needs it). */
int emu_mem_flush_tb(uc_engine *uc)
{
    return emu_uc.ctl(uc, EMU_UC_CTL_WRITE(EMU_UC_CTL_TB_FLUSH, 0));
}
