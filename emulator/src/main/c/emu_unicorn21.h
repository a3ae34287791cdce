/*
 * Declarations of the Unicorn 2.1 API that emu's native hooks use and that Debian 12's 2.0.1
 * headers (libunicorn-dev, which the hooks compile against) lack. Copied from unicorn 2.1.4,
 * include/unicorn/unicorn.h; the values are checked at run time by the version test in Java
 * (UnicornPlatform uses them only when uc_version says 2.1.4 or later).
 */
#ifndef EMU_UNICORN21_H
#define EMU_UNICORN21_H

#include <stdbool.h>
#include <stdint.h>
#include <unicorn/unicorn.h>

/* enum uc_control_type (2.1.4): UC_CTL_TB_REMOVE_CACHE = 9, UC_CTL_TB_FLUSH = 10,
 * UC_CTL_TLB_FLUSH = 11, UC_CTL_TLB_TYPE = 12; UC_CTL_WRITE(type, nr) = type | nr << 26 | 1 << 30. */
#define EMU_UC_CTL_WRITE(type, nr) ((type) | ((nr) << 26) | (1 << 30))
#define EMU_UC_CTL_TB_REMOVE_CACHE 9
#define EMU_UC_CTL_TB_FLUSH 10
#define EMU_UC_CTL_TLB_FLUSH 11
#define EMU_UC_CTL_TLB_TYPE 12
/* enum uc_tlb_type */
#define EMU_UC_TLB_VIRTUAL 1
/* uc_hook_type: UC_HOOK_TLB_FILL = 1 << 17 */
#define EMU_UC_HOOK_TLB_FILL (1 << 17)

/* struct uc_tlb_entry; uc_prot is an int-sized enum */
struct emu_uc_tlb_entry {
    uint64_t paddr;
    int perms;
};

/* uc_cb_tlbevent_t */
typedef bool (*emu_uc_cb_tlbevent_t)(uc_engine *uc, uint64_t vaddr, uc_mem_type type,
                                     struct emu_uc_tlb_entry *result, void *user_data);

/*
 * The libunicorn entry points the hooks call. libemuslice.so does not link against libunicorn:
 * Java passes these from the library it loaded (which may be the 2.1.4 wheel's, not the
 * system's), so both sides use the same copy.
 */
struct emu_uc_api {
    uc_err (*emu_stop)(uc_engine *uc);
    uc_err (*ctl)(uc_engine *uc, int control, ...);
    uc_err (*hook_add)(uc_engine *uc, size_t *hh, int type, void *callback, void *user_data, uint64_t begin,
                       uint64_t end, ...);
};
extern struct emu_uc_api emu_uc;

#endif
