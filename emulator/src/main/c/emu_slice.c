/*
 * emu_slice: the native time-slice hook for the Unicorn platform.
 *
 * A UC_HOOK_BLOCK callback that counts executed basic blocks and stops emulation when the
 * thread's block budget runs out. It runs on every translated block, so it stays in C: an FFM
 * upcall into Java per block costs ~3x more (see shared/reference/unicorn.md, "Time slicing").
 *
 * One struct emu_slice per Platform is shared by every engine (address space) of that platform,
 * so `blocks` is the platform's total work count; Java reads it through a MemorySegment.
 *
 *   offset 0   int64 blocks          total blocks executed (monotonic, deterministic)
 *   offset 8   int64 budget          blocks left in the current slice; set by Java before a run
 *   offset 16  int32 exhausted       set here when the budget reached zero (cleared by Java)
 *   offset 20  int32 stop_requested  set by another thread to interrupt (e.g. --timeout)
 *
 * stop_requested is a separate field rather than "budget = 0" from the other thread: the hook's
 * read-modify-write of budget is not atomic, so a concurrent store of 0 could be lost.
 */
#include <stdint.h>
#include <unicorn/unicorn.h>

struct emu_slice {
    int64_t blocks;
    int64_t budget;
    int32_t exhausted;
    int32_t stop_requested;
};

_Static_assert(sizeof(struct emu_slice) == 24, "layout shared with SliceCounter.java");

void emu_slice_block_hook(uc_engine *uc, uint64_t address, uint32_t size, void *user_data)
{
    (void)address;
    (void)size;
    struct emu_slice *s = user_data;
    /* uc_emu_stop here prevents this block from executing (measured on 2.0.1: RIP stays at its
     * start), so the check comes before counting: `blocks` counts executed blocks only, and a
     * budget of N runs exactly N blocks (N >= 1 always makes progress). */
    if (s->budget <= 0 || __atomic_load_n(&s->stop_requested, __ATOMIC_RELAXED)) {
        s->exhausted = 1;
        uc_emu_stop(uc);
        return;
    }
    s->budget--;
    s->blocks++;
}

/*
 * A UC_HOOK_MEM_READ|UC_HOOK_MEM_WRITE callback registered for a data range no user process maps
 * (the last page of the address space), so it never runs. Its presence alone makes Unicorn 2.0
 * store RIP before every instruction; without it RIP after a memory fault is the start of the
 * faulting translation block instead of the faulting instruction (measured: ~18% slower on a
 * memory-bound loop).
 */
void emu_slice_sync_pc_hook(uc_engine *uc, uc_mem_type type, uint64_t address, int size, int64_t value,
                            void *user_data)
{
    (void)uc;
    (void)type;
    (void)address;
    (void)size;
    (void)value;
    (void)user_data;
}
