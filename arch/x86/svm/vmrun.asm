; arch/x86/svm/vmrun.asm - The world switch: the only assembly on the exit path.
;
; C prototype:
;   void svm_vmrun(uint64_t guest_vmcb_pa, struct guest_gprs *gprs, uint64_t host_vmcb_pa);
;
; VMRUN saves and restores only part of the host state (RIP, RSP, RAX, CRs,
; EFER, RFLAGS, ES/CS/SS/DS, GDTR/IDTR: AMD APM Vol. 2, 15.5.1); the guest's
; RAX, RSP and RIP live in its VMCB. The other GPRs are ours to switch, and
; FS/GS/TR/LDTR with their hidden parts, KernelGSBase and the SYSCALL/SYSENTER
; MSRs are switched with VMSAVE/VMLOAD (15.5.2): the guest's live in its VMCB;
; the host's were saved once (arch/x86/svm/svm.c) to a VMCB-format page and
; are VMLOADed back after every exit, before any C code runs. The caller
; runs CLGI before and STGI after, so no interrupt sees a half-switched CPU.
%include "asm-offsets.inc"

section .text
bits 64
global svm_vmrun
svm_vmrun:
	push rbp
	mov rbp, rsp
	push rbx
	push r12
	push r13
	push r14
	push r15
	push rdx                        ; [rsp+8]: host_vmcb_pa
	push rsi                        ; [rsp+0]: struct guest_gprs *

	mov rax, rdi                    ; guest VMCB: VMLOAD/VMRUN/VMSAVE take it in RAX

	mov rbx, [rsi + GPR_RBX]
	mov rcx, [rsi + GPR_RCX]
	mov rdx, [rsi + GPR_RDX]
	mov rdi, [rsi + GPR_RDI]
	mov rbp, [rsi + GPR_RBP]
	mov r8,  [rsi + GPR_R8]
	mov r9,  [rsi + GPR_R9]
	mov r10, [rsi + GPR_R10]
	mov r11, [rsi + GPR_R11]
	mov r12, [rsi + GPR_R12]
	mov r13, [rsi + GPR_R13]
	mov r14, [rsi + GPR_R14]
	mov r15, [rsi + GPR_R15]
	mov rsi, [rsi + GPR_RSI]        ; last: it was the pointer

	vmload
	vmrun
	vmsave

	mov rax, [rsp]                  ; struct guest_gprs *
	mov [rax + GPR_RBX], rbx
	mov [rax + GPR_RCX], rcx
	mov [rax + GPR_RDX], rdx
	mov [rax + GPR_RSI], rsi
	mov [rax + GPR_RDI], rdi
	mov [rax + GPR_RBP], rbp
	mov [rax + GPR_R8],  r8
	mov [rax + GPR_R9],  r9
	mov [rax + GPR_R10], r10
	mov [rax + GPR_R11], r11
	mov [rax + GPR_R12], r12
	mov [rax + GPR_R13], r13
	mov [rax + GPR_R14], r14
	mov [rax + GPR_R15], r15

	mov rax, [rsp + 8]
	vmload                          ; the host's segment state back before C runs

	add rsp, 16
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbx
	pop rbp
	ret
