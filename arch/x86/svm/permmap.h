/* arch/x86/svm/permmap.h - Builders for the SVM I/O and MSR permission maps.
 *
 * The VMCB points (by physical address) at two bitmaps the CPU consults on
 * IN/OUT/INS/OUTS and on RDMSR/WRMSR when the IOIO_PROT and MSR_PROT
 * intercepts are enabled: a set bit means "exit to the hypervisor". These
 * helpers only flip bits in caller-provided memory, so they are pure and run
 * unchanged in host unit tests; allocating the (physically contiguous,
 * 4 KiB-aligned) pages and writing their addresses into the VMCB is the
 * caller's business. Layouts: AMD APM Vol. 2, 15.10.1 and 15.11. */
#ifndef ARCH_X86_SVM_PERMMAP_H
#define ARCH_X86_SVM_PERMMAP_H

#include "lib/types.h"

#define IOPM_SIZE  (12 * 1024)   /* 3 pages: one bit per port, plus the wrap page */
#define MSRPM_SIZE (8 * 1024)    /* 2 pages: three 2 KiB vectors and 2 KiB reserved */

/* Sets every bit of the IOPM, including the third page, which must stay all
 * ones: the hypervisor never wants a wrapping access to go unnoticed. */
void iopm_init_intercept_all(uint8_t *iopm);

/* Intercepts (or passes through) ports [port, port+count). The range is
 * clamped at 0xFFFF; bits past it (the third page) are never touched. A count
 * of 0 does nothing. Note count is 16 bits, so covering all 65536 ports takes
 * two calls. */
void iopm_set(uint8_t *iopm, uint16_t port, uint16_t count, bool intercept);

/* Would an access of size bytes (1, 2 or 4) at port exit? True if any port
 * the access touches is intercepted, as the CPU checks it. Any other size is
 * answered true: the safe answer for a question the hardware never asks. */
bool iopm_intercepted(const uint8_t *iopm, uint16_t port, unsigned size);

/* Sets every bit of the MSRPM, the reserved last 2 KiB included. */
void msrpm_init_intercept_all(uint8_t *msrpm);

/* Returns 0, or -1 when msr is outside the three mapped ranges (those always
 * exit, whatever the map says; the map is then left untouched). */
int msrpm_set(uint8_t *msrpm, uint32_t msr, bool intercept_read, bool intercept_write);

/* True when RDMSR / WRMSR of msr would exit; always true for unmapped MSRs. */
bool msrpm_read_intercepted(const uint8_t *msrpm, uint32_t msr);
bool msrpm_write_intercepted(const uint8_t *msrpm, uint32_t msr);

/* Where the bits of msr live: byte offset in the MSRPM and the bit number
 * (0, 2, 4 or 6) of its read-intercept bit; the write bit is read_bit + 1.
 * Returns 0, or -1 if msr is unmapped. Either output may be NULL. For tests
 * and the debug shell. */
int msrpm_locate(uint32_t msr, size_t *byte_offset, unsigned *read_bit);

#endif
