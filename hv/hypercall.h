/* hv/hypercall.h - The VMMCALL hypercall ABI, a promise to guests.
 *
 *   RAX = number (EAX outside 64-bit mode), RBX = argument; result in RAX.
 *   Unknown numbers return HC_ENOSYS. RIP advances past the VMMCALL.
 *
 *   0 HC_ABI_VERSION   -> 0x00010001 (major 1, minor 1: HC_VCPU_ID and up are new in 1.1)
 *   1 HC_CONSOLE_PUTC  RBX = byte; the same as writing it to the UART -> 0
 *   2 HC_EXIT          RBX = code; the VM stops with "exit code N" (N = EBX, decimal)
 *   3 HC_CPU_ID        -> the physical CPU (dense number) the vCPU runs on
 *   4 HC_RESET_COUNT   -> how many times this VM has been reset since boot
 *   5 HC_VCPU_ID       -> this vCPU's number (0 .. cpus-1; its APIC ID)
 *   6 HC_SET_TIMER     RBX = microseconds from now (0 cancels; at most
 *                      0xffffffff), RCX = vector (0, or 32-255): this vCPU's
 *                      one-shot timer; arming again moves it. When it
 *                      passes, the vector is raised on this vCPU (as by
 *                      HC_RAISE_IRQ); with vector 0 nothing is raised, but
 *                      the expiry ends a HLT with IF=1: the one in progress,
 *                      or the next one if none was. Every call drops such an
 *                      expiry not yet used. A HLT with IF=0 is never ended by
 *                      it. -> 0, or HC_EINVAL (nothing changed)
 *   7 HC_RAISE_IRQ     RBX = vector (32-255), RCX = vCPU number in this VM:
 *                      makes that external interrupt pending on it (as an
 *                      interrupt controller would) -> 0, or HC_EINVAL
 */
#ifndef HV_HYPERCALL_H
#define HV_HYPERCALL_H

#define HC_ABI_VERSION    0
#define HC_CONSOLE_PUTC   1
#define HC_EXIT           2
#define HC_CPU_ID         3
#define HC_RESET_COUNT    4
#define HC_VCPU_ID        5
#define HC_SET_TIMER      6
#define HC_RAISE_IRQ      7

#define HC_ABI_VERSION_1_1 0x00010001u
#define HC_ENOSYS          (~0ull)
#define HC_EINVAL          (~1ull)   /* a known call with a bad argument */

#endif
