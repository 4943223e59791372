/* mm/guest_walk.h - Translation of a guest virtual (linear) address through the guest's own page tables.
 *
 * The hypervisor needs it to fetch the bytes of an intercepted instruction
 * (QEMU's SVM has no decode assists) and for the debugger's memory dumps.
 * Pure logic: guest memory is read through callbacks, so the same code runs
 * on real guest RAM and on a buffer in unit tests. Only presence and
 * reserved bits are checked, not permissions (U/S, R/W, NX): the callers only
 * read, with the hypervisor's authority. */
#ifndef MM_GUEST_WALK_H
#define MM_GUEST_WALK_H

#include "lib/types.h"

/* Read 8 or 4 bytes of guest-physical memory (naturally aligned).
 * False when gpa is not backed by guest RAM. */
typedef bool (*guest_read64_fn)(void *ctx, gpa_t gpa, uint64_t *val);
typedef bool (*guest_read32_fn)(void *ctx, gpa_t gpa, uint32_t *val);

/* The guest's paging controls, from the VMCB save area. Long mode is
 * EFER.LMA, which the processor keeps in the guest's EFER image. */
struct guest_paging { uint64_t cr0, cr3, cr4, efer; };

enum walk_result {
	WALK_OK = 0,
	WALK_NOT_PRESENT,    /* an entry on the way has P=0 */
	WALK_RESERVED_BIT,   /* an entry sets a reserved (must-be-zero) bit */
	WALK_BAD_GPA,        /* a table is outside guest RAM */
	WALK_NONCANONICAL,   /* long mode, and the address is not canonical */
};

/* Level of the table read: 5 = PML5, 4 = PML4, 3 = PDPT, 2 = PD, 1 = PT.
 * table_gpa is the base of that table, entry the value read from it (for a
 * failed step, the offending entry; for WALK_BAD_GPA, 0). */
struct walk_step { int level; gpa_t table_gpa; uint64_t entry; };
#define WALK_MAX_STEPS 5

/* Paging off (CR0.PG=0): gpa = gva (truncated to 32 bits outside long mode).
 * 32-bit non-PAE (4 KiB and, with CR4.PSE, 4 MiB pages including PSE-36 bits
 * 20:13), PAE (PDPTEs read from CR3[31:5], 2 MiB pages), 4-level long mode
 * (1 GiB, 2 MiB, 4 KiB pages) and 5-level when CR4.LA57. Fills
 * steps[0..*nsteps) when steps is non-NULL (at most WALK_MAX_STEPS; the
 * failing step is included). *gpa is written only on WALK_OK. r32 is used
 * for 32-bit non-PAE tables and r64 for the rest; either may be NULL, in
 * which case the other one is used to emulate it. */
enum walk_result guest_walk(const struct guest_paging *p, uint64_t gva,
			    guest_read64_fn r64, guest_read32_fn r32, void *ctx,
			    gpa_t *gpa, struct walk_step *steps, int *nsteps);

/* A short name for a result, for logs ("ok", "not-present", ...). */
const char *walk_result_name(enum walk_result r);

#endif
