/* hv/exit.h - What exit handlers use: the run loop's helpers to move the
 * guest past an instruction, inject an event, and read guest memory by
 * guest-virtual address. */
#ifndef HV_EXIT_H
#define HV_EXIT_H

#include "hv/emulate/insn_len.h"
#include "hv/gmem.h"
#include "hv/vm.h"

/* What an exit handler tells the run loop: go on in the guest, or return
 * to the scheduler (the handler stopped or reset the VM, or blocked the
 * vCPU). A stop or reset asked for by a device during the handler reaches
 * the loop as a request (vcpu->requests), not by rewriting this. */
enum exit_action { EXIT_RESUME, EXIT_STOP };

typedef enum exit_action (*exit_handler_t)(struct vcpu *v);

/* Advances RIP past the intercepted instruction: NRIP when the CPU saves it,
 * else the decoded length of the instruction at RIP. Returns false (and asks
 * for the VM to stop) when the instruction cannot be read or decoded. */
bool vcpu_skip_instruction(struct vcpu *v);
void vcpu_inject_exception(struct vcpu *v, uint8_t vector, bool has_error, uint32_t error);
/* Reads the (up to 15) bytes at CS:RIP; returns how many could be read. */
size_t vcpu_fetch_insn(struct vcpu *v, uint8_t bytes[INSN_MAX_LEN]);
enum cpu_mode vcpu_cpu_mode(const struct vcpu *v);
/* True when the guest runs 64-bit code (EFER.LMA and CS.L). */
bool vcpu_in_long_mode64(const struct vcpu *v);
/* Logs the guest's registers (for "error:" stops). */
void vcpu_dump(const struct vcpu *v);

/* Exit handlers (hv/exit_*.c). */
enum exit_action handle_cpuid(struct vcpu *v);
enum exit_action handle_msr(struct vcpu *v);
enum exit_action handle_ioio(struct vcpu *v);
enum exit_action handle_vmmcall(struct vcpu *v);

#endif
