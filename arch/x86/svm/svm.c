/* arch/x86/svm/svm.c - SVM detection and enabling (AMD APM Vol. 2, 15.4
 * "Enabling SVM"): CPUID 8000_0001h ECX[2] says the CPU has SVM; VM_CR.SVMDIS
 * says firmware switched it off (and VM_CR.LOCK that it cannot be switched
 * back on from software); EFER.SVME turns it on; VM_HSAVE_PA names the page
 * where VMRUN keeps the host state. */
#define LOG_PREFIX "svm: "
#include "arch/x86/cpu.h"
#include "arch/x86/percpu.h"
#include "arch/x86/svm/svm.h"
#include "lib/log.h"
#include "lib/printf.h"
#include "mm/mm.h"
#include "mm/phys.h"

#define CPUID_EXT_ECX_SVM BIT(2)

struct svm_info svm;

const char *svm_probe(struct svm_info *info)
{
	if (cpuid(0x80000000, 0).eax < 0x8000000a)
		return "this CPU has no extended CPUID leaf 8000_000Ah: it is not an AMD-V capable CPU";
	if (!(cpuid(0x80000001, 0).ecx & CPUID_EXT_ECX_SVM))
		return "this CPU does not support AMD-V (CPUID 8000_0001h ECX[2] SVM is clear)";
	uint64_t vm_cr = rdmsr(MSR_VM_CR);
	if (vm_cr & VM_CR_SVMDIS)
		return (vm_cr & VM_CR_LOCK)
			? "AMD-V is disabled by the firmware and locked (VM_CR.SVMDIS=1, LOCK=1): enable SVM in the BIOS/UEFI setup"
			: "AMD-V is disabled (VM_CR.SVMDIS=1): enable SVM in the BIOS/UEFI setup";
	struct cpuid_regs r = cpuid(0x8000000a, 0);
	info->revision = r.eax & 0xff;
	info->nasid = r.ebx;
	info->features = r.edx;
	if (!(info->features & SVM_FEAT_NP))
		return "this CPU has AMD-V but no nested paging (CPUID 8000_000Ah EDX[0]); the shadow-paging fallback is not built yet";
	if (info->nasid < 2)
		return "this CPU reports fewer than 2 ASIDs";
	return NULL;
}

void svm_log_features(const struct svm_info *info)
{
	static const struct { uint32_t bit; const char *name; } feats[] = {
		{ SVM_FEAT_NP, "NPT" }, { SVM_FEAT_NRIPS, "NRIPS" }, { SVM_FEAT_VMCB_CLEAN, "clean-bits" },
		{ SVM_FEAT_FLUSH_BY_ASID, "flush-by-ASID" }, { SVM_FEAT_DECODE_ASSIST, "decode-assists" },
		{ SVM_FEAT_PAUSE_FILTER, "pause-filter" }, { SVM_FEAT_PAUSE_THRESH, "pause-threshold" },
		{ SVM_FEAT_AVIC, "AVIC" }, { SVM_FEAT_X2AVIC, "x2AVIC" }, { SVM_FEAT_VGIF, "vGIF" },
		{ SVM_FEAT_VNMI, "vNMI" }, { SVM_FEAT_LBRV, "LBR-virt" }, { SVM_FEAT_VMSAVE_VIRT, "VMSAVE-virt" },
		{ SVM_FEAT_TSC_RATE, "TSC-rate" }, { SVM_FEAT_GMET, "GMET" }, { SVM_FEAT_SSS_CHECK, "SSS-check" },
	};
	char have[192] = "", lack[192] = "";
	size_t nh = 0, nl = 0;

	for (size_t i = 0; i < ARRAY_SIZE(feats); i++) {
		bool on = info->features & feats[i].bit;
		char *buf = on ? have : lack;
		size_t *n = on ? &nh : &nl;
		if (*n < sizeof(have))
			*n += (size_t)hv_snprintf(buf + *n, sizeof(have) - *n, " %s", feats[i].name);
	}
	pr_info("AMD-V revision %u, %u ASIDs, features 0x%08x", info->revision, info->nasid, info->features);
	pr_info("  present:%s", nh ? have : " (none)");
	pr_info("  absent: %s", nl ? lack : " (none)");
}

bool svm_enable_this_cpu(void)
{
	void *hsave = mm_alloc_page();
	void *host_vmcb = mm_alloc_page();

	if (!hsave || !host_vmcb) {
		pr_err("no memory for the host save area");
		return false;
	}
	struct percpu *pc = this_cpu();
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
	pc->hsave_pa = virt_to_phys(hsave);
	wrmsr(MSR_VM_HSAVE_PA, pc->hsave_pa);
	pc->host_vmcb_pa = virt_to_phys(host_vmcb);
	__asm__ volatile("vmsave" : : "a"(pc->host_vmcb_pa) : "memory");
	pc->svm_enabled = true;
	if (pc->cpu_id == 0)
		pr_info("EFER.SVME set on cpu0; VM_HSAVE_PA 0x%llx", (unsigned long long)pc->hsave_pa);
	return true;
}
