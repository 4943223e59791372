/* arch/x86/pte.h - The one copy of the page-table entry bits and the #PF
 * error code (AMD APM Vol. 2, 5.3 "Long-Mode Page Translation", 5.4 "Page-
 * Translation-Table Entry Fields", 8.4.2 "Page-Fault Error Code"). The same
 * format serves the hypervisor's own tables, nested page tables and guests'
 * tables. Pure. */
#ifndef ARCH_X86_PTE_H
#define ARCH_X86_PTE_H

#include "lib/types.h"

#define PTE_P    BIT(0)    /* present */
#define PTE_W    BIT(1)    /* R/W: writable */
#define PTE_U    BIT(2)    /* U/S: user */
#define PTE_PWT  BIT(3)
#define PTE_PCD  BIT(4)
#define PTE_A    BIT(5)    /* accessed */
#define PTE_D    BIT(6)    /* dirty (leaf) */
#define PTE_PS   BIT(7)    /* page size: a 2 MiB / 1 GiB / 4 MiB leaf above level 1 */
#define PTE_G    BIT(8)    /* global (leaf) */
#define PTE_NX   BIT(63)   /* no execute, with EFER.NXE */
#define PTE_ADDR 0x000ffffffffff000ull   /* the next table or the 4 KiB frame */

/* #PF error code */
#define PF_P    BIT(0)    /* the entry was present: a protection or reserved-bit fault */
#define PF_W    BIT(1)    /* a write */
#define PF_U    BIT(2)    /* a user (CPL 3) access */
#define PF_RSVD BIT(3)    /* a reserved bit was set */
#define PF_ID   BIT(4)    /* an instruction fetch */

#endif
