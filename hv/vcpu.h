/* hv/vcpu.h - What exit handlers use: the run loop's helpers to move the
 * guest past an instruction, inject an event, and read guest memory by
 * guest-virtual address. */
#ifndef HV_VCPU_H
#define HV_VCPU_H

#include "hv/emulate/insn_len.h"
#include "hv/vm.h"

typedef enum exit_action (*exit_handler_t)(struct vcpu *v);

/* Advances RIP past the intercepted instruction: NRIP when the CPU saves it,
 * else the decoded length of the instruction at RIP. Returns false (and asks
 * for the VM to stop) when the instruction cannot be read or decoded. */
bool vcpu_skip_instruction(struct vcpu *v);
void vcpu_inject_exception(struct vcpu *v, uint8_t vector, bool has_error, uint32_t error);
/* Reads len bytes at guest-linear address lin through the guest's paging. */
bool vcpu_read_linear(struct vcpu *v, uint64_t lin, void *buf, size_t len);
bool vcpu_write_linear(struct vcpu *v, uint64_t lin, const void *buf, size_t len);
/* Would the guest's own paging allow an access of size bytes at lin (user:
 * at CPL 3)? If not, v->pf_error holds the #PF error code to inject. */
bool vcpu_check_linear_access(struct vcpu *v, uint64_t lin, unsigned size, bool write, bool user);
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
