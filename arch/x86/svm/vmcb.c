/* arch/x86/svm/vmcb.c - Printable names for #VMEXIT codes and event types,
 * for logs and VMCB dumps. The codes themselves are in vmcb.h (APM Vol. 2,
 * Table C-1); the names are the APM's with the VMEXIT_ prefix dropped. */
#include "arch/x86/svm/vmcb.h"

#define CR_NAMES(n) \
	[SVM_EXIT_CR_READ(n)]       = "CR" #n "_READ", \
	[SVM_EXIT_CR_WRITE(n)]      = "CR" #n "_WRITE", \
	[SVM_EXIT_CR_WRITE_TRAP(n)] = "CR" #n "_WRITE_TRAP"
#define DR_NAMES(n) \
	[SVM_EXIT_DR_READ(n)]  = "DR" #n "_READ", \
	[SVM_EXIT_DR_WRITE(n)] = "DR" #n "_WRITE"
#define EXCP(vec, mnemonic) [SVM_EXIT_EXCP(vec)] = "EXCP_" mnemonic

/* Table C-1 is dense from 0 up to IDLE_HLT, so this covers every code below
 * 0x400 (the unit test checks that no slot is empty). Exception vectors
 * without an architectural mnemonic are named by their decimal number. */
static const char *const exit_names[] = {
	CR_NAMES(0),  CR_NAMES(1),  CR_NAMES(2),  CR_NAMES(3),
	CR_NAMES(4),  CR_NAMES(5),  CR_NAMES(6),  CR_NAMES(7),
	CR_NAMES(8),  CR_NAMES(9),  CR_NAMES(10), CR_NAMES(11),
	CR_NAMES(12), CR_NAMES(13), CR_NAMES(14), CR_NAMES(15),
	DR_NAMES(0),  DR_NAMES(1),  DR_NAMES(2),  DR_NAMES(3),
	DR_NAMES(4),  DR_NAMES(5),  DR_NAMES(6),  DR_NAMES(7),
	DR_NAMES(8),  DR_NAMES(9),  DR_NAMES(10), DR_NAMES(11),
	DR_NAMES(12), DR_NAMES(13), DR_NAMES(14), DR_NAMES(15),

	EXCP(0, "DE"),  EXCP(1, "DB"),  EXCP(2, "NMI"), EXCP(3, "BP"),
	EXCP(4, "OF"),  EXCP(5, "BR"),  EXCP(6, "UD"),  EXCP(7, "NM"),
	EXCP(8, "DF"),  EXCP(9, "9"),   EXCP(10, "TS"), EXCP(11, "NP"),
	EXCP(12, "SS"), EXCP(13, "GP"), EXCP(14, "PF"), EXCP(15, "15"),
	EXCP(16, "MF"), EXCP(17, "AC"), EXCP(18, "MC"), EXCP(19, "XF"),
	EXCP(20, "20"), EXCP(21, "CP"), EXCP(22, "22"), EXCP(23, "23"),
	EXCP(24, "24"), EXCP(25, "25"), EXCP(26, "26"), EXCP(27, "27"),
	EXCP(28, "HV"), EXCP(29, "VC"), EXCP(30, "SX"), EXCP(31, "31"),

	[SVM_EXIT_INTR]              = "INTR",
	[SVM_EXIT_NMI]               = "NMI",
	[SVM_EXIT_SMI]               = "SMI",
	[SVM_EXIT_INIT]              = "INIT",
	[SVM_EXIT_VINTR]             = "VINTR",
	[SVM_EXIT_CR0_SEL_WRITE]     = "CR0_SEL_WRITE",
	[SVM_EXIT_IDTR_READ]         = "IDTR_READ",
	[SVM_EXIT_GDTR_READ]         = "GDTR_READ",
	[SVM_EXIT_LDTR_READ]         = "LDTR_READ",
	[SVM_EXIT_TR_READ]           = "TR_READ",
	[SVM_EXIT_IDTR_WRITE]        = "IDTR_WRITE",
	[SVM_EXIT_GDTR_WRITE]        = "GDTR_WRITE",
	[SVM_EXIT_LDTR_WRITE]        = "LDTR_WRITE",
	[SVM_EXIT_TR_WRITE]          = "TR_WRITE",
	[SVM_EXIT_RDTSC]             = "RDTSC",
	[SVM_EXIT_RDPMC]             = "RDPMC",
	[SVM_EXIT_PUSHF]             = "PUSHF",
	[SVM_EXIT_POPF]              = "POPF",
	[SVM_EXIT_CPUID]             = "CPUID",
	[SVM_EXIT_RSM]               = "RSM",
	[SVM_EXIT_IRET]              = "IRET",
	[SVM_EXIT_SWINT]             = "SWINT",
	[SVM_EXIT_INVD]              = "INVD",
	[SVM_EXIT_PAUSE]             = "PAUSE",
	[SVM_EXIT_HLT]               = "HLT",
	[SVM_EXIT_INVLPG]            = "INVLPG",
	[SVM_EXIT_INVLPGA]           = "INVLPGA",
	[SVM_EXIT_IOIO]              = "IOIO",
	[SVM_EXIT_MSR]               = "MSR",
	[SVM_EXIT_TASK_SWITCH]       = "TASK_SWITCH",
	[SVM_EXIT_FERR_FREEZE]       = "FERR_FREEZE",
	[SVM_EXIT_SHUTDOWN]          = "SHUTDOWN",
	[SVM_EXIT_VMRUN]             = "VMRUN",
	[SVM_EXIT_VMMCALL]           = "VMMCALL",
	[SVM_EXIT_VMLOAD]            = "VMLOAD",
	[SVM_EXIT_VMSAVE]            = "VMSAVE",
	[SVM_EXIT_STGI]              = "STGI",
	[SVM_EXIT_CLGI]              = "CLGI",
	[SVM_EXIT_SKINIT]            = "SKINIT",
	[SVM_EXIT_RDTSCP]            = "RDTSCP",
	[SVM_EXIT_ICEBP]             = "ICEBP",
	[SVM_EXIT_WBINVD]            = "WBINVD",
	[SVM_EXIT_MONITOR]           = "MONITOR",
	[SVM_EXIT_MWAIT]             = "MWAIT",
	[SVM_EXIT_MWAIT_CONDITIONAL] = "MWAIT_CONDITIONAL",
	[SVM_EXIT_XSETBV]            = "XSETBV",
	[SVM_EXIT_RDPRU]             = "RDPRU",
	[SVM_EXIT_EFER_WRITE_TRAP]   = "EFER_WRITE_TRAP",
	/* CR0-15 write traps (0x90-0x9f) come from CR_NAMES above. */
	[SVM_EXIT_INVLPGB]           = "INVLPGB",
	[SVM_EXIT_INVLPGB_ILLEGAL]   = "INVLPGB_ILLEGAL",
	[SVM_EXIT_INVPCID]           = "INVPCID",
	[SVM_EXIT_MCOMMIT]           = "MCOMMIT",
	[SVM_EXIT_TLBSYNC]           = "TLBSYNC",
	[SVM_EXIT_BUSLOCK]           = "BUSLOCK",
	[SVM_EXIT_IDLE_HLT]          = "IDLE_HLT",
};
_Static_assert(ARRAY_SIZE(exit_names) == SVM_EXIT_IDLE_HLT + 1, "table ends at the last dense code");

const char *svm_exit_name(uint64_t code)
{
	if (code < ARRAY_SIZE(exit_names))
		return exit_names[code] ? exit_names[code] : "UNKNOWN";

	switch (code) {
	case SVM_EXIT_NPF:                 return "NPF";
	case SVM_EXIT_AVIC_INCOMPLETE_IPI: return "AVIC_INCOMPLETE_IPI";
	case SVM_EXIT_AVIC_NOACCEL:        return "AVIC_NOACCEL";
	case SVM_EXIT_VMGEXIT:             return "VMGEXIT";
	case SVM_EXIT_SW:                  return "SW";
	case SVM_EXIT_INVALID:             return "INVALID";
	case SVM_EXIT_BUSY:                return "BUSY";
	case SVM_EXIT_IDLE_REQUIRED:       return "IDLE_REQUIRED";
	case SVM_EXIT_INVALID_PMC:         return "INVALID_PMC";
	default:                           return "UNKNOWN";
	}
}

const char *svm_event_type_name(unsigned type)
{
	switch (type) {
	case SVM_EVENT_TYPE_INTR:      return "INTR";
	case SVM_EVENT_TYPE_NMI:       return "NMI";
	case SVM_EVENT_TYPE_EXCEPTION: return "EXCEPTION";
	case SVM_EVENT_TYPE_SOFT_INT:  return "SOFT_INT";
	case 1: case 5: case 6: case 7: return "RESERVED";
	default:                       return "UNKNOWN";
	}
}
