/* arch/x86/svm/svm.h - Finding and switching on AMD SVM on a CPU. */
#ifndef ARCH_X86_SVM_SVM_H
#define ARCH_X86_SVM_SVM_H

#include "arch/x86/msr.h"
#include "lib/types.h"

#define VM_CR_LOCK      BIT(3)
#define VM_CR_SVMDIS    BIT(4)

/* CPUID 8000_000Ah EDX feature bits (AMD APM Vol. 3, Appendix E.4.9). */
#define SVM_FEAT_NP            BIT(0)
#define SVM_FEAT_LBRV          BIT(1)
#define SVM_FEAT_SVML          BIT(2)
#define SVM_FEAT_NRIPS         BIT(3)
#define SVM_FEAT_TSC_RATE      BIT(4)
#define SVM_FEAT_VMCB_CLEAN    BIT(5)
#define SVM_FEAT_FLUSH_BY_ASID BIT(6)
#define SVM_FEAT_DECODE_ASSIST BIT(7)
#define SVM_FEAT_PAUSE_FILTER  BIT(10)
#define SVM_FEAT_PAUSE_THRESH  BIT(12)
#define SVM_FEAT_AVIC          BIT(13)
#define SVM_FEAT_VMSAVE_VIRT   BIT(15)
#define SVM_FEAT_VGIF          BIT(16)
#define SVM_FEAT_GMET          BIT(17)
#define SVM_FEAT_X2AVIC        BIT(18)
#define SVM_FEAT_SSS_CHECK     BIT(19)
#define SVM_FEAT_SPEC_CTRL     BIT(20)
#define SVM_FEAT_VNMI          BIT(25)

struct svm_info {
	uint32_t revision;      /* CPUID 8000_000Ah EAX[7:0] */
	uint32_t nasid;         /* number of ASIDs (ASID 0 is the host's) */
	uint32_t features;      /* CPUID 8000_000Ah EDX */
};

/* Why SVM cannot be used here, or NULL when it can. Fills info when it can. */
const char *svm_probe(struct svm_info *info);
/* Logs the revision, the ASID count and the feature table. */
void svm_log_features(const struct svm_info *info);
/* Sets EFER.SVME and VM_HSAVE_PA (a fresh page) on this CPU and saves the
 * host's VMLOAD state once. Returns false with the reason logged. */
bool svm_enable_this_cpu(void);
/* Each CPU's host-state page for VMLOAD after each #VMEXIT is in its struct
 * percpu (host_vmcb_pa), filled by VMSAVE once, when SVM is enabled there:
 * the host's FS/GS/TR/LDTR and SYSCALL MSRs never change afterwards. */

extern struct svm_info svm;

#endif
