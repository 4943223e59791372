/* mm/guest_walk.h - Translation of a guest virtual (linear) address through the guest's own page tables.
 *
 * Two entry points share one walker:
 *  - guest_walk() reads the tables with the hypervisor's authority, checking
 *    only presence and reserved bits, and can log every step; the debug
 *    shell's page-walk display uses it. It never writes guest memory.
 *  - guest_translate() is the walk the hardware would do for a guest access
 *    the hypervisor emulates (string I/O, MMIO): U/S, R/W, NX, WP, SMEP and
 *    SMAP (AMD APM Vol. 2, 5.6 "Page-Protection Checks"), every reserved
 *    bit the APM lists, the exact #PF error code (8.4.2 "Page-Fault Error
 *    Code") and the Accessed/Dirty updates (5.4 "Page-Translation-Table
 *    Entry Fields").
 * Pure logic: guest memory is reached through callbacks, so the same code
 * runs on real guest RAM and on a buffer in unit tests. */
#ifndef MM_GUEST_WALK_H
#define MM_GUEST_WALK_H

#include "lib/types.h"

/* Read 8 or 4 bytes of guest-physical memory (naturally aligned).
 * False when gpa is not backed by guest RAM. */
typedef bool (*guest_read64_fn)(void *ctx, gpa_t gpa, uint64_t *val);
typedef bool (*guest_read32_fn)(void *ctx, gpa_t gpa, uint32_t *val);

/* The guest's paging controls, from the VMCB save area. Long mode is
 * EFER.LMA, which the processor keeps in the guest's EFER image. The last
 * two fields matter to guest_translate() only, and zero means what an
 * older caller would expect. */
struct guest_paging {
	uint64_t cr0, cr3, cr4, efer;
	uint64_t rflags;        /* only AC (bit 18) is used: the SMAP override */
	uint8_t  maxphyaddr;    /* guest's CPUID 8000_0008h EAX[7:0]; 0 = 52 */
};

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
 * which case the other one is used to emulate it. Permissions are not
 * checked and A/D bits are left alone. */
enum walk_result guest_walk(const struct guest_paging *p, uint64_t gva,
			    guest_read64_fn r64, guest_read32_fn r32, void *ctx,
			    gpa_t *gpa, struct walk_step *steps, int *nsteps);

/* A short name for a result, for logs ("ok", "not-present", ...). */
const char *walk_result_name(enum walk_result r);

/* ---- guest_translate(): the hardware's walk --------------------------- */

/* Atomically replace old with new_val at gpa (naturally aligned), for the
 * A/D updates. False when gpa is not guest RAM; otherwise *swapped tells
 * whether the location still held old (and so now holds new_val). */
typedef bool (*guest_cmpxchg64_fn)(void *ctx, gpa_t gpa, uint64_t old, uint64_t new_val, bool *swapped);
typedef bool (*guest_cmpxchg32_fn)(void *ctx, gpa_t gpa, uint32_t old, uint32_t new_val, bool *swapped);

/* read64 and cmpxchg64 are required. read32 and cmpxchg32 may be NULL: the
 * containing 8-byte word is then read or exchanged instead. */
struct guest_mem_ops {
	guest_read64_fn    read64;
	guest_read32_fn    read32;
	guest_cmpxchg64_fn cmpxchg64;
	guest_cmpxchg32_fn cmpxchg32;
	void *ctx;
};

/* Access kinds, ORed. FETCH is a read: WRITE is ignored with it. */
#define GUEST_ACCESS_WRITE               BIT(0)
#define GUEST_ACCESS_USER                BIT(1)  /* an explicit access at CPL 3 */
#define GUEST_ACCESS_FETCH               BIT(2)  /* instruction fetch */
/* A supervisor access even at CPL 3 (descriptor tables, TSS, ...): user
 * rules and the U error-code bit do not apply, and SMAP applies whatever
 * RFLAGS.AC says. Overrides GUEST_ACCESS_USER. */
#define GUEST_ACCESS_IMPLICIT_SUPERVISOR BIT(3)

enum guest_access_result {
	GACC_OK = 0,
	GACC_PAGE_FAULT,     /* *pf_error holds the #PF error code; CR2 = gva */
	GACC_BAD_GPA,        /* a table is outside guest RAM (the hardware would
			      * take #NPF): the caller stops the VM */
	GACC_NONCANONICAL,   /* long mode, non-canonical: #GP (or #SS) */
};

/* An A/D update that loses its race (another vCPU changed the entry between
 * our read and our exchange) restarts the walk, as the hardware does. After
 * this many restarts in a row guest_translate() gives up with GACC_BAD_GPA:
 * only a guest rewriting its own tables without pause gets there. */
#define GUEST_TRANSLATE_MAX_RESTARTS 16

/* Translate gva for an access of kind access (GUEST_ACCESS_*) the way the
 * processor does, in every paging mode guest_walk() knows. On GACC_OK, *gpa
 * is written and the Accessed bit of every entry used (and Dirty in the
 * leaf for a write) is set. On GACC_PAGE_FAULT, *pf_error (if pf_error is
 * non-NULL) is written: P, W, U, RSVD, I/D as in mm/guest_walk.c. Only
 * one page is translated: a caller splits accesses at page boundaries. */
enum guest_access_result guest_translate(const struct guest_paging *p, uint64_t gva, unsigned access,
					 const struct guest_mem_ops *ops, gpa_t *gpa, uint32_t *pf_error);

/* A short name for a result ("ok", "page-fault", ...). */
const char *guest_access_result_name(enum guest_access_result r);

#endif
