/* arch/x86/svm/vmcb.h - The Virtual Machine Control Block: layout, bit fields, exit codes.
 *
 * Source: AMD64 Architecture Programmer's Manual Vol. 2 (pub. 24593), Appendix B
 * "Layout of VMCB" (Table B-1 control area, Table B-2 state save area) and
 * Appendix C (Table C-1 exit codes). Revision checked: 3.44 (March 2026). Offsets
 * were cross-checked against Linux arch/x86/include/asm/svm.h and Xen's vmcb.h.
 *
 * The VMCB is one 4 KiB page at a 4 KiB-aligned host physical address:
 *
 *   0x000  control area (struct vmcb_control)  intercepts, exit info, event injection
 *   0x400  state save area (struct vmcb_save)   guest registers; offsets in Table B-2
 *                                               are relative to 0x400
 *   0xbc8  reserved up to the end of the page
 *
 * Every field has its offset asserted below, so a layout mistake stops the
 * build. Hardware fields are masks and shifts, never C bitfields (bitfield
 * layout belongs to the compiler; this layout belongs to the CPU).
 *
 * The manual asks that all unused bytes be zero: allocate a zeroed page and
 * never write the rsvd_* fields.
 */
#ifndef ARCH_X86_SVM_VMCB_H
#define ARCH_X86_SVM_VMCB_H

#include "lib/types.h"

/* ------------------------------------------------------------------------ */
/* Segment registers                                                         */
/* ------------------------------------------------------------------------ */

/*
 * One segment register as VMRUN loads it and #VMEXIT/VMSAVE store it. This is
 * not a GDT descriptor: the limit is the expanded 32-bit byte limit (G already
 * applied), and the attributes are the descriptor's access byte and flags
 * squeezed into 12 bits:
 *
 *   11  10  9   8    7   6:5   4   3:0
 *   G   DB  L   AVL  P   DPL   S   type
 *
 * GDTR and IDTR use only limit and base; the manual marks their selector and
 * attrib reserved.
 */
struct vmcb_seg {
	uint16_t selector;
	uint16_t attrib;
	uint32_t limit;
	uint64_t base;
} __packed;
_Static_assert(sizeof(struct vmcb_seg) == 16, "a VMCB segment is 16 bytes");

#define VMCB_ATTR_TYPE_MASK  0x00fu
#define VMCB_ATTR_S          0x010u   /* code/data (1) or system (0) */
#define VMCB_ATTR_DPL_SHIFT  5
#define VMCB_ATTR_DPL_MASK   (0x3u << VMCB_ATTR_DPL_SHIFT)
#define VMCB_ATTR_DPL(n)     (((unsigned)(n) & 0x3u) << VMCB_ATTR_DPL_SHIFT)
#define VMCB_ATTR_P          0x080u
#define VMCB_ATTR_AVL        0x100u
#define VMCB_ATTR_L          0x200u   /* 64-bit code segment */
#define VMCB_ATTR_DB         0x400u
#define VMCB_ATTR_G          0x800u

/* Segment types used when building guest state from scratch. */
#define VMCB_ATTR_TYPE_DATA_RW_A   0x3u   /* read/write data, accessed */
#define VMCB_ATTR_TYPE_CODE_RX_A   0xbu   /* execute/read code, accessed */
#define VMCB_ATTR_TYPE_LDT         0x2u   /* system segment (S = 0) */
#define VMCB_ATTR_TYPE_TSS_BUSY    0xbu   /* busy 32/64-bit TSS (S = 0), as LTR leaves TR */

static inline unsigned vmcb_attr_type(uint16_t attr) { return attr & VMCB_ATTR_TYPE_MASK; }
static inline unsigned vmcb_attr_dpl(uint16_t attr)
{
	return (attr & VMCB_ATTR_DPL_MASK) >> VMCB_ATTR_DPL_SHIFT;
}

/* The 12-bit attrib of an 8-byte GDT/LDT descriptor: access byte (bits 47:40)
 * to attrib 7:0, flags nibble (bits 55:52) to attrib 11:8. */
static inline uint16_t vmcb_attr_from_desc(uint64_t desc)
{
	return (uint16_t)(((desc >> 40) & 0x0ffu) | ((desc >> 44) & 0xf00u));
}

/* The byte limit VMCB segments want: the descriptor's 20-bit limit, scaled
 * by 4 KiB when G is set. VMRUN does not do this scaling itself. */
static inline uint32_t vmcb_limit_from_desc(uint64_t desc)
{
	uint32_t raw = (uint32_t)((desc & 0xffffu) | ((desc >> 32) & 0xf0000u));

	return (desc & BIT(55)) ? (raw << 12) | 0xfffu : raw;
}

/* ------------------------------------------------------------------------ */
/* Control area, Table B-1                                                   */
/* ------------------------------------------------------------------------ */

struct vmcb_control {
	uint32_t intercept_cr;            /* 0x000  reads CR0-15 in 15:0, writes in 31:16 */
	uint32_t intercept_dr;            /* 0x004  reads DR0-15 in 15:0, writes in 31:16 */
	uint32_t intercept_exceptions;    /* 0x008  one bit per exception vector 0-31 */
	uint32_t intercept_misc1;         /* 0x00c  vector 3: SVM_INTERCEPT_MISC1_* */
	uint32_t intercept_misc2;         /* 0x010  vector 4: SVM_INTERCEPT_MISC2_* */
	uint32_t intercept_misc3;         /* 0x014  vector 5: SVM_INTERCEPT_MISC3_* */
	uint8_t  rsvd_0x018[0x03c - 0x018];
	uint16_t pause_filter_threshold;  /* 0x03c  cycles between PAUSEs that reset the count */
	uint16_t pause_filter_count;      /* 0x03e  PAUSEs before the PAUSE intercept fires */
	uint64_t iopm_base_pa;            /* 0x040  I/O permission map, 12 KiB; bits 11:0 ignored */
	uint64_t msrpm_base_pa;           /* 0x048  MSR permission map, 8 KiB; bits 11:0 ignored */
	uint64_t tsc_offset;              /* 0x050  added to RDTSC/RDTSCP in the guest */
	uint32_t guest_asid;              /* 0x058  0 is the host's: VMRUN refuses it */
	uint8_t  tlb_control;             /* 0x05c  TLB_CONTROL_*; bits 39:32 of 0x058 */
	uint8_t  erap_control;            /* 0x05d  ERAP_*; bits 47:40 of 0x058 */
	uint8_t  rsvd_0x05e[0x060 - 0x05e];
	uint32_t int_ctl;                 /* 0x060  INT_CTL_*; bits 31:0 of the 0x060 qword */
	uint32_t int_vector;              /* 0x064  V_INTR_VECTOR in 7:0 (bits 39:32 of 0x060) */
	uint64_t int_state;               /* 0x068  INT_STATE_* */
	uint64_t exit_code;               /* 0x070  SVM_EXIT_* */
	uint64_t exit_info_1;             /* 0x078  per-exit detail, e.g. IOIO_*, NPF_* */
	uint64_t exit_info_2;             /* 0x080  per-exit detail, e.g. NPF GPA, IOIO next RIP */
	uint64_t exit_int_info;           /* 0x088  event being delivered at exit, SVM_EVENT_* format */
	uint64_t nested_ctl;              /* 0x090  NESTED_CTL_* */
	uint64_t avic_vapic_bar;          /* 0x098  guest APIC base GPA, bits 51:0 */
	uint64_t ghcb_gpa;                /* 0x0a0  SEV-ES GHCB, guest physical */
	uint64_t event_inj;               /* 0x0a8  event to inject on VMRUN, SVM_EVENT_* */
	uint64_t nested_cr3;              /* 0x0b0  nested page table root (host physical) */
	uint64_t virt_ext;                /* 0x0b8  VIRT_EXT_* */
	uint32_t clean;                   /* 0x0c0  VMCB_CLEAN_* */
	uint32_t rsvd_0x0c4;
	uint64_t next_rip;                /* 0x0c8  nRIP: RIP after the intercepted instruction */
	uint8_t  insn_len;                /* 0x0d0  bytes valid in insn_bytes (decode assists) */
	uint8_t  insn_bytes[15];          /* 0x0d1  guest instruction bytes at #NPF/#PF exits */
	uint64_t avic_backing_page;       /* 0x0e0  vAPIC backing page HPA, bits 51:0 */
	uint8_t  rsvd_0x0e8[0x0f0 - 0x0e8];
	uint64_t avic_logical_id;         /* 0x0f0  logical APIC ID table HPA, bits 51:12 */
	uint64_t avic_physical_id;        /* 0x0f8  physical APIC ID table HPA 51:12, max index 11:0 */
	uint8_t  rsvd_0x100[0x108 - 0x100];
	uint64_t vmsa_pa;                 /* 0x108  SEV-ES guest save area HPA, bits 51:12 */
	uint64_t vmgexit_rax;             /* 0x110  SEV-ES VMGEXIT parameter */
	uint8_t  vmgexit_cpl;             /* 0x118 */
	uint8_t  rsvd_0x119[0x120 - 0x119];
	uint16_t bus_lock_counter;        /* 0x120  bus locks allowed before the BUSLOCK intercept */
	uint8_t  rsvd_0x122[0x134 - 0x122];
	uint32_t update_irr;              /* 0x134  bit 0: merge requested_irr (Secure AVIC) */
	uint64_t allowed_sev_features;    /* 0x138  bit 63 enable, 61:0 mask */
	uint64_t guest_sev_features;      /* 0x140  61:0 */
	uint8_t  rsvd_0x148[0x150 - 0x148];
	uint64_t requested_irr[4];        /* 0x150  256-bit IRR request (Secure AVIC) */
	uint8_t  rsvd_0x170[0x3e0 - 0x170];
	uint8_t  reserved_sw[0x400 - 0x3e0];  /* 0x3e0  the manual leaves these to the host */
} __packed;

/* tlb_control: what VMRUN flushes before entering the guest. 3 and 7 need
 * FlushByAsid (CPUID Fn8000_000A EDX[6]); 1 also flushes every other ASID,
 * the host's included, and the manual keeps it for legacy hypervisors. All
 * other encodings are reserved. */
#define TLB_CONTROL_DO_NOTHING            0x00
#define TLB_CONTROL_FLUSH_ALL             0x01
#define TLB_CONTROL_FLUSH_ASID            0x03
#define TLB_CONTROL_FLUSH_ASID_NONGLOBAL  0x07

/* erap_control (bits 40, 41 of the 0x058 qword): return-address predictor. */
#define ERAP_ALLOW_LARGER_RAP  BIT(0)   /* guest RAP size = CPUID Fn8000_0021 EBX[RapSize], else 32 */
#define ERAP_CLEAR_RAP         BIT(1)   /* clear the RAP on VMRUN */

/*
 * int_ctl: virtual interrupt control. With V_INTR_MASKING set, the guest's
 * RFLAGS.IF and TPR gate only virtual interrupts; physical interrupts stay
 * under the host's RFLAGS.IF (and GIF), so a guest that runs with IF=0
 * cannot keep the host from taking its INTR exits. V_TPR and V_IRQ are
 * written back at #VMEXIT. AVIC makes VMRUN ignore V_IRQ, V_INTR_PRIO,
 * V_IGN_TPR and int_vector.
 */
#define INT_CTL_V_TPR_MASK          0x000000ffu   /* 3:0 used, 7:4 SBZ */
#define INT_CTL_V_IRQ               BIT(8)        /* a virtual INTR is pending */
#define INT_CTL_VGIF                BIT(9)        /* virtual GIF value (1 = unmasked) */
#define INT_CTL_V_NMI               BIT(11)       /* a virtual NMI is pending */
#define INT_CTL_V_NMI_MASK          BIT(12)       /* virtual NMIs are blocked */
#define INT_CTL_V_INTR_PRIO_SHIFT   16
#define INT_CTL_V_INTR_PRIO_MASK    (0xfull << INT_CTL_V_INTR_PRIO_SHIFT)
#define INT_CTL_V_IGN_TPR           BIT(20)       /* the pending V_IRQ ignores V_TPR */
#define INT_CTL_V_INTR_MASKING      BIT(24)
#define INT_CTL_VGIF_ENABLE         BIT(25)
#define INT_CTL_V_NMI_ENABLE        BIT(26)       /* needs the NMI intercept */
#define INT_CTL_X2AVIC_ENABLE       BIT(30)       /* needs AVIC_ENABLE too, or VMRUN fails */
#define INT_CTL_AVIC_ENABLE         BIT(31)
#define INT_VECTOR_MASK             0xffu         /* int_vector: V_INTR_VECTOR */

/* int_state */
#define INT_STATE_SHADOW            BIT(0)   /* guest is in an STI/MOV SS interrupt shadow */
#define INT_STATE_GUEST_MASK        BIT(1)   /* guest RFLAGS.IF, reported for SEV-ES only */

/* nested_ctl */
#define NESTED_CTL_NP_ENABLE        BIT(0)
#define NESTED_CTL_SEV_ENABLE       BIT(1)
#define NESTED_CTL_SEV_ES_ENABLE    BIT(2)
#define NESTED_CTL_GMET             BIT(3)   /* guest mode execute trap */
#define NESTED_CTL_SSS_CHECK        BIT(4)   /* supervisor shadow stack checks in NPT */
#define NESTED_CTL_VTE              BIT(5)   /* virtual transparent encryption */
#define NESTED_CTL_RO_GPT           BIT(6)   /* read-only guest page tables */
/* Where CPUID Fn8000_000A EDX[24] is set, leaving this clear makes guest
 * INVLPGB and TLBSYNC raise #UD. */
#define NESTED_CTL_INVLPGB_TLBSYNC  BIT(7)

/* virt_ext */
#define VIRT_EXT_LBR_VIRT           BIT(0)   /* swap DBGCTL and the LBR MSRs on VMRUN/#VMEXIT */
#define VIRT_EXT_VMSAVE_VMLOAD      BIT(1)   /* guest VMSAVE/VMLOAD run without an exit */
#define VIRT_EXT_IBS_VIRT           BIT(2)
#define VIRT_EXT_PMC_VIRT           BIT(3)

/*
 * clean: one bit per group of fields that VMRUN may take from its cache
 * instead of memory when this VMCB last ran on this core. A set bit is a
 * promise that the group was not written since; clear the bit with every
 * write to the group. The whole field must be 0 on a VMCB's first run and
 * whenever it moves to another core or another address. Bits 31:13 are
 * reserved, so VMCB_CLEAN_ALL covers only those defined here.
 */
#define VMCB_CLEAN_I     BIT(0)    /* intercept vectors, TSC offset, pause filter */
#define VMCB_CLEAN_IOPM  BIT(1)    /* iopm_base_pa, msrpm_base_pa */
#define VMCB_CLEAN_ASID  BIT(2)
#define VMCB_CLEAN_TPR   BIT(3)    /* int_ctl and int_vector (0x060-0x067) */
#define VMCB_CLEAN_NP    BIT(4)    /* nested_ctl NP_ENABLE, nested_cr3, g_pat */
#define VMCB_CLEAN_CRX   BIT(5)    /* CR0, CR3, CR4, EFER */
#define VMCB_CLEAN_DRX   BIT(6)    /* DR6, DR7 */
#define VMCB_CLEAN_DT    BIT(7)    /* GDTR, IDTR */
#define VMCB_CLEAN_SEG   BIT(8)    /* CS, DS, SS, ES, CPL */
#define VMCB_CLEAN_CR2   BIT(9)
#define VMCB_CLEAN_LBR   BIT(10)   /* dbgctl, br_from/to, last_excp_from/to */
#define VMCB_CLEAN_AVIC  BIT(11)   /* avic_vapic_bar, backing page, logical/physical tables */
#define VMCB_CLEAN_CET   BIT(12)   /* s_cet, ssp, isst_addr */
#define VMCB_CLEAN_ALL   (BIT(13) - 1)

/* ------------------------------------------------------------------------ */
/* Intercept vectors                                                         */
/* ------------------------------------------------------------------------ */

/* Vectors 0-2. An intercept's exit code equals its bit position counted
 * across the vectors (e.g. CR3 read is bit 3 of vector 0, exit code 0x03). */
#define SVM_INTERCEPT_CR_READ(n)    BIT(n)          /* intercept_cr */
#define SVM_INTERCEPT_CR_WRITE(n)   BIT(16 + (n))
#define SVM_INTERCEPT_DR_READ(n)    BIT(n)          /* intercept_dr */
#define SVM_INTERCEPT_DR_WRITE(n)   BIT(16 + (n))
#define SVM_INTERCEPT_EXCP(vec)     BIT(vec)        /* intercept_exceptions */

/* Vector 3, intercept_misc1 (0x00c) */
#define SVM_INTERCEPT_MISC1_INTR           BIT(0)    /* physical maskable interrupt */
#define SVM_INTERCEPT_MISC1_NMI            BIT(1)
#define SVM_INTERCEPT_MISC1_SMI            BIT(2)
#define SVM_INTERCEPT_MISC1_INIT           BIT(3)
#define SVM_INTERCEPT_MISC1_VINTR          BIT(4)    /* virtual interrupt window opens */
#define SVM_INTERCEPT_MISC1_CR0_SEL_WRITE  BIT(5)    /* CR0 writes changing bits other than TS, MP */
#define SVM_INTERCEPT_MISC1_IDTR_READ      BIT(6)
#define SVM_INTERCEPT_MISC1_GDTR_READ      BIT(7)
#define SVM_INTERCEPT_MISC1_LDTR_READ      BIT(8)
#define SVM_INTERCEPT_MISC1_TR_READ        BIT(9)
#define SVM_INTERCEPT_MISC1_IDTR_WRITE     BIT(10)
#define SVM_INTERCEPT_MISC1_GDTR_WRITE     BIT(11)
#define SVM_INTERCEPT_MISC1_LDTR_WRITE     BIT(12)
#define SVM_INTERCEPT_MISC1_TR_WRITE       BIT(13)
#define SVM_INTERCEPT_MISC1_RDTSC          BIT(14)
#define SVM_INTERCEPT_MISC1_RDPMC          BIT(15)
#define SVM_INTERCEPT_MISC1_PUSHF          BIT(16)
#define SVM_INTERCEPT_MISC1_POPF           BIT(17)
#define SVM_INTERCEPT_MISC1_CPUID          BIT(18)
#define SVM_INTERCEPT_MISC1_RSM            BIT(19)
#define SVM_INTERCEPT_MISC1_IRET           BIT(20)
#define SVM_INTERCEPT_MISC1_INTN           BIT(21)   /* INTn; exits as SVM_EXIT_SWINT */
#define SVM_INTERCEPT_MISC1_INVD           BIT(22)
#define SVM_INTERCEPT_MISC1_PAUSE          BIT(23)
#define SVM_INTERCEPT_MISC1_HLT            BIT(24)
#define SVM_INTERCEPT_MISC1_INVLPG         BIT(25)
#define SVM_INTERCEPT_MISC1_INVLPGA        BIT(26)
#define SVM_INTERCEPT_MISC1_IOIO_PROT      BIT(27)   /* IN/OUT to ports set in the IOPM */
#define SVM_INTERCEPT_MISC1_MSR_PROT       BIT(28)   /* RDMSR/WRMSR of MSRs set in the MSRPM */
#define SVM_INTERCEPT_MISC1_TASK_SWITCH    BIT(29)
#define SVM_INTERCEPT_MISC1_FERR_FREEZE    BIT(30)
#define SVM_INTERCEPT_MISC1_SHUTDOWN       BIT(31)   /* guest shutdown, e.g. a triple fault */

/* Vector 4, intercept_misc2 (0x010). VMRUN's consistency checks reject a
 * VMCB whose VMRUN intercept is clear, so MISC2_VMRUN must always be set. */
#define SVM_INTERCEPT_MISC2_VMRUN          BIT(0)
#define SVM_INTERCEPT_MISC2_VMMCALL        BIT(1)
#define SVM_INTERCEPT_MISC2_VMLOAD         BIT(2)
#define SVM_INTERCEPT_MISC2_VMSAVE         BIT(3)
#define SVM_INTERCEPT_MISC2_STGI           BIT(4)
#define SVM_INTERCEPT_MISC2_CLGI           BIT(5)
#define SVM_INTERCEPT_MISC2_SKINIT         BIT(6)
#define SVM_INTERCEPT_MISC2_RDTSCP         BIT(7)
#define SVM_INTERCEPT_MISC2_ICEBP          BIT(8)
#define SVM_INTERCEPT_MISC2_WBINVD         BIT(9)    /* WBINVD and WBNOINVD */
#define SVM_INTERCEPT_MISC2_MONITOR        BIT(10)   /* MONITOR and MONITORX */
#define SVM_INTERCEPT_MISC2_MWAIT          BIT(11)   /* MWAIT/MWAITX, unconditionally */
#define SVM_INTERCEPT_MISC2_MWAIT_COND     BIT(12)   /* MWAIT/MWAITX if the monitor is armed */
#define SVM_INTERCEPT_MISC2_XSETBV         BIT(13)
#define SVM_INTERCEPT_MISC2_RDPRU          BIT(14)
#define SVM_INTERCEPT_MISC2_EFER_WRITE_TRAP BIT(15)  /* after the write completes */
#define SVM_INTERCEPT_MISC2_CR_WRITE_TRAP(n) BIT(16 + (n))  /* CRn writes, after completion */

/* Vector 5, intercept_misc3 (0x014); bits 31:7 SBZ */
#define SVM_INTERCEPT_MISC3_INVLPGB         BIT(0)   /* all INVLPGB */
#define SVM_INTERCEPT_MISC3_INVLPGB_ILLEGAL BIT(1)   /* only illegally specified INVLPGB */
#define SVM_INTERCEPT_MISC3_INVPCID         BIT(2)
#define SVM_INTERCEPT_MISC3_MCOMMIT         BIT(3)
#define SVM_INTERCEPT_MISC3_TLBSYNC         BIT(4)
#define SVM_INTERCEPT_MISC3_BUSLOCK         BIT(5)   /* bus lock with bus_lock_counter == 0 */
#define SVM_INTERCEPT_MISC3_IDLE_HLT        BIT(6)   /* HLT with no virtual interrupt pending */

/* ------------------------------------------------------------------------ */
/* Exit codes, Table C-1                                                     */
/* ------------------------------------------------------------------------ */

#define SVM_EXIT_CR_READ(n)        (0x000 + (n))
#define SVM_EXIT_CR_WRITE(n)       (0x010 + (n))
#define SVM_EXIT_DR_READ(n)        (0x020 + (n))
#define SVM_EXIT_DR_WRITE(n)       (0x030 + (n))
#define SVM_EXIT_EXCP_BASE         0x040
#define SVM_EXIT_EXCP_LAST         0x05f
#define SVM_EXIT_EXCP(vec)         (SVM_EXIT_EXCP_BASE + (vec))

#define SVM_EXIT_CR0_READ          SVM_EXIT_CR_READ(0)
#define SVM_EXIT_CR3_READ          SVM_EXIT_CR_READ(3)
#define SVM_EXIT_CR4_READ          SVM_EXIT_CR_READ(4)
#define SVM_EXIT_CR8_READ          SVM_EXIT_CR_READ(8)
#define SVM_EXIT_CR0_WRITE         SVM_EXIT_CR_WRITE(0)
#define SVM_EXIT_CR3_WRITE         SVM_EXIT_CR_WRITE(3)
#define SVM_EXIT_CR4_WRITE         SVM_EXIT_CR_WRITE(4)
#define SVM_EXIT_CR8_WRITE         SVM_EXIT_CR_WRITE(8)

#define SVM_EXIT_INTR              0x060
#define SVM_EXIT_NMI               0x061
#define SVM_EXIT_SMI               0x062
#define SVM_EXIT_INIT              0x063
#define SVM_EXIT_VINTR             0x064
#define SVM_EXIT_CR0_SEL_WRITE     0x065
#define SVM_EXIT_IDTR_READ         0x066
#define SVM_EXIT_GDTR_READ         0x067
#define SVM_EXIT_LDTR_READ         0x068
#define SVM_EXIT_TR_READ           0x069
#define SVM_EXIT_IDTR_WRITE        0x06a
#define SVM_EXIT_GDTR_WRITE        0x06b
#define SVM_EXIT_LDTR_WRITE        0x06c
#define SVM_EXIT_TR_WRITE          0x06d
#define SVM_EXIT_RDTSC             0x06e
#define SVM_EXIT_RDPMC             0x06f
#define SVM_EXIT_PUSHF             0x070
#define SVM_EXIT_POPF              0x071
#define SVM_EXIT_CPUID             0x072
#define SVM_EXIT_RSM               0x073
#define SVM_EXIT_IRET              0x074
#define SVM_EXIT_SWINT             0x075   /* INTn */
#define SVM_EXIT_INVD              0x076
#define SVM_EXIT_PAUSE             0x077
#define SVM_EXIT_HLT               0x078
#define SVM_EXIT_INVLPG            0x079
#define SVM_EXIT_INVLPGA           0x07a
#define SVM_EXIT_IOIO              0x07b   /* exit_info_1: IOIO_*; exit_info_2: next RIP */
#define SVM_EXIT_MSR               0x07c   /* exit_info_1: MSR_EXIT_READ/WRITE; ECX = MSR */
#define SVM_EXIT_TASK_SWITCH       0x07d
#define SVM_EXIT_FERR_FREEZE       0x07e
#define SVM_EXIT_SHUTDOWN          0x07f   /* guest state is undefined afterwards */
#define SVM_EXIT_VMRUN             0x080
#define SVM_EXIT_VMMCALL           0x081
#define SVM_EXIT_VMLOAD            0x082
#define SVM_EXIT_VMSAVE            0x083
#define SVM_EXIT_STGI              0x084
#define SVM_EXIT_CLGI              0x085
#define SVM_EXIT_SKINIT            0x086
#define SVM_EXIT_RDTSCP            0x087
#define SVM_EXIT_ICEBP             0x088
#define SVM_EXIT_WBINVD            0x089
#define SVM_EXIT_MONITOR           0x08a
#define SVM_EXIT_MWAIT             0x08b
#define SVM_EXIT_MWAIT_CONDITIONAL 0x08c
#define SVM_EXIT_XSETBV            0x08d   /* Table C-1 lists 8Eh first; the codes are as here */
#define SVM_EXIT_RDPRU             0x08e
#define SVM_EXIT_EFER_WRITE_TRAP   0x08f
#define SVM_EXIT_CR_WRITE_TRAP(n)  (0x090 + (n))
#define SVM_EXIT_INVLPGB           0x0a0
#define SVM_EXIT_INVLPGB_ILLEGAL   0x0a1
#define SVM_EXIT_INVPCID           0x0a2
#define SVM_EXIT_MCOMMIT           0x0a3
#define SVM_EXIT_TLBSYNC           0x0a4
#define SVM_EXIT_BUSLOCK           0x0a5
#define SVM_EXIT_IDLE_HLT          0x0a6
#define SVM_EXIT_NPF               0x400   /* exit_info_1: NPF_*; exit_info_2: faulting GPA */
#define SVM_EXIT_AVIC_INCOMPLETE_IPI 0x401
#define SVM_EXIT_AVIC_NOACCEL      0x402
#define SVM_EXIT_VMGEXIT           0x403

/* Never written by hardware; free for the host's own use. Table C-1 prints
 * "F000 000h", which AMD has confirmed is a typo for F000_0000h. */
#define SVM_EXIT_SW                0xf0000000ull

/* Failed VMRUNs. INVALID means the VMCB failed a consistency check: our bug,
 * never the guest's. BUSY, IDLE_REQUIRED and INVALID_PMC are SEV-SNP/PMC
 * virtualization cases. */
#define SVM_EXIT_INVALID           ((uint64_t)-1)
#define SVM_EXIT_BUSY              ((uint64_t)-2)
#define SVM_EXIT_IDLE_REQUIRED     ((uint64_t)-3)
#define SVM_EXIT_INVALID_PMC       ((uint64_t)-4)

/* ------------------------------------------------------------------------ */
/* EXITINFO1 / EXITINFO2 formats                                             */
/* ------------------------------------------------------------------------ */

/* #VMEXIT(IOIO). exit_info_2 holds the RIP of the next instruction, so the
 * handler can advance RIP without decoding. SZ and A are one-hot. */
#define IOIO_TYPE_IN     BIT(0)            /* 1 = IN/INS, 0 = OUT/OUTS */
#define IOIO_STR         BIT(2)            /* INS/OUTS */
#define IOIO_REP         BIT(3)
#define IOIO_SZ8         BIT(4)
#define IOIO_SZ16        BIT(5)
#define IOIO_SZ32        BIT(6)
#define IOIO_SZ_SHIFT    4
#define IOIO_SZ_MASK     (0x7ull << IOIO_SZ_SHIFT)
#define IOIO_A16         BIT(7)
#define IOIO_A32         BIT(8)
#define IOIO_A64         BIT(9)
#define IOIO_A_SHIFT     7
#define IOIO_A_MASK      (0x7ull << IOIO_A_SHIFT)
#define IOIO_SEG_SHIFT   10                /* effective segment of INS/OUTS: ES=0 ... GS=5 */
#define IOIO_SEG_MASK    (0x7ull << IOIO_SEG_SHIFT)
#define IOIO_PORT_SHIFT  16
#define IOIO_PORT_MASK   (0xffffull << IOIO_PORT_SHIFT)

static inline uint16_t ioio_port(uint64_t i1) { return (uint16_t)((i1 & IOIO_PORT_MASK) >> IOIO_PORT_SHIFT); }
static inline bool ioio_is_in(uint64_t i1) { return (i1 & IOIO_TYPE_IN) != 0; }
static inline bool ioio_is_string(uint64_t i1) { return (i1 & IOIO_STR) != 0; }
static inline bool ioio_is_rep(uint64_t i1) { return (i1 & IOIO_REP) != 0; }
static inline unsigned ioio_seg(uint64_t i1) { return (unsigned)((i1 & IOIO_SEG_MASK) >> IOIO_SEG_SHIFT); }

/* Operand size in bytes (1, 2 or 4); 0 if the one-hot field is malformed. */
static inline unsigned ioio_size(uint64_t i1)
{
	switch (i1 & IOIO_SZ_MASK) {
	case IOIO_SZ8:  return 1;
	case IOIO_SZ16: return 2;
	case IOIO_SZ32: return 4;
	default:        return 0;
	}
}

/* Address size in bytes (2, 4 or 8); 0 if the one-hot field is malformed. */
static inline unsigned ioio_addr_size(uint64_t i1)
{
	switch (i1 & IOIO_A_MASK) {
	case IOIO_A16: return 2;
	case IOIO_A32: return 4;
	case IOIO_A64: return 8;
	default:       return 0;
	}
}

/* #VMEXIT(MSR): exit_info_1 says which; the MSR number is the guest's ECX
 * and the value written the guest's EDX:EAX. */
#define MSR_EXIT_READ    0
#define MSR_EXIT_WRITE   1

/* #VMEXIT(CRx/DRx access) with decode assists: bit 63 is set for MOV (as
 * opposed to LMSW/CLTS/SMSW), and bits 3:0 give the GPR number. */
#define CRDR_EXIT_MOV       BIT(63)
#define CRDR_EXIT_GPR_MASK  0xfull

/* #VMEXIT(NPF): exit_info_1 is a #PF-style error code plus where in the walk
 * the fault hit; exit_info_2 is the faulting guest physical address. */
#define NPF_P            BIT(0)    /* the nested entry was present (protection fault) */
#define NPF_RW           BIT(1)    /* write access */
#define NPF_US           BIT(2)    /* user access */
#define NPF_RSV          BIT(3)    /* reserved bit set in a nested entry */
#define NPF_ID           BIT(4)    /* instruction fetch */
#define NPF_GUEST_FINAL  BIT(32)   /* translating the guest's final physical address */
#define NPF_GUEST_TABLE  BIT(33)   /* translating a guest page-table entry's address */

/* ------------------------------------------------------------------------ */
/* EVENTINJ / EXITINTINFO                                                    */
/* ------------------------------------------------------------------------ */

/*
 * event_inj (what VMRUN delivers before the first guest instruction) and
 * exit_int_info (what was being delivered when the exit hit, to be
 * re-injected) share one format:
 *
 *   63:32 error code   31 V   30:12 SBZ   11 EV   10:8 type   7:0 vector
 *
 * EV says whether the error code is pushed. The hardware does not derive it
 * from the vector, so it must be set exactly for the exceptions that push
 * one (#DF, #TS, #NP, #SS, #GP, #PF, #AC, #CP, #VC, #SX).
 */
#define SVM_EVENT_VECTOR_MASK    0xffull
#define SVM_EVENT_TYPE_SHIFT     8
#define SVM_EVENT_TYPE_MASK      (0x7ull << SVM_EVENT_TYPE_SHIFT)
#define SVM_EVENT_EV             BIT(11)
#define SVM_EVENT_V              BIT(31)
#define SVM_EVENT_ERROR_SHIFT    32

/* Values of the type field (unshifted). 1, 5, 6 and 7 are reserved. */
#define SVM_EVENT_TYPE_INTR       0u   /* external interrupt; vector as given */
#define SVM_EVENT_TYPE_NMI        2u   /* vector ignored */
#define SVM_EVENT_TYPE_EXCEPTION  3u   /* fault or trap */
#define SVM_EVENT_TYPE_SOFT_INT   4u   /* INTn, with its privilege checks */

static inline uint64_t vmcb_event(uint8_t vector, unsigned type, bool has_error, uint32_t error)
{
	uint64_t e = SVM_EVENT_V | vector | ((uint64_t)(type & 0x7u) << SVM_EVENT_TYPE_SHIFT);

	if (has_error)
		e |= SVM_EVENT_EV | ((uint64_t)error << SVM_EVENT_ERROR_SHIFT);
	return e;
}

static inline bool svm_event_valid(uint64_t e) { return (e & SVM_EVENT_V) != 0; }
static inline uint8_t svm_event_vector(uint64_t e) { return (uint8_t)(e & SVM_EVENT_VECTOR_MASK); }
static inline unsigned svm_event_type(uint64_t e)
{
	return (unsigned)((e & SVM_EVENT_TYPE_MASK) >> SVM_EVENT_TYPE_SHIFT);
}
static inline bool svm_event_has_error(uint64_t e) { return (e & SVM_EVENT_EV) != 0; }
static inline uint32_t svm_event_error(uint64_t e) { return (uint32_t)(e >> SVM_EVENT_ERROR_SHIFT); }

/* ------------------------------------------------------------------------ */
/* State save area, Table B-2 (offsets relative to VMCB offset 0x400)        */
/* ------------------------------------------------------------------------ */

/*
 * Not everything here is loaded by VMRUN: FS, GS, TR, LDTR, KernelGsBase,
 * STAR, LSTAR, CSTAR, SFMASK and the SYSENTER MSRs move only with
 * VMLOAD/VMSAVE. RAX, RSP and RIP are here; the other GPRs are not, and the
 * VMRUN code saves and restores them itself.
 */
struct vmcb_save {
	struct vmcb_seg es;               /* 0x000  base: only the low 32 bits are implemented */
	struct vmcb_seg cs;               /* 0x010  ditto */
	struct vmcb_seg ss;               /* 0x020  ditto */
	struct vmcb_seg ds;               /* 0x030  ditto */
	struct vmcb_seg fs;               /* 0x040 */
	struct vmcb_seg gs;               /* 0x050 */
	struct vmcb_seg gdtr;             /* 0x060  limit (16 bits used) and base only */
	struct vmcb_seg ldtr;             /* 0x070 */
	struct vmcb_seg idtr;             /* 0x080  limit (16 bits used) and base only */
	struct vmcb_seg tr;               /* 0x090 */
	uint8_t  rsvd_0x0a0[0x0cb - 0x0a0];
	uint8_t  cpl;                     /* 0x0cb  forced to 0 in real mode, 3 in v86 mode */
	uint32_t rsvd_0x0cc;
	uint64_t efer;                    /* 0x0d0  SVME must stay set or VMRUN fails */
	uint64_t rsvd_0x0d8;
	uint64_t perf_ctl0;               /* 0x0e0  PMC virtualization: PERF_CTLn/PERF_CTRn */
	uint64_t perf_ctr0;               /* 0x0e8 */
	uint64_t perf_ctl1;               /* 0x0f0 */
	uint64_t perf_ctr1;               /* 0x0f8 */
	uint64_t perf_ctl2;               /* 0x100 */
	uint64_t perf_ctr2;               /* 0x108 */
	uint64_t perf_ctl3;               /* 0x110 */
	uint64_t perf_ctr3;               /* 0x118 */
	uint64_t perf_ctl4;               /* 0x120 */
	uint64_t perf_ctr4;               /* 0x128 */
	uint64_t perf_ctl5;               /* 0x130 */
	uint64_t perf_ctr5;               /* 0x138 */
	uint64_t rsvd_0x140;              /* XSS in an SEV-ES VMSA; reserved here */
	uint64_t cr4;                     /* 0x148 */
	uint64_t cr3;                     /* 0x150 */
	uint64_t cr0;                     /* 0x158 */
	uint64_t dr7;                     /* 0x160 */
	uint64_t dr6;                     /* 0x168 */
	uint64_t rflags;                  /* 0x170 */
	uint64_t rip;                     /* 0x178 */
	uint8_t  rsvd_0x180[0x1c0 - 0x180];
	uint64_t instr_retired_ctr;       /* 0x1c0  PMC virtualization */
	uint64_t perf_ctr_global_sts;     /* 0x1c8 */
	uint32_t perf_ctr_global_ctl;     /* 0x1d0  B-2 says qword yet reserves 0x1d4; B-4: dword */
	uint32_t rsvd_0x1d4;
	uint64_t rsp;                     /* 0x1d8 */
	uint64_t s_cet;                   /* 0x1e0 */
	uint64_t ssp;                     /* 0x1e8 */
	uint64_t isst_addr;               /* 0x1f0 */
	uint64_t rax;                     /* 0x1f8 */
	uint64_t star;                    /* 0x200 */
	uint64_t lstar;                   /* 0x208 */
	uint64_t cstar;                   /* 0x210 */
	uint64_t sfmask;                  /* 0x218 */
	uint64_t kernel_gs_base;          /* 0x220 */
	uint64_t sysenter_cs;             /* 0x228 */
	uint64_t sysenter_esp;            /* 0x230 */
	uint64_t sysenter_eip;            /* 0x238 */
	uint64_t cr2;                     /* 0x240 */
	uint8_t  rsvd_0x248[0x268 - 0x248];
	uint64_t g_pat;                   /* 0x268  guest PAT, used only with nested paging */
	uint64_t dbgctl;                  /* 0x270  this and the next five: LBR virtualization */
	uint64_t br_from;                 /* 0x278 */
	uint64_t br_to;                   /* 0x280 */
	uint64_t last_excp_from;          /* 0x288 */
	uint64_t last_excp_to;            /* 0x290 */
	uint64_t dbg_extn_cfg;            /* 0x298  DBGEXTNCFG (Table B-2 spells it DBGEXTNCTL) */
	uint8_t  rsvd_0x2a0[0x2e0 - 0x2a0];   /* Table B-2 says "72 bytes"; its offsets say 64 */
	uint64_t spec_ctrl;               /* 0x2e0 */
	uint8_t  rsvd_0x2e8[0x670 - 0x2e8];
	uint64_t lbr_stack[32];           /* 0x670  LastBranchStackFromIp/ToIp MSRs, MSR address order */
	uint64_t lbr_select;              /* 0x770 */
	uint64_t ibs_fetch_ctl;           /* 0x778  this and the rest: IBS virtualization */
	uint64_t ibs_fetch_linaddr;       /* 0x780 */
	uint64_t ibs_op_ctl;              /* 0x788 */
	uint64_t ibs_op_rip;              /* 0x790 */
	uint64_t ibs_op_data;             /* 0x798 */
	uint64_t ibs_op_data2;            /* 0x7a0 */
	uint64_t ibs_op_data3;            /* 0x7a8 */
	uint64_t ibs_dc_linaddr;          /* 0x7b0 */
	uint64_t bp_ibstgt_rip;           /* 0x7b8 */
	uint64_t ic_ibs_extd_ctl;         /* 0x7c0 */
} __packed;                               /* 0x7c8 bytes */

struct vmcb {
	struct vmcb_control control;      /* 0x000 */
	struct vmcb_save    save;         /* 0x400 */
	uint8_t rsvd_0xbc8[0x1000 - 0xbc8];  /* reserved "to the end of the VMCB" */
} __packed;

/* ------------------------------------------------------------------------ */
/* Layout checks                                                             */
/* ------------------------------------------------------------------------ */

#define VMCB_AT(type, field, off) _Static_assert(offsetof(struct type, field) == (off), \
	#type "." #field " must be at " #off)

_Static_assert(sizeof(struct vmcb_control) == 0x400, "control area is 1 KiB");
_Static_assert(sizeof(struct vmcb_save) == 0x7c8, "save area ends at 0x7c8 (Table B-2)");
_Static_assert(sizeof(struct vmcb) == 4096, "VMCB is one page");
VMCB_AT(vmcb, control, 0x000);
VMCB_AT(vmcb, save, 0x400);

VMCB_AT(vmcb_seg, selector, 0x0);
VMCB_AT(vmcb_seg, attrib, 0x2);
VMCB_AT(vmcb_seg, limit, 0x4);
VMCB_AT(vmcb_seg, base, 0x8);

VMCB_AT(vmcb_control, intercept_cr, 0x000);
VMCB_AT(vmcb_control, intercept_dr, 0x004);
VMCB_AT(vmcb_control, intercept_exceptions, 0x008);
VMCB_AT(vmcb_control, intercept_misc1, 0x00c);
VMCB_AT(vmcb_control, intercept_misc2, 0x010);
VMCB_AT(vmcb_control, intercept_misc3, 0x014);
VMCB_AT(vmcb_control, rsvd_0x018, 0x018);
VMCB_AT(vmcb_control, pause_filter_threshold, 0x03c);
VMCB_AT(vmcb_control, pause_filter_count, 0x03e);
VMCB_AT(vmcb_control, iopm_base_pa, 0x040);
VMCB_AT(vmcb_control, msrpm_base_pa, 0x048);
VMCB_AT(vmcb_control, tsc_offset, 0x050);
VMCB_AT(vmcb_control, guest_asid, 0x058);
VMCB_AT(vmcb_control, tlb_control, 0x05c);
VMCB_AT(vmcb_control, erap_control, 0x05d);
VMCB_AT(vmcb_control, rsvd_0x05e, 0x05e);
VMCB_AT(vmcb_control, int_ctl, 0x060);
VMCB_AT(vmcb_control, int_vector, 0x064);
VMCB_AT(vmcb_control, int_state, 0x068);
VMCB_AT(vmcb_control, exit_code, 0x070);
VMCB_AT(vmcb_control, exit_info_1, 0x078);
VMCB_AT(vmcb_control, exit_info_2, 0x080);
VMCB_AT(vmcb_control, exit_int_info, 0x088);
VMCB_AT(vmcb_control, nested_ctl, 0x090);
VMCB_AT(vmcb_control, avic_vapic_bar, 0x098);
VMCB_AT(vmcb_control, ghcb_gpa, 0x0a0);
VMCB_AT(vmcb_control, event_inj, 0x0a8);
VMCB_AT(vmcb_control, nested_cr3, 0x0b0);
VMCB_AT(vmcb_control, virt_ext, 0x0b8);
VMCB_AT(vmcb_control, clean, 0x0c0);
VMCB_AT(vmcb_control, rsvd_0x0c4, 0x0c4);
VMCB_AT(vmcb_control, next_rip, 0x0c8);
VMCB_AT(vmcb_control, insn_len, 0x0d0);
VMCB_AT(vmcb_control, insn_bytes, 0x0d1);
VMCB_AT(vmcb_control, avic_backing_page, 0x0e0);
VMCB_AT(vmcb_control, rsvd_0x0e8, 0x0e8);
VMCB_AT(vmcb_control, avic_logical_id, 0x0f0);
VMCB_AT(vmcb_control, avic_physical_id, 0x0f8);
VMCB_AT(vmcb_control, rsvd_0x100, 0x100);
VMCB_AT(vmcb_control, vmsa_pa, 0x108);
VMCB_AT(vmcb_control, vmgexit_rax, 0x110);
VMCB_AT(vmcb_control, vmgexit_cpl, 0x118);
VMCB_AT(vmcb_control, rsvd_0x119, 0x119);
VMCB_AT(vmcb_control, bus_lock_counter, 0x120);
VMCB_AT(vmcb_control, rsvd_0x122, 0x122);
VMCB_AT(vmcb_control, update_irr, 0x134);
VMCB_AT(vmcb_control, allowed_sev_features, 0x138);
VMCB_AT(vmcb_control, guest_sev_features, 0x140);
VMCB_AT(vmcb_control, rsvd_0x148, 0x148);
VMCB_AT(vmcb_control, requested_irr, 0x150);
VMCB_AT(vmcb_control, rsvd_0x170, 0x170);
VMCB_AT(vmcb_control, reserved_sw, 0x3e0);

VMCB_AT(vmcb_save, es, 0x000);
VMCB_AT(vmcb_save, cs, 0x010);
VMCB_AT(vmcb_save, ss, 0x020);
VMCB_AT(vmcb_save, ds, 0x030);
VMCB_AT(vmcb_save, fs, 0x040);
VMCB_AT(vmcb_save, gs, 0x050);
VMCB_AT(vmcb_save, gdtr, 0x060);
VMCB_AT(vmcb_save, ldtr, 0x070);
VMCB_AT(vmcb_save, idtr, 0x080);
VMCB_AT(vmcb_save, tr, 0x090);
VMCB_AT(vmcb_save, rsvd_0x0a0, 0x0a0);
VMCB_AT(vmcb_save, cpl, 0x0cb);
VMCB_AT(vmcb_save, rsvd_0x0cc, 0x0cc);
VMCB_AT(vmcb_save, efer, 0x0d0);
VMCB_AT(vmcb_save, rsvd_0x0d8, 0x0d8);
VMCB_AT(vmcb_save, perf_ctl0, 0x0e0);
VMCB_AT(vmcb_save, perf_ctr0, 0x0e8);
VMCB_AT(vmcb_save, perf_ctl1, 0x0f0);
VMCB_AT(vmcb_save, perf_ctr1, 0x0f8);
VMCB_AT(vmcb_save, perf_ctl2, 0x100);
VMCB_AT(vmcb_save, perf_ctr2, 0x108);
VMCB_AT(vmcb_save, perf_ctl3, 0x110);
VMCB_AT(vmcb_save, perf_ctr3, 0x118);
VMCB_AT(vmcb_save, perf_ctl4, 0x120);
VMCB_AT(vmcb_save, perf_ctr4, 0x128);
VMCB_AT(vmcb_save, perf_ctl5, 0x130);
VMCB_AT(vmcb_save, perf_ctr5, 0x138);
VMCB_AT(vmcb_save, rsvd_0x140, 0x140);
VMCB_AT(vmcb_save, cr4, 0x148);
VMCB_AT(vmcb_save, cr3, 0x150);
VMCB_AT(vmcb_save, cr0, 0x158);
VMCB_AT(vmcb_save, dr7, 0x160);
VMCB_AT(vmcb_save, dr6, 0x168);
VMCB_AT(vmcb_save, rflags, 0x170);
VMCB_AT(vmcb_save, rip, 0x178);
VMCB_AT(vmcb_save, rsvd_0x180, 0x180);
VMCB_AT(vmcb_save, instr_retired_ctr, 0x1c0);
VMCB_AT(vmcb_save, perf_ctr_global_sts, 0x1c8);
VMCB_AT(vmcb_save, perf_ctr_global_ctl, 0x1d0);
VMCB_AT(vmcb_save, rsvd_0x1d4, 0x1d4);
VMCB_AT(vmcb_save, rsp, 0x1d8);
VMCB_AT(vmcb_save, s_cet, 0x1e0);
VMCB_AT(vmcb_save, ssp, 0x1e8);
VMCB_AT(vmcb_save, isst_addr, 0x1f0);
VMCB_AT(vmcb_save, rax, 0x1f8);
VMCB_AT(vmcb_save, star, 0x200);
VMCB_AT(vmcb_save, lstar, 0x208);
VMCB_AT(vmcb_save, cstar, 0x210);
VMCB_AT(vmcb_save, sfmask, 0x218);
VMCB_AT(vmcb_save, kernel_gs_base, 0x220);
VMCB_AT(vmcb_save, sysenter_cs, 0x228);
VMCB_AT(vmcb_save, sysenter_esp, 0x230);
VMCB_AT(vmcb_save, sysenter_eip, 0x238);
VMCB_AT(vmcb_save, cr2, 0x240);
VMCB_AT(vmcb_save, rsvd_0x248, 0x248);
VMCB_AT(vmcb_save, g_pat, 0x268);
VMCB_AT(vmcb_save, dbgctl, 0x270);
VMCB_AT(vmcb_save, br_from, 0x278);
VMCB_AT(vmcb_save, br_to, 0x280);
VMCB_AT(vmcb_save, last_excp_from, 0x288);
VMCB_AT(vmcb_save, last_excp_to, 0x290);
VMCB_AT(vmcb_save, dbg_extn_cfg, 0x298);
VMCB_AT(vmcb_save, rsvd_0x2a0, 0x2a0);
VMCB_AT(vmcb_save, spec_ctrl, 0x2e0);
VMCB_AT(vmcb_save, rsvd_0x2e8, 0x2e8);
VMCB_AT(vmcb_save, lbr_stack, 0x670);
VMCB_AT(vmcb_save, lbr_select, 0x770);
VMCB_AT(vmcb_save, ibs_fetch_ctl, 0x778);
VMCB_AT(vmcb_save, ibs_fetch_linaddr, 0x780);
VMCB_AT(vmcb_save, ibs_op_ctl, 0x788);
VMCB_AT(vmcb_save, ibs_op_rip, 0x790);
VMCB_AT(vmcb_save, ibs_op_data, 0x798);
VMCB_AT(vmcb_save, ibs_op_data2, 0x7a0);
VMCB_AT(vmcb_save, ibs_op_data3, 0x7a8);
VMCB_AT(vmcb_save, ibs_dc_linaddr, 0x7b0);
VMCB_AT(vmcb_save, bp_ibstgt_rip, 0x7b8);
VMCB_AT(vmcb_save, ic_ibs_extd_ctl, 0x7c0);

/* Absolute offsets of the fields the VMRUN path touches, for whoever reads
 * the VMCB as raw memory (debug dumps, assembly). */
VMCB_AT(vmcb, control.exit_code, 0x070);
VMCB_AT(vmcb, save.rip, 0x578);
VMCB_AT(vmcb, save.rsp, 0x5d8);
VMCB_AT(vmcb, save.rax, 0x5f8);
VMCB_AT(vmcb, rsvd_0xbc8, 0xbc8);

/* ------------------------------------------------------------------------ */
/* Names for logs (vmcb.c)                                                   */
/* ------------------------------------------------------------------------ */

/* "CPUID", "IOIO", "NPF", "CR3_READ", "EXCP_PF", "INVALID" ...; "UNKNOWN"
 * for codes Table C-1 does not define. Never NULL. */
const char *svm_exit_name(uint64_t code);

/* "INTR", "NMI", "EXCEPTION", "SOFT_INT" for a type field value (not a whole
 * EVENTINJ); "RESERVED" for 1, 5, 6, 7; "UNKNOWN" above 7. Never NULL. */
const char *svm_event_type_name(unsigned type);

#endif
