/* arch/x86/msr.h - The one copy of the MSR numbers the hypervisor touches or
 * emulates (AMD APM Vol. 2, Appendix A "MSR Cross-Reference"). Pure. */
#ifndef ARCH_X86_MSR_H
#define ARCH_X86_MSR_H

#define MSR_TSC             0x00000010u
#define MSR_APIC_BASE       0x0000001bu
#define MSR_TSC_ADJUST      0x0000003bu
#define MSR_PRED_CMD        0x00000049u
#define MSR_MTRRCAP         0x000000feu
#define MSR_SYSENTER_CS     0x00000174u
#define MSR_SYSENTER_ESP    0x00000175u
#define MSR_SYSENTER_EIP    0x00000176u
#define MSR_MCG_STATUS      0x0000017au
#define MSR_PAT             0x00000277u
#define MSR_TSC_DEADLINE    0x000006e0u
#define MSR_MTRR_DEF_TYPE   0x000002ffu
#define MSR_EFER            0xc0000080u
#define MSR_STAR            0xc0000081u
#define MSR_LSTAR           0xc0000082u
#define MSR_CSTAR           0xc0000083u
#define MSR_SFMASK          0xc0000084u
#define MSR_FS_BASE         0xc0000100u
#define MSR_GS_BASE         0xc0000101u
#define MSR_KERNEL_GS_BASE  0xc0000102u
#define MSR_TSC_AUX         0xc0000103u
#define MSR_K7_EVNTSEL0     0xc0010000u   /* legacy AMD counters: PerfEvtSel0-3, then PerfCtr0-3 */
#define MSR_K7_PERFCTR3     0xc0010007u
#define MSR_VM_CR           0xc0010114u
#define MSR_VM_HSAVE_PA     0xc0010117u

#endif
