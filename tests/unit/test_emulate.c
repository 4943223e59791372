/* tests/unit/test_emulate.c - The MMIO emulator: MOV in all its forms,
 * MOVZX/MOVSX/MOVSXD, XCHG, addresses in every mode (segment bases,
 * wrap-around, RIP-relative, FS/GS), register write widths, RIP advance,
 * faults and refusals leaving the state unchanged, unsupported input, the
 * LOCK rules and the unsupported-instruction message. Arithmetic is in
 * test_emulate_alu.c, strings in test_emulate_string.c. */
/* UNIT_SRC: hv/emulate/emulate.c hv/emulate/emulate_mov.c hv/emulate/emulate_alu.c hv/emulate/emulate_bit.c hv/emulate/emulate_string.c hv/emulate/alu.c hv/emulate/decode.c hv/emulate/decode_tables.c */
#include "emulate_fake.h"

/* The state after an instruction equals before except for the listed
 * changes: checks that nothing else moved. */
static void expect_same_except(const struct x86_emul_state *before, const struct x86_emul_state *after,
			       int changed_reg, bool rip_changes)
{
	for (int k = 0; k < X86_GPR_COUNT; k++)
		if (k != changed_reg)
			EXPECT_EQ(after->gpr[k], before->gpr[k]);
	EXPECT_EQ(after->rflags, before->rflags);
	if (!rip_changes)
		EXPECT_EQ(after->rip, before->rip);
	EXPECT_TRUE(memcmp(after->seg_base, before->seg_base, sizeof(after->seg_base)) == 0);
}

static void test_mov_store_64(void)
{
	fake_init(0x7000);
	struct x86_emul_state s = fake_state(L64), before;
	s.gpr[X86_RAX] = 0x7000;
	s.gpr[X86_RCX] = 0x10;
	s.gpr[X86_RDX] = 0x1122334455667788ull;
	s.seg_base[X86_SEG_DS] = 0x5555000;   /* ignored in 64-bit mode */
	before = s;
	/* mov [rax+rcx*4+0x20], edx */
	EXPECT_EQ(EMU(s, 0x89, 0x54, 0x88, 0x20), X86_EMUL_OK);
	EXPECT_EQ(fake.nlog, 1);
	expect_access(0, true, X86_SEG_DS, 0x7060, 4, 0x55667788);
	EXPECT_EQ(s.rip, 0x1004);
	expect_same_except(&before, &s, -1, true);
	EXPECT_TRUE(!x86_insn_locked(&insn));

	/* mov [rip+0x100], rdx: relative to the next instruction */
	fake_init(0x6000);
	s.rip = 0x6000;
	EXPECT_EQ(EMU(s, 0x48, 0x89, 0x15, 0x00, 0x01, 0x00, 0x00), X86_EMUL_OK);
	expect_access(0, true, X86_SEG_DS, 0x6107, 8, 0x1122334455667788ull);
	EXPECT_EQ(s.rip, 0x6007);

	/* fs:[0x10] and gs:[rbx]: their bases count; es: does not */
	fake_init(0x7000);
	s.seg_base[X86_SEG_FS] = 0x7100;
	s.seg_base[X86_SEG_GS] = 0x7200;
	s.seg_base[X86_SEG_ES] = 0x100000;
	s.gpr[X86_RBX] = 0x8;
	EXPECT_EQ(EMU(s, 0x64, 0x88, 0x34, 0x25, 0x10, 0, 0, 0), X86_EMUL_OK);   /* mov fs:[0x10], dh */
	expect_access(0, true, X86_SEG_FS, 0x7110, 1, 0x77);
	EXPECT_EQ(EMU(s, 0x65, 0x66, 0x89, 0x13), X86_EMUL_OK);                  /* mov gs:[rbx], dx */
	expect_access(1, true, X86_SEG_GS, 0x7208, 2, 0x7788);
	s.gpr[X86_RBX] = 0x7300;
	EXPECT_EQ(EMU(s, 0x26, 0x89, 0x13), X86_EMUL_OK);                        /* es: ignored */
	expect_access(2, true, X86_SEG_DS, 0x7300, 4, 0x55667788);
	/* 67: the address is 32 bits, the upper half of the base register ignored */
	s.gpr[X86_RBX] = 0xabcd000000007400ull;
	EXPECT_EQ(EMU(s, 0x67, 0x89, 0x13), X86_EMUL_OK);
	expect_access(3, true, X86_SEG_DS, 0x7400, 4, 0x55667788);
	/* [rsp+8] goes through SS */
	s.gpr[X86_RSP] = 0x7500;
	EXPECT_EQ(EMU(s, 0x4c, 0x89, 0x44, 0x24, 0x08), X86_EMUL_OK);            /* mov [rsp+8], r8 */
	expect_access(4, true, X86_SEG_SS, 0x7508, 8, s.gpr[X86_R8]);
	s.gpr[X86_RBX] = 0x7600;
	/* mov sil/r12b: REX makes 4-7 the low bytes of RSP..RDI */
	EXPECT_EQ(EMU(s, 0x40, 0x88, 0x33), X86_EMUL_OK);                        /* mov [rbx], sil */
	EXPECT_EQ(fake.log[5].val, s.gpr[X86_RSI] & 0xff);
	EXPECT_EQ(EMU(s, 0x88, 0x33), X86_EMUL_OK);                              /* mov [rbx], dh */
	EXPECT_EQ(fake.log[6].val, (s.gpr[X86_RDX] >> 8) & 0xff);
}

static void test_mov_store_legacy_modes(void)
{
	/* 32-bit: the DS base is added and the sum wraps at 4 GiB */
	fake_init(0x1000);
	struct x86_emul_state s = fake_state(P32);
	s.seg_base[X86_SEG_DS] = 0xfffff000;
	s.gpr[X86_RBX] = 0x2000;
	s.gpr[X86_RAX] = 0xcafef00d;
	EXPECT_EQ(EMU(s, 0x89, 0x03), X86_EMUL_OK);                              /* mov [ebx], eax */
	expect_access(0, true, X86_SEG_DS, 0x1000, 4, 0xcafef00d);
	EXPECT_EQ(s.rip, 0x1002);
	/* the effective address wraps at 32 bits before the base is added */
	s.seg_base[X86_SEG_DS] = 0x1000;
	s.gpr[X86_RBX] = 0xfffffff0;
	EXPECT_EQ(EMU(s, 0x66, 0x89, 0x43, 0x20), X86_EMUL_OK);                  /* mov [ebx+0x20], ax */
	expect_access(1, true, X86_SEG_DS, 0x1010, 2, 0xf00d);
	/* ss for [ebp], an override replaces it */
	s.seg_base[X86_SEG_SS] = 0x1100;
	s.seg_base[X86_SEG_ES] = 0x1200;
	s.gpr[X86_RBP] = 0x4;
	EXPECT_EQ(EMU(s, 0x89, 0x45, 0x00), X86_EMUL_OK);
	expect_access(2, true, X86_SEG_SS, 0x1104, 4, 0xcafef00d);
	EXPECT_EQ(EMU(s, 0x26, 0x89, 0x45, 0x00), X86_EMUL_OK);
	expect_access(3, true, X86_SEG_ES, 0x1204, 4, 0xcafef00d);

	/* real mode: [bx+si+disp] wraps at 64 KiB; [bp+di] is SS */
	fake_init(0x12000);
	s = fake_state(R);
	s.seg_base[X86_SEG_DS] = 0x12340;   /* DS = 0x1234 */
	s.seg_base[X86_SEG_SS] = 0x12000;
	s.gpr[X86_RBX] = 0xffff;
	s.gpr[X86_RSI] = 0x0002;
	s.gpr[X86_RDI] = 0x0010;
	s.gpr[X86_RBP] = 0x0100;
	s.gpr[X86_RCX] = 0xbeef;
	s.rip = 0xfffe;
	EXPECT_EQ(EMU(s, 0x89, 0x48, 0x05), X86_EMUL_OK);                        /* mov [bx+si+5], cx */
	expect_access(0, true, X86_SEG_DS, 0x12346, 2, 0xbeef);
	EXPECT_EQ(s.rip, 0x0001);                                                /* IP wraps at 64 KiB */
	EXPECT_EQ(EMU(s, 0x66, 0x89, 0x0b), X86_EMUL_OK);                        /* mov [bp+di], ecx */
	expect_access(1, true, X86_SEG_SS, 0x12110, 4, s.gpr[X86_RCX] & 0xffffffff);
	EXPECT_EQ(EMU(s, 0x89, 0x0e, 0x34, 0x12), X86_EMUL_OK);                  /* mov [0x1234], cx */
	expect_access(2, true, X86_SEG_DS, 0x12340 + 0x1234, 2, 0xbeef);
	EXPECT_EQ(s.rip, 0x0001 + 3 + 4);
	/* 67 in real mode: 32-bit addressing */
	s.gpr[X86_RAX] = 0xabcd1000;   /* beyond 64 KiB: no wrap at 16 bits */
	s.seg_base[X86_SEG_DS] = 0x12340 - 0xabcd0000;
	EXPECT_EQ(EMU(s, 0x67, 0x89, 0x08), X86_EMUL_OK);                        /* mov [eax], cx */
	expect_access(3, true, X86_SEG_DS, 0x13340, 2, 0xbeef);

	/* 32-bit code: EIP wraps at 4 GiB */
	s = fake_state(P32);
	s.rip = 0xfffffffe;
	fake_init(0);
	s.gpr[X86_RBX] = 0x100;
	EXPECT_EQ(EMU(s, 0x88, 0x3b), X86_EMUL_OK);                              /* mov [ebx], bh */
	EXPECT_EQ(s.rip, 0);
	expect_access(0, true, X86_SEG_DS, 0x100, 1, 0x01);
}

static void test_mov_loads_and_widths(void)
{
	fake_init(0x3000);
	struct x86_emul_state s = fake_state(L64), before;
	fake_put(0x3010, 8, 0x8899aabbccddeeffull);
	s.gpr[X86_RSI] = 0x3010;
	before = s;
	/* 32-bit loads zero the upper half, 16 and 8 keep the rest */
	EXPECT_EQ(EMU(s, 0x8b, 0x06), X86_EMUL_OK);                              /* mov eax, [rsi] */
	EXPECT_EQ(s.gpr[X86_RAX], 0xccddeeff);
	expect_access(0, false, X86_SEG_DS, 0x3010, 4, 0xccddeeff);
	expect_same_except(&before, &s, X86_RAX, true);
	s.gpr[X86_RAX] = 0x1111111111111111ull;
	EXPECT_EQ(EMU(s, 0x66, 0x8b, 0x06), X86_EMUL_OK);
	EXPECT_EQ(s.gpr[X86_RAX], 0x111111111111eeffull);
	EXPECT_EQ(EMU(s, 0x8a, 0x26), X86_EMUL_OK);                              /* mov ah, [rsi] */
	EXPECT_EQ(s.gpr[X86_RAX], 0x111111111111ffffull);
	EXPECT_EQ(EMU(s, 0x40, 0x8a, 0x26), X86_EMUL_OK);                        /* mov spl, [rsi] */
	EXPECT_EQ(s.gpr[X86_RSP] & 0xff, 0xff);
	EXPECT_EQ(s.gpr[X86_RSP] >> 8, before.gpr[X86_RSP] >> 8);
	EXPECT_EQ(EMU(s, 0x4c, 0x8b, 0x3e), X86_EMUL_OK);                        /* mov r15, [rsi] */
	EXPECT_EQ(s.gpr[X86_R15], 0x8899aabbccddeeffull);
	/* moffs: A0-A3 with an 8-byte offset, an FS override */
	s.seg_base[X86_SEG_FS] = 0x1000;
	EXPECT_EQ(EMU(s, 0x64, 0x48, 0xa1, 0x10, 0x20, 0, 0, 0, 0, 0, 0), X86_EMUL_OK);
	EXPECT_EQ(s.gpr[X86_RAX], 0x8899aabbccddeeffull);
	EXPECT_EQ(s.rip, before.rip + 2 + 3 + 2 + 3 + 3 + 11);
	s.gpr[X86_RAX] = 0x42;
	EXPECT_EQ(EMU(s, 0xa2, 0x00, 0x30, 0, 0, 0, 0, 0, 0), X86_EMUL_OK);      /* mov [0x3000], al */
	EXPECT_EQ(fake_get(0x3000, 1), 0x42);
	EXPECT_EQ(EMU(s, 0x67, 0x66, 0xa3, 0x02, 0x30, 0, 0), X86_EMUL_OK);      /* a32 mov [0x3002], ax */
	EXPECT_EQ(fake_get(0x3002, 2), 0x42);
	/* moffs in 16-bit code: two bytes, DS-relative */
	struct x86_emul_state r = fake_state(R);
	r.seg_base[X86_SEG_DS] = 0x3000;
	EXPECT_EQ(EMU(r, 0xa1, 0x10, 0x00), X86_EMUL_OK);
	EXPECT_EQ(r.gpr[X86_RAX] & 0xffff, 0xeeff);
	EXPECT_EQ(r.gpr[X86_RAX] >> 16, fake_state(R).gpr[X86_RAX] >> 16);

	/* immediates: C6/C7 (REX.W sign-extends imm32), B0-BF */
	fake_init(0x3000);
	s.gpr[X86_RDI] = 0x3100;
	EXPECT_EQ(EMU(s, 0x48, 0xc7, 0x07, 0x00, 0x00, 0x00, 0x80), X86_EMUL_OK);
	expect_access(0, true, X86_SEG_DS, 0x3100, 8, 0xffffffff80000000ull);
	EXPECT_EQ(EMU(s, 0xc6, 0x47, 0x08, 0xab), X86_EMUL_OK);
	expect_access(1, true, X86_SEG_DS, 0x3108, 1, 0xab);
	EXPECT_EQ(EMU(s, 0x66, 0xc7, 0x47, 0x0a, 0x34, 0x12), X86_EMUL_OK);
	expect_access(2, true, X86_SEG_DS, 0x310a, 2, 0x1234);
	EXPECT_EQ(EMU(s, 0x49, 0xbb, 1, 2, 3, 4, 5, 6, 7, 8), X86_EMUL_OK);       /* mov r11, imm64 */
	EXPECT_EQ(s.gpr[X86_R11], 0x0807060504030201ull);
	EXPECT_EQ(EMU(s, 0xb7, 0x99), X86_EMUL_OK);                              /* mov bh, 0x99 */
	EXPECT_EQ((s.gpr[X86_RBX] >> 8) & 0xff, 0x99);
	EXPECT_EQ(EMU(s, 0xb9, 0xff, 0xff, 0xff, 0xff), X86_EMUL_OK);            /* mov ecx, -1 */
	EXPECT_EQ(s.gpr[X86_RCX], 0xffffffffull);
	EXPECT_EQ(fake.nlog, 3);
}

static void test_movzx_movsx(void)
{
	fake_init(0x3000);
	fake_put(0x3000, 2, 0x8081);
	struct x86_emul_state s = fake_state(L64);
	s.gpr[X86_RBX] = 0x3000;
	EXPECT_EQ(EMU(s, 0x0f, 0xb6, 0x03), X86_EMUL_OK);                        /* movzx eax, byte [rbx] */
	EXPECT_EQ(s.gpr[X86_RAX], 0x81);
	expect_access(0, false, X86_SEG_DS, 0x3000, 1, 0x81);
	EXPECT_EQ(EMU(s, 0x48, 0x0f, 0xbe, 0x03), X86_EMUL_OK);                  /* movsx rax, byte [rbx] */
	EXPECT_EQ(s.gpr[X86_RAX], 0xffffffffffffff81ull);
	EXPECT_EQ(EMU(s, 0x0f, 0xbf, 0x0b), X86_EMUL_OK);                        /* movsx ecx, word [rbx] */
	EXPECT_EQ(s.gpr[X86_RCX], 0xffff8081ull);
	expect_access(2, false, X86_SEG_DS, 0x3000, 2, 0x8081);
	EXPECT_EQ(EMU(s, 0x4c, 0x0f, 0xb7, 0x13), X86_EMUL_OK);                  /* movzx r10, word [rbx] */
	EXPECT_EQ(s.gpr[X86_R10], 0x8081);
	s.gpr[X86_RDX] = 0x1234567812345678ull;
	EXPECT_EQ(EMU(s, 0x66, 0x0f, 0xbe, 0x13), X86_EMUL_OK);                  /* movsx dx, byte [rbx] */
	EXPECT_EQ(s.gpr[X86_RDX], 0x123456781234ff81ull);
	/* register sources, AH included */
	s.gpr[X86_RAX] = 0xf000;
	EXPECT_EQ(EMU(s, 0x0f, 0xbe, 0xcc), X86_EMUL_OK);                        /* movsx ecx, ah */
	EXPECT_EQ(s.gpr[X86_RCX], 0xfffffff0ull);
	/* MOVSXD in 64-bit mode; 63 is ARPL elsewhere: not emulated */
	fake_put(0x3004, 4, 0x80000001);
	EXPECT_EQ(EMU(s, 0x48, 0x63, 0x73, 0x04), X86_EMUL_OK);                  /* movsxd rsi, [rbx+4] */
	EXPECT_EQ(s.gpr[X86_RSI], 0xffffffff80000001ull);
	EXPECT_EQ(EMU(s, 0x63, 0x73, 0x04), X86_EMUL_OK);                        /* without REX.W: a plain move */
	EXPECT_EQ(s.gpr[X86_RSI], 0x80000001ull);
	struct x86_emul_state p = fake_state(P32), pb = p;
	EXPECT_EQ(EMU(p, 0x63, 0x03), X86_EMUL_UNSUPPORTED);
	EXPECT_TRUE(memcmp(&p, &pb, sizeof(p)) == 0);
}

static void test_xchg_is_locked_read_then_write(void)
{
	fake_init(0x3000);
	fake_put(0x3020, 4, 0xdeadbeef);
	struct x86_emul_state s = fake_state(P32);
	s.gpr[X86_RBX] = 0x3020;
	s.gpr[X86_RCX] = 0x12345678;
	EXPECT_EQ(EMU(s, 0x87, 0x0b), X86_EMUL_OK);                              /* xchg [ebx], ecx */
	EXPECT_TRUE(x86_insn_locked(&insn));
	EXPECT_EQ(fake.nlog, 2);
	expect_access(0, false, X86_SEG_DS, 0x3020, 4, 0xdeadbeef);
	expect_access(1, true, X86_SEG_DS, 0x3020, 4, 0x12345678);
	EXPECT_EQ(s.gpr[X86_RCX], 0xdeadbeef);
	EXPECT_EQ(EMU(s, 0x86, 0x2b), X86_EMUL_OK);                              /* xchg [ebx], ch */
	EXPECT_EQ(fake_get(0x3020, 1), 0xbe);
	EXPECT_EQ(s.gpr[X86_RCX], 0xdead78ef);
	/* register-register: not memory, but emulated; same register: no change */
	s.gpr[X86_RAX] = 1;
	s.gpr[X86_RDX] = 2;
	EXPECT_EQ(EMU(s, 0x87, 0xd0), X86_EMUL_OK);                              /* xchg eax, edx */
	EXPECT_EQ(s.gpr[X86_RAX], 2);
	EXPECT_EQ(s.gpr[X86_RDX], 1);
	EXPECT_TRUE(!x86_insn_locked(&insn));
	EXPECT_EQ(EMU(s, 0x87, 0xc0), X86_EMUL_OK);
	EXPECT_EQ(s.gpr[X86_RAX], 2);
	EXPECT_EQ(fake.nlog, 4);
}

/* A failing access leaves every register, RFLAGS and RIP as they were;
 * for a read-modify-write instruction a failing write comes after the
 * read, and still nothing changes. */
static void test_faults_leave_state_unchanged(void)
{
	static const struct { uint8_t b[8]; unsigned n; unsigned accesses; } insns[] = {
		{ { 0x8b, 0x03 }, 2, 1 },                    /* mov eax, [ebx] */
		{ { 0x89, 0x03 }, 2, 1 },                    /* mov [ebx], eax */
		{ { 0x01, 0x03 }, 2, 2 },                    /* add [ebx], eax */
		{ { 0x03, 0x03 }, 2, 1 },                    /* add eax, [ebx] */
		{ { 0x87, 0x03 }, 2, 2 },                    /* xchg [ebx], eax */
		{ { 0x0f, 0xb1, 0x0b }, 3, 2 },              /* cmpxchg [ebx], ecx */
		{ { 0x0f, 0xc1, 0x0b }, 3, 2 },              /* xadd [ebx], ecx */
		{ { 0x0f, 0xab, 0x03 }, 3, 2 },              /* bts [ebx], eax */
		{ { 0xf0, 0xff, 0x03 }, 3, 2 },              /* lock inc dword [ebx] */
		{ { 0x0f, 0xb6, 0x03 }, 3, 1 },              /* movzx eax, byte [ebx] */
		{ { 0xa5 }, 1, 2 },                          /* movsd */
		{ { 0xf3, 0xab }, 2, 1 },                    /* rep stosd (first element) */
	};
	static const enum x86_mem_result fails[] = { X86_MEM_FAULT, X86_MEM_UNHANDLED };
	for (size_t k = 0; k < ARRAY_SIZE(insns); k++) {
		for (unsigned at = 0; at < insns[k].accesses; at++) {
			for (size_t f = 0; f < ARRAY_SIZE(fails); f++) {
				fake_init(0x3000);
				fake.fail_at = at;
				fake.fail_with = fails[f];
				struct x86_emul_state s = fake_state(P32), before;
				s.gpr[X86_RBX] = s.gpr[X86_RSI] = s.gpr[X86_RDI] = 0x3010;
				s.gpr[X86_RCX] = 3;
				s.gpr[X86_RAX] = 5;   /* BTS's bit offset */
				s.rflags = 0x8d7;   /* every arithmetic flag set */
				before = s;
				uint8_t mem_before[FAKE_SIZE];
				memcpy(mem_before, fake.mem, sizeof(mem_before));
				enum x86_emul_result r = x86_emulate(&s, &fake_ops, &fake, insns[k].b, insns[k].n, NULL);
				EXPECT_EQ(r, fails[f] == X86_MEM_FAULT ? X86_EMUL_FAULT : X86_EMUL_UNHANDLED);
				EXPECT_TRUE(memcmp(&s, &before, sizeof(s)) == 0);
				EXPECT_TRUE(memcmp(mem_before, fake.mem, sizeof(mem_before)) == 0);
				EXPECT_EQ(fake.nlog, at + 1);   /* nothing after the failing access */
			}
		}
	}
}

static void test_unsupported(void)
{
	static const struct { uint8_t b[17]; unsigned n; enum cpu_mode mode; } cases[] = {
		{ { 0xf7, 0x23 }, 2, P32 },                           /* mul dword [ebx] */
		{ { 0xd1, 0x23 }, 2, P32 },                           /* shl dword [ebx], 1 */
		{ { 0xff, 0x33 }, 2, P32 },                           /* push dword [ebx] */
		{ { 0xff, 0x13 }, 2, L64 },                           /* call [rbx] */
		{ { 0x8d, 0x03 }, 2, P32 },                           /* lea: no access */
		{ { 0x8c, 0x1b }, 2, P32 },                           /* mov [ebx], ds */
		{ { 0xa6 }, 1, P32 },                                 /* cmpsb */
		{ { 0x0f, 0x28, 0x03 }, 3, P32 },                     /* movaps xmm0, [ebx] */
		{ { 0x0f, 0x0b }, 2, P32 },                           /* ud2 */
		{ { 0x0f, 0xc7, 0x0b }, 3, P32 },                     /* cmpxchg8b */
		{ { 0xc5, 0xf8, 0x77 }, 3, L64 },                     /* VEX */
		{ { 0x06 }, 1, L64 },                                 /* push es: #UD in 64-bit mode */
		{ { 0x89 }, 1, P32 },                                 /* truncated */
		{ { 0x8b, 0x04 }, 2, P32 },                           /* truncated SIB */
		{ { 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
		    0x89, 0x03 }, 16, P32 },                          /* 16 bytes */
		/* LOCK where it is #UD */
		{ { 0xf0, 0x89, 0x03 }, 3, P32 },                     /* lock mov */
		{ { 0xf0, 0x39, 0x03 }, 3, P32 },                     /* lock cmp */
		{ { 0xf0, 0x03, 0x03 }, 3, P32 },                     /* lock add eax, [ebx]: register destination */
		{ { 0xf0, 0x01, 0xc3 }, 3, P32 },                     /* lock add ebx, eax */
		{ { 0xf0, 0x85, 0x03 }, 3, P32 },                     /* lock test */
		{ { 0xf0, 0x0f, 0xa3, 0x03 }, 4, P32 },               /* lock bt */
		{ { 0xf0, 0xf3, 0xa4 }, 3, P32 },                     /* lock rep movsb */
		{ { 0xf0, 0x0f, 0xba, 0x23, 0x01 }, 5, P32 },         /* lock bt imm */
	};
	for (size_t k = 0; k < ARRAY_SIZE(cases); k++) {
		fake_init(0x3000);
		struct x86_emul_state s = fake_state(cases[k].mode), before;
		s.gpr[X86_RBX] = 0x3000;
		before = s;
		EXPECT_EQ(x86_emulate(&s, &fake_ops, &fake, cases[k].b, cases[k].n, &insn), X86_EMUL_UNSUPPORTED);
		EXPECT_TRUE(memcmp(&s, &before, sizeof(s)) == 0);
		EXPECT_EQ(fake.nlog, 0);
	}
	/* the decode of a refused instruction is still reported */
	struct x86_emul_state s = fake_state(P32);
	EXPECT_EQ(EMU(s, 0xf7, 0x23), X86_EMUL_UNSUPPORTED);
	EXPECT_EQ(insn.len, 2);
	EXPECT_EQ(insn.opcode, 0xf7);
	EXPECT_EQ(EMU(s, 0x0f), X86_EMUL_UNSUPPORTED);
	EXPECT_EQ(insn.len, 0);
	/* bad arguments */
	EXPECT_EQ(x86_emulate(&s, &fake_ops, &fake, NULL, 5, NULL), X86_EMUL_UNSUPPORTED);
	EXPECT_EQ(x86_emulate(NULL, &fake_ops, &fake, (const uint8_t[]){ 0x89, 0x03 }, 2, &insn), X86_EMUL_UNSUPPORTED);
	EXPECT_EQ(x86_emulate(&s, NULL, &fake, (const uint8_t[]){ 0x89, 0x03 }, 2, NULL), X86_EMUL_UNSUPPORTED);
	struct x86_emul_ops half = { fake_read, NULL };
	EXPECT_EQ(x86_emulate(&s, &half, &fake, (const uint8_t[]){ 0x8b, 0x03 }, 2, NULL), X86_EMUL_UNSUPPORTED);
	/* an instruction decoded in another mode */
	struct x86_insn in;
	EXPECT_EQ(x86_decode((const uint8_t[]){ 0x89, 0x03 }, 2, L64, &in), X86_DECODE_OK);
	EXPECT_EQ(x86_emulate_insn(&s, &fake_ops, &fake, &in), X86_EMUL_UNSUPPORTED);
	s.mode = L64;
	fake_init(0);
	s.gpr[X86_RBX] = 0x10;
	EXPECT_EQ(x86_emulate_insn(&s, &fake_ops, &fake, &in), X86_EMUL_OK);
	EXPECT_EQ(fake.nlog, 1);
}

static void test_lock_reported(void)
{
	fake_init(0x3000);
	struct x86_emul_state s = fake_state(L64);
	s.gpr[X86_RBX] = 0x3000;
	struct x86_insn in;
	/* decode first, see the lock, then emulate: what the caller does */
	EXPECT_EQ(x86_decode((const uint8_t[]){ 0xf0, 0x48, 0x01, 0x03 }, 4, L64, &in), X86_DECODE_OK);
	EXPECT_TRUE(x86_insn_locked(&in));
	EXPECT_EQ(x86_emulate_insn(&s, &fake_ops, &fake, &in), X86_EMUL_OK);
	EXPECT_EQ(fake.nlog, 2);
	EXPECT_TRUE(!fake.log[0].write && fake.log[1].write && fake.log[0].lin == fake.log[1].lin);
	EXPECT_EQ(EMU(s, 0xf0, 0x0f, 0xba, 0x2b, 0x03), X86_EMUL_OK);            /* lock bts dword [rbx], 3 */
	EXPECT_TRUE(x86_insn_locked(&insn));
	EXPECT_EQ(EMU(s, 0x01, 0x03), X86_EMUL_OK);
	EXPECT_TRUE(!x86_insn_locked(&insn));
}

static void test_format_unsupported(void)
{
	char buf[128];
	const uint8_t ud2[] = { 0x0f, 0x0b, 0x90 };
	EXPECT_EQ(x86_format_unsupported(buf, sizeof(buf), 0xffffffff81001234ull, ud2, 2), 56);
	EXPECT_STREQ(buf, "unsupported instruction at RIP 0xffffffff81001234: 0f 0b");
	x86_format_unsupported(buf, sizeof(buf), 0, ud2, 0);
	EXPECT_STREQ(buf, "unsupported instruction at RIP 0x0: (no bytes)");
	uint8_t many[20];
	for (unsigned k = 0; k < sizeof(many); k++)
		many[k] = (uint8_t)(0xa0 + k);
	x86_format_unsupported(buf, sizeof(buf), 0x7c00, many, sizeof(many));
	EXPECT_STREQ(buf, "unsupported instruction at RIP 0x7c00: a0 a1 a2 a3 a4 a5 a6 a7 a8 a9 aa ab ac ad ae");
	/* cut to fit, always terminated */
	char small[12];
	memset(small, 'x', sizeof(small));
	EXPECT_EQ(x86_format_unsupported(small, sizeof(small), 0x1000, ud2, 2), 11);
	EXPECT_STREQ(small, "unsupported");
	EXPECT_EQ(x86_format_unsupported(small, 1, 0x1000, ud2, 2), 0);
	EXPECT_EQ(small[0], '\0');
	EXPECT_EQ(x86_format_unsupported(NULL, 10, 0, ud2, 2), 0);
	EXPECT_STREQ(x86_emul_result_name(X86_EMUL_INCOMPLETE), "incomplete");
	EXPECT_STREQ(x86_emul_result_name((enum x86_emul_result)42), "?");
}

int main(void)
{
	RUN(test_mov_store_64);
	RUN(test_mov_store_legacy_modes);
	RUN(test_mov_loads_and_widths);
	RUN(test_movzx_movsx);
	RUN(test_xchg_is_locked_read_then_write);
	RUN(test_faults_leave_state_unchanged);
	RUN(test_unsupported);
	RUN(test_lock_reported);
	RUN(test_format_unsupported);
	TEST_MAIN_END();
}
