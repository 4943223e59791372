/* arch/x86/regs.h - The one copy of the architectural register bits the
 * hypervisor uses: CR0, CR4, EFER, RFLAGS, XCR0, DR6/DR7 and the exception
 * vectors (AMD APM Vol. 2: 3.1 "System-Control Registers", 8.2 "Vectors").
 * Pure: host code and unit tests include it too. */
#ifndef ARCH_X86_REGS_H
#define ARCH_X86_REGS_H

#include "lib/types.h"

/* CR0 (APM Vol. 2, 3.1.1) */
#define CR0_PE BIT(0)
#define CR0_MP BIT(1)
#define CR0_EM BIT(2)
#define CR0_TS BIT(3)
#define CR0_ET BIT(4)
#define CR0_NE BIT(5)
#define CR0_WP BIT(16)
#define CR0_AM BIT(18)
#define CR0_NW BIT(29)
#define CR0_CD BIT(30)
#define CR0_PG BIT(31)

/* CR4 (3.1.3) */
#define CR4_VME        BIT(0)
#define CR4_PSE        BIT(4)
#define CR4_PAE        BIT(5)
#define CR4_PGE        BIT(7)
#define CR4_OSFXSR     BIT(9)
#define CR4_OSXMMEXCPT BIT(10)
#define CR4_LA57       BIT(12)
#define CR4_OSXSAVE    BIT(18)
#define CR4_SMEP       BIT(20)
#define CR4_SMAP       BIT(21)
#define CR4_PKE        BIT(22)

/* EFER (3.1.7) */
#define EFER_SCE   BIT(0)
#define EFER_LME   BIT(8)
#define EFER_LMA   BIT(10)
#define EFER_NXE   BIT(11)
#define EFER_SVME  BIT(12)
#define EFER_FFXSR BIT(14)

/* RFLAGS (3.1.6) */
#define RFLAGS_CF    BIT(0)
#define RFLAGS_FIXED BIT(1)   /* reads as one */
#define RFLAGS_TF    BIT(8)
#define RFLAGS_IF    BIT(9)
#define RFLAGS_DF    BIT(10)
#define RFLAGS_RF    BIT(16)
#define RFLAGS_VM    BIT(17)
#define RFLAGS_AC    BIT(18)

/* XCR0 (Vol. 2, 11.5.2 "XFEATURE_ENABLED_MASK") */
#define XCR0_X87 BIT(0)
#define XCR0_SSE BIT(1)
#define XCR0_YMM BIT(2)

/* DR6 / DR7 (13.1.1) */
#define DR6_BS        BIT(14)      /* single step */
#define DR6_RESET     0xffff0ff0ull
#define DR7_RESET     0x400ull

/* Exception vectors (8.2) */
#define X86_EXC_DE 0
#define X86_EXC_DB 1
#define X86_EXC_NMI 2
#define X86_EXC_BP 3
#define X86_EXC_OF 4
#define X86_EXC_BR 5
#define X86_EXC_UD 6
#define X86_EXC_NM 7
#define X86_EXC_DF 8
#define X86_EXC_TS 10
#define X86_EXC_NP 11
#define X86_EXC_SS 12
#define X86_EXC_GP 13
#define X86_EXC_PF 14
#define X86_EXC_MF 16
#define X86_EXC_AC 17
#define X86_EXC_MC 18
#define X86_EXC_XM 19

#endif
