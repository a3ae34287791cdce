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
#include "emu_unicorn21.h"

struct emu_uc_api emu_uc;

/* Called once, before any hook runs, with the entry points of the libunicorn Java loaded. */
void emu_native_init(void *uc_emu_stop, void *uc_ctl, void *uc_hook_add)
{
    emu_uc.emu_stop = (uc_err(*)(uc_engine *))uc_emu_stop;
    emu_uc.ctl = (uc_err(*)(uc_engine *, int, ...))uc_ctl;
    emu_uc.hook_add = (uc_err(*)(uc_engine *, size_t *, int, void *, void *, uint64_t, uint64_t, ...))uc_hook_add;
}

/*
 * uc_hook_add without its variadic tail, so that Java reaches it through the same downcall
 * shape as every other call (Unicorn.java, "Start-up"): args = {begin, end, insn}, where insn
 * (the instruction id of UC_HOOK_INSN) is ignored by the other hook types.
 */
int emu_hook_add(uc_engine *uc, size_t *hh, int type, void *callback, void *user_data, const uint64_t *args)
{
    return emu_uc.hook_add(uc, hh, type, callback, user_data, args[0], args[1], (int)args[2]);
}

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
        emu_uc.emu_stop(uc);
        return;
    }
    s->budget--;
    s->blocks++;
}

/*
 * Unicorn 2.0 only (2.1.4 reports exact fault RIPs without it, and any such hook would put every
 * load and store on the slow path): a UC_HOOK_MEM_READ|UC_HOOK_MEM_WRITE callback registered for
 * a data range no user process maps (the last page of the address space), so it never runs. Its
 * presence alone makes Unicorn 2.0 store RIP before every instruction; without it RIP after a memory fault is the start of the
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

/*
 * emu_insn: the per-instruction hook, installed on every engine of a platform only when an exact
 * instruction limit (--max-instructions) or a debugger (--gdb) is in use. A UC_HOOK_CODE callback
 * runs before every instruction, which costs roughly 2-4x on compute-bound guest code (a C call
 * per instruction instead of per block); without those options it is not installed at all.
 *
 * Breakpoints never modify guest memory: the hook compares the instruction's address with a
 * small table. Watchpoints are a UC_HOOK_MEM_READ|WRITE callback (emu_insn_watch_hook) that marks
 * a hit; the report is made at the next instruction, after the access completed (as x86 debug
 * registers report data breakpoints), so a debugger sees the new value.
 *
 *   offset 0    int64 instructions   executed instructions (counted by this hook)
 *   offset 8    int64 limit          stop before executing instruction limit+1 (0: no limit)
 *   offset 16   int32 halted         sticky: stop at once, every time (limit hit, debugger kill)
 *   offset 20   int32 stop_request   atomic; non-zero: call on_stop at the next instruction with
 *                                    this kind (1 step, 2 interrupt, 3/4/5 write/read/access watch)
 *   offset 24   uint64 watch_addr    the data address of the last watch hit
 *   offset 32   fnptr on_stop        int64 (uc_engine*, uint64 pc, int32 kind, uint64 data); may be
 *                                    NULL; non-zero: stop the engine before this instruction (the
 *                                    debugger changed which hooks the engine needs)
 *   offset 40   int32 nbreak         used entries of breaks
 *   offset 44   int32 nwatch         used entries of watches
 *   offset 48   uint64 breaks[64]    breakpoint addresses
 *   offset 560  struct {uint64 lo, hi; int32 kind, pad} watches[32]   inclusive ranges
 *   offset 1328 uint64 resume_pc     with resume_pending: the instruction on_stop stopped before;
 *   offset 1336 int32 resume_pending when it is reached, it runs without a second stop there
 */
#define EMU_MAX_BREAKS 64
#define EMU_MAX_WATCHES 32
#define EMU_STOP_BREAKPOINT 6

struct emu_watch {
    uint64_t lo;
    uint64_t hi;
    int32_t kind; /* 3 write, 4 read, 5 access */
    int32_t pad;
};

struct emu_insn {
    int64_t instructions;
    int64_t limit;
    int32_t halted;
    int32_t stop_request;
    uint64_t watch_addr;
    int64_t (*on_stop)(uc_engine *uc, uint64_t pc, int32_t kind, uint64_t data);
    int32_t nbreak;
    int32_t nwatch;
    uint64_t breaks[EMU_MAX_BREAKS];
    struct emu_watch watches[EMU_MAX_WATCHES];
    uint64_t resume_pc;
    int32_t resume_pending;
    int32_t pad;
};

_Static_assert(sizeof(struct emu_insn) == 48 + 8 * EMU_MAX_BREAKS + 24 * EMU_MAX_WATCHES + 16,
               "layout shared with InsnHook.java");

void emu_insn_code_hook(uc_engine *uc, uint64_t address, uint32_t size, void *user_data)
{
    (void)size;
    struct emu_insn *s = user_data;
    /* uc_emu_stop in a code hook stops before this instruction executes (Unicorn checks the exit
     * request right after the hook), so `instructions` counts executed instructions exactly. */
    if (s->halted || (s->limit > 0 && s->instructions >= s->limit)) {
        s->halted = 1;
        emu_uc.emu_stop(uc);
        return;
    }
    if (s->resume_pending && s->resume_pc == address) {
        /* Stopped here by on_stop's request and resumed: the stop was reported already, and a
         * pending request (a step) is for the instruction after this one. */
        s->resume_pending = 0;
    } else if (s->on_stop != NULL) {
        int32_t kind = __atomic_exchange_n(&s->stop_request, 0, __ATOMIC_ACQ_REL);
        if (kind == 0) {
            for (int32_t i = 0; i < s->nbreak; i++) {
                if (s->breaks[i] == address) {
                    kind = EMU_STOP_BREAKPOINT;
                    break;
                }
            }
        }
        if (kind != 0) {
            if (s->on_stop(uc, address, kind, s->watch_addr) != 0) {
                s->resume_pc = address;
                s->resume_pending = 1;
                emu_uc.emu_stop(uc);
                return;
            }
            if (s->halted) {
                emu_uc.emu_stop(uc);
                return;
            }
        }
    }
    s->instructions++;
}

void emu_insn_watch_hook(uc_engine *uc, uc_mem_type type, uint64_t address, int size, int64_t value,
                         void *user_data)
{
    (void)uc;
    (void)value;
    struct emu_insn *s = user_data;
    int write = type == UC_MEM_WRITE;
    uint64_t last = address + (uint64_t)(size > 0 ? size - 1 : 0);
    for (int32_t i = 0; i < s->nwatch; i++) {
        struct emu_watch *w = &s->watches[i];
        if (last < w->lo || address > w->hi) {
            continue;
        }
        if ((w->kind == 3 && !write) || (w->kind == 4 && write)) {
            continue;
        }
        s->watch_addr = address < w->lo ? w->lo : address;
        __atomic_store_n(&s->stop_request, w->kind, __ATOMIC_RELEASE);
        return;
    }
}
