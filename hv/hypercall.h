/* hv/hypercall.h - The VMMCALL hypercall ABI, a promise to guests.
 *
 *   RAX = number (EAX outside 64-bit mode), RBX = argument; result in RAX.
 *   Unknown numbers return HC_ENOSYS. RIP advances past the VMMCALL.
 *
 *   0 HC_ABI_VERSION   -> 0x00010000 (major 1, minor 0)
 *   1 HC_CONSOLE_PUTC  RBX = byte; the same as writing it to the UART -> 0
 *   2 HC_EXIT          RBX = code; the VM stops with "exit code N" (N = EBX, decimal)
 *   3 HC_CPU_ID        -> the physical CPU (dense number) the vCPU runs on
 *   4 HC_RESET_COUNT   -> how many times this VM has been reset since boot
 *   5 HC_VCPU_ID       -> this vCPU's number (0 .. cpus-1; its APIC ID)
 */
#ifndef HV_HYPERCALL_H
#define HV_HYPERCALL_H

#define HC_ABI_VERSION    0
#define HC_CONSOLE_PUTC   1
#define HC_EXIT           2
#define HC_CPU_ID         3
#define HC_RESET_COUNT    4
#define HC_VCPU_ID        5

#define HC_ABI_VERSION_1_0 0x00010000u
#define HC_ENOSYS          (~0ull)

#endif
