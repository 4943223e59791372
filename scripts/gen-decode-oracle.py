#!/usr/bin/env python3
"""scripts/gen-decode-oracle.py --out FILE.h [--nasm NASM] [--count N] [--seed S]

The decoder's independent oracle (tests/unit/test_decode_oracle.c): writes
a few thousand x86 instructions as nasm source, in 16-, 32- and 64-bit code
with varied registers, prefixes, addressing forms, displacements and
immediates, has nasm assemble them (`nasm -f bin`), and emits one C
initializer row per instruction with the bytes nasm produced, their length,
and the operands the source text says the instruction has: operand and
address size, ModRM.reg and register r/m, the memory operand's base, index,
scale, displacement and segment, the immediate.

nasm decides the encoding (prefixes, ModRM/SIB shape, displacement and
immediate widths, the length); this script only knows what each operand
*means*, so the decoder is checked against an encoder written by others.
Each instruction sits in a 32-byte slot whose first byte nasm fills with
the instruction's length (a label difference), so no listing is parsed.

Row fields: { bits, "text", len, { bytes }, op_size (0: not checked),
addr_size, reg (-1: not checked; AH..BH are 20..23), rm (-1), has_mem
(-1: not checked), base (-1 none, 16 RIP), index (-1 none), scale, seg
(ES CS SS DS FS GS = 0..5), disp, imm_width (0: not checked), imm, imm2
(-1: not checked) }. Displacements are compared modulo the address size;
immediates sign-extended from imm_width bytes.
"""
import argparse
import os
import random
import subprocess
import sys
import tempfile

SLOT = 32
ES, CS, SS, DS, FS, GS = range(6)
SEG_NAMES = ["es", "cs", "ss", "ds", "fs", "gs"]
RIP = 16

GPR = {
    1: ["al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil"] + ["r%db" % n for n in range(8, 16)],
    2: ["ax", "cx", "dx", "bx", "sp", "bp", "si", "di"] + ["r%dw" % n for n in range(8, 16)],
    4: ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"] + ["r%dd" % n for n in range(8, 16)],
    8: ["rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi"] + ["r%d" % n for n in range(8, 16)],
}
HIGH8 = {"ah": 20, "ch": 21, "dh": 22, "bh": 23}
SIZE_KW = {1: "byte", 2: "word", 4: "dword", 8: "qword"}
ALU = ["add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"]


class Gen:
    def __init__(self, rnd, bits):
        self.r = rnd
        self.bits = bits

    def sizes(self):
        return [1, 2, 4, 8] if self.bits == 64 else [1, 2, 4]

    def reg(self, size, low=False):
        """A register of size bytes: (name, number for the row). Bytes in
        16/32-bit code, and half the time in 64-bit code when low is set,
        come from AL..BH (AH..BH numbered 20..23: they exclude any REX);
        otherwise 64-bit code uses all 16 (SPL..DIL, R8B.. for bytes)."""
        if size == 1 and (self.bits != 64 or (low and self.r.random() < 0.5)):
            n = self.r.randrange(8)
            name = ["al", "cl", "dl", "bl", "ah", "ch", "dh", "bh"][n]
            return name, n if n < 4 else 16 + n
        n = self.r.randrange(16 if self.bits == 64 else 8)
        return GPR[size][n], n

    def disp_value(self, width):
        c = self.r.random()
        if c < 0.3:
            return self.r.randrange(-128, 128)
        if c < 0.4:
            return self.r.choice([0, 127, -128, 128, -129, 0x7fff, -0x8000])
        if width == 2:
            return self.r.randrange(-0x8000, 0x10000)
        return self.r.randrange(-0x80000000, 0x80000000)

    def asize(self):
        """The address size an operand uses: the mode's, sometimes the other (67)."""
        flip = self.r.random() < 0.2
        if self.bits == 64:
            return 4 if flip else 8
        if self.bits == 32:
            return 2 if flip else 4
        return 4 if flip else 2

    def mem(self, low=False):
        """A memory operand: (text, fields) with fields the row's base,
        index, scale, disp, seg and address size (rip_target for RIP)."""
        asz = self.asize()
        f = {"asz": asz, "base": -1, "index": -1, "scale": 1, "disp": 0, "rip_target": None}
        if asz == 2:
            forms = [("bx", "si", 3, 6), ("bx", "di", 3, 7), ("bp", "si", 5, 6), ("bp", "di", 5, 7),
                     ("si", None, 6, -1), ("di", None, 7, -1), ("bp", None, 5, -1), ("bx", None, 3, -1), None]
            form = self.r.choice(forms)
            if form is None:
                d = self.r.randrange(0, 0x10000)
                inner, f["disp"] = "word 0x%x" % d, d
            else:
                b, i, bn, iname = form
                inner = b + ("+" + i if i else "")
                f["base"], f["index"] = bn, iname
                if self.r.random() < 0.7:
                    d = self.disp_value(2)
                    inner += "%+d" % d
                    f["disp"] = d
        else:
            regs = GPR[asz]
            top = 16 if self.bits == 64 and not low else 8
            c = self.r.random()
            if asz == 8 and c < 0.1:
                t = self.disp_value(4)
                f["base"], f["rip_target"] = RIP, t
                inner = "rel $%+d" % t
            elif c < 0.17 and not (self.bits == 64 and asz == 4):
                # [disp32]: sign-extended in 64-bit mode, so stay in range there
                if asz == 8:
                    d = self.r.randrange(-0x80000000, 0x80000000)
                    inner = "%d" % d
                else:
                    d = self.r.randrange(0, 1 << 32)
                    inner = "dword 0x%x" % d
                f["disp"] = d
            elif c < 0.27:
                # no base: [index*scale + disp32]; nosplit keeps nasm from
                # turning index*2 into index+index
                n = self.r.choice([k for k in range(top) if k != 4])
                s = self.r.choice([2, 4, 8])
                d = self.disp_value(4)
                inner = "nosplit %s*%d%+d" % (regs[n], s, d)
                f.update(index=n, scale=s, disp=d)
            else:
                b = self.r.randrange(top)
                inner = regs[b]
                f["base"] = b
                if self.r.random() < 0.5:
                    n = self.r.choice([k for k in range(top) if k != 4])
                    s = self.r.choice([1, 2, 4, 8])
                    inner += "+%s*%d" % (regs[n], s)
                    f.update(index=n, scale=s)
                if self.r.random() < 0.6:
                    d = self.disp_value(4)
                    kw = self.r.choice(["", "", "", "dword "])
                    if kw:
                        inner = kw + inner
                    inner += "%+d" % d
                    f["disp"] = d
        seg = None
        if self.r.random() < 0.3:
            seg = self.r.randrange(6)
        ss_default = f["base"] in (4, 5)
        default = SS if ss_default else DS
        if seg is None:
            f["seg"] = default
        elif self.bits == 64:
            f["seg"] = seg if seg in (FS, GS) else default
        else:
            f["seg"] = seg
        if seg is not None:
            inner = SEG_NAMES[seg] + ":" + inner
        return "[" + inner + "]", f

    def imm(self, size):
        c = self.r.random()
        if c < 0.4:
            return self.r.randrange(-128, 128)
        if size == 1:
            return self.r.randrange(-128, 256)
        if size == 2:
            return self.r.randrange(-0x8000, 0x10000)
        return self.r.randrange(-0x80000000, 0x80000000)


def case(g, text, op_size=0, reg=-1, rm=-1, mem=None, imm=None, imm2=-1, has_mem=None, asz=None):
    row = {"bits": g.bits, "text": text, "op_size": op_size, "reg": reg, "rm": rm, "imm2": imm2}
    if mem is not None:
        row.update(mem)
        row["has_mem"] = 1
    else:
        row.update({"asz": asz or {16: 2, 32: 4, 64: 8}[g.bits], "base": -1, "index": -1, "scale": 1,
                    "disp": 0, "seg": DS, "rip_target": None})
        row["has_mem"] = 0 if has_mem is None else has_mem
    row["imm"] = imm   # (value, width) or None
    return row


def random_case(g):
    r = g.r
    kind = r.randrange(22)
    size = r.choice(g.sizes())
    lock = "lock " if r.random() < 0.15 else ""
    if kind in (0, 1):      # ALU mem, reg / reg, mem
        op = r.choice(ALU)
        low = size == 1
        rn, rnum = g.reg(size, low=low)
        m, f = g.mem(low=low and rnum >= 20)
        if kind == 0:
            return case(g, "%s%s %s, %s" % (lock if op != "cmp" else "", op, m, rn), size, rnum, mem=f)
        return case(g, "%s %s, %s" % (op, rn, m), size, rnum, mem=f)
    if kind == 2:           # ALU mem, imm
        op = r.choice(ALU)
        v = g.imm(size)
        m, f = g.mem()
        strict = ""
        if size > 1 and r.random() < 0.2:
            strict = "strict byte " if -128 <= v < 128 else ""
        return case(g, "%s%s %s %s, %s%d" % (lock if op != "cmp" else "", op, SIZE_KW[size], m, strict, v),
                    size, ALU.index(op), mem=f, imm=(v, size))
    if kind == 3:           # ALU reg, reg (nasm: r/m = first operand, reg = second)
        op = r.choice(ALU)
        a, an = g.reg(size, low=size == 1)
        b, bn = g.reg(size, low=size == 1)
        while (an >= 20) != (bn >= 20) and (max(an, bn) >= 20 and min(an, bn) >= 4):
            b, bn = g.reg(size, low=size == 1)   # AH..BH never beside a REX register
        return case(g, "%s %s, %s" % (op, a, b), size, bn, an)
    if kind == 4:           # ALU reg, imm (83, 81 or the accumulator forms)
        op = r.choice(ALU)
        a, an = g.reg(size, low=size == 1)
        v = g.imm(size)
        return case(g, "%s %s, %d" % (op, a, v), size, imm=(v, size))
    if kind == 5:           # TEST
        m, f = g.mem()
        if r.random() < 0.5:
            rn, rnum = g.reg(size, low=True)
            m, f = g.mem(low=rnum >= 20)
            return case(g, "test %s, %s" % (m, rn), size, rnum, mem=f)
        v = g.imm(size)
        return case(g, "test %s %s, %d" % (SIZE_KW[size], m, v), size, 0, mem=f, imm=(v, size))
    if kind in (6, 7):      # MOV r/m
        low = size == 1
        rn, rnum = g.reg(size, low=low)
        m, f = g.mem(low=low and rnum >= 20)
        if kind == 6:
            return case(g, "mov %s, %s" % (m, rn), size, rnum, mem=f)
        return case(g, "mov %s, %s" % (rn, m), size, rnum, mem=f)
    if kind == 8:           # MOV mem, imm
        v = g.imm(size)
        m, f = g.mem()
        return case(g, "mov %s %s, %d" % (SIZE_KW[size], m, v), size, 0, mem=f, imm=(v, size))
    if kind == 9:           # MOV reg, imm (B0+r, B8+r, C7 /0, imm64)
        rn, rnum = g.reg(size, low=size == 1)
        if size == 8:
            if r.random() < 0.5:
                v = r.randrange(-(1 << 63), 1 << 63)
                return case(g, "mov %s, strict qword %d" % (rn, v), 8, rnum, imm=(v, 8))
            v = r.randrange(-0x80000000, 0)
            return case(g, "mov %s, %d" % (rn, v), 8, imm=(v, 8))
        v = g.imm(size)
        return case(g, "mov %s, %d" % (rn, v), size, rnum, imm=(v, size))
    if kind == 10:          # moffs: MOV acc, [abs] / [abs], acc
        acc = GPR[size][0]
        asz = g.asize()
        if asz == 2:
            d = r.randrange(0, 0x10000)
            inner = "word 0x%x" % d
        elif asz == 4:
            d = r.randrange(0, 1 << 32)
            inner = ("a32 0x%x" if g.bits == 64 else "dword 0x%x") % d
        else:
            d = r.randrange(0, 1 << 64)
            inner = "qword 0x%x" % d
        segtxt, seg = "", DS
        if r.random() < 0.3:
            s = r.randrange(6)
            segtxt = SEG_NAMES[s] + ":"
            seg = s if g.bits != 64 or s in (FS, GS) else DS
        f = {"asz": asz, "base": -1, "index": -1, "scale": 1, "disp": d, "seg": seg, "rip_target": None}
        m = "[%s%s]" % (segtxt, inner)
        if r.random() < 0.5:
            return case(g, "mov %s, %s" % (acc, m), size, mem=f)
        return case(g, "mov %s, %s" % (m, acc), size, mem=f)
    if kind == 11:          # MOVZX / MOVSX / MOVSXD
        dst = r.choice([s for s in g.sizes() if s > 1])
        src = r.choice([s for s in (1, 2) if s < dst])
        op = r.choice(["movzx", "movsx"])
        rn, rnum = g.reg(dst)
        m, f = g.mem()
        if g.bits == 64 and dst == 8 and r.random() < 0.3:
            return case(g, "movsxd %s, dword %s" % (rn, m), 8, rnum, mem=f)
        if r.random() < 0.3:
            sn, snum = g.reg(src)   # 64-bit code: SPL.., never AH.. (REX.W may be needed)
            return case(g, "%s %s, %s" % (op, rn, sn), dst, rnum, snum)
        return case(g, "%s %s, %s %s" % (op, rn, SIZE_KW[src], m), dst, rnum, mem=f)
    if kind == 12:          # XCHG, CMPXCHG, XADD with memory
        op = r.choice(["xchg", "cmpxchg", "xadd"])
        rn, rnum = g.reg(size, low=size == 1)
        m, f = g.mem(low=rnum >= 20)
        pfx = lock if op != "xchg" else ""
        return case(g, "%s%s %s, %s" % (pfx, op, m, rn), size, rnum, mem=f)
    if kind == 13:          # BT family
        size = r.choice([s for s in g.sizes() if s > 1])
        op = r.choice(["bt", "bts", "btr", "btc"])
        m, f = g.mem()
        pfx = lock if op != "bt" else ""
        if r.random() < 0.5:
            rn, rnum = g.reg(size)
            return case(g, "%s%s %s, %s" % (pfx, op, m, rn), size, rnum, mem=f)
        v = r.randrange(256)
        return case(g, "%s%s %s %s, %d" % (pfx, op, SIZE_KW[size], m, v), size,
                    4 + ["bt", "bts", "btr", "btc"].index(op), mem=f, imm=(v, 1))
    if kind == 14:          # INC/DEC/NOT/NEG
        op = r.choice(["inc", "dec", "not", "neg"])
        m, f = g.mem()
        digit = {"inc": 0, "dec": 1, "not": 2, "neg": 3}[op]
        return case(g, "%s%s %s %s" % (lock, op, SIZE_KW[size], m), size, digit, mem=f)
    if kind == 15:          # string instructions
        op = r.choice(["movs", "stos", "lods"])
        sfx = {1: "b", 2: "w", 4: "d", 8: "q"}[size]
        pfx = r.choice(["", "rep "])
        asz = {16: 2, 32: 4, 64: 8}[g.bits]
        if r.random() < 0.3:
            asz = {16: 4, 32: 2, 64: 4}[g.bits]
            pfx += "a%d " % (asz * 8)
        seg = DS
        if op != "stos" and r.random() < 0.3:
            s = r.randrange(6)
            pfx += SEG_NAMES[s] + " "
            seg = s if g.bits != 64 or s in (FS, GS) else DS
        row = case(g, pfx + op + sfx, size, asz=asz)
        row["seg"] = seg
        return row
    if kind == 16:          # shifts/rotates on memory
        op = r.choice(["rol", "ror", "rcl", "rcr", "shl", "shr", "sar"])
        digit = {"rol": 0, "ror": 1, "rcl": 2, "rcr": 3, "shl": 4, "shr": 5, "sar": 7}[op]
        m, f = g.mem()
        c = r.randrange(3)
        if c == 0:
            v = r.randrange(2, 256)
            return case(g, "%s %s %s, %d" % (op, SIZE_KW[size], m, v), size, digit, mem=f, imm=(v, 1))
        return case(g, "%s %s %s, %s" % (op, SIZE_KW[size], m, "1" if c == 1 else "cl"), size, digit, mem=f)
    if kind == 17:          # MUL/DIV group, LEA, IMUL, CMOVcc, SETcc
        m, f = g.mem()
        c = r.randrange(5)
        if c == 0:
            op = r.choice(["mul", "imul", "div", "idiv"])
            digit = 4 + ["mul", "imul", "div", "idiv"].index(op)
            return case(g, "%s %s %s" % (op, SIZE_KW[size], m), size, digit, mem=f)
        size = r.choice([s for s in g.sizes() if s > 1])
        rn, rnum = g.reg(size)
        if c == 1:
            row = case(g, "lea %s, %s" % (rn, m), size, rnum, mem=f)
            return row
        if c == 2:
            v = g.imm(size)
            return case(g, "imul %s, %s, %d" % (rn, m, v), size, rnum, mem=f, imm=(v, 2 if size == 2 else 4))
        if c == 3:
            cc = r.choice(["o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g"])
            return case(g, "cmov%s %s, %s" % (cc, rn, m), size, rnum, mem=f)
        cc = r.choice(["o", "b", "e", "ne", "l", "g"])
        return case(g, "set%s byte %s" % (cc, m), 1, mem=f)
    if kind == 18:          # PUSH/POP/CALL/JMP through memory
        m, f = g.mem()
        c = r.randrange(4)
        if g.bits == 64:
            sz = r.choice([2, 8]) if c < 2 else 8
        else:
            sz = r.choice([2, 4])
        op = ["push", "pop", "call", "jmp"][c]
        digit = [6, 0, 2, 4][c]
        return case(g, "%s %s %s" % (op, SIZE_KW[sz], m), sz, digit, mem=f)
    if kind == 19:          # x87, SSE, system instructions with memory operands
        m, f = g.mem()
        c = r.choice([
            ("fld dword %s", 0), ("fstp qword %s", 3), ("fild word %s", 0), ("fnstcw %s", 7),
            ("movaps xmm1, %s", 1), ("movdqu xmm3, %s", 3), ("movq xmm2, %s", 2),
            ("pshufd xmm4, %s, 0x1b", 4), ("palignr xmm5, %s, 3", 5), ("pshufb xmm6, %s", 6),
            ("invlpg %s", 7), ("lgdt %s", 2), ("sidt %s", 1), ("clflush %s", 7), ("prefetchw %s", 1),
            ("prefetcht0 %s", 1), ("nop dword %s", 0), ("movnti %s, eax", 0), ("fxsave %s", 0),
        ])
        text = c[0] % m
        return case(g, text, 0, c[1], mem=f)
    if kind == 20:          # MOV Sreg, MOV CRn
        c = r.randrange(3)
        if c == 0:
            m, f = g.mem()
            s = r.randrange(6)
            return case(g, "mov %s, %s" % (m, SEG_NAMES[s]), 0, s, mem=f)
        cr = r.choice([0, 2, 3, 4] + ([8] if g.bits == 64 else []))
        w = 8 if g.bits == 64 else 4
        rn, rnum = g.reg(w)
        if c == 1:
            return case(g, "mov %s, cr%d" % (rn, cr), w, cr, rnum)
        return case(g, "mov cr%d, %s" % (cr, rn), w, cr, rnum)
    return fixed_case(g)


def fixed_case(g):
    """Instructions without a memory operand: lengths, immediates."""
    r = g.r
    items = [
        ("cpuid", 0, None), ("rdmsr", 0, None), ("wrmsr", 0, None), ("rdtsc", 0, None), ("rdtscp", 0, None),
        ("hlt", 0, None), ("pause", 0, None), ("int3", 0, None), ("ud2", 0, None), ("vmmcall", 0, None),
        ("vmrun", 0, None), ("stgi", 0, None), ("clgi", 0, None), ("monitor", 0, None), ("mwait", 0, None),
        ("xsetbv", 0, None), ("nop", 0, None), ("ret", 0, None), ("leave", 0, None), ("cld", 0, None),
        ("std", 0, None), ("int1", 0, None), ("xlatb", 0, None), ("in al, dx", 0, None), ("out dx, eax", 0, None),
        ("insb", 0, None), ("outsw", 0, None), ("iret", 0, None), ("cwd", 0, None), ("cbw", 0, None),
        ("wbinvd", 0, None), ("invd", 0, None), ("sfence", 0, None), ("rdrand eax", 0, None),
    ]
    c = r.randrange(10)
    if c < 4:
        text, _, _ = r.choice(items)
        return case(g, text)
    if c == 4:
        v = r.randrange(256)
        return case(g, "int 0x%x" % v, imm=(v, 1))
    if c == 5:
        v = r.randrange(0x10000)
        return case(g, "ret %d" % v, imm=(v, 2))
    if c == 6:
        a, b = r.randrange(0x10000), r.randrange(32)
        return case(g, "enter %d, %d" % (a, b), imm=(a, 2), imm2=b)
    if c == 7:
        t = r.choice(["jmp short $%+d", "jmp near $%+d", "call $%+d", "jz short $%+d", "jnz near $%+d",
                      "loop $%+d", {16: "jcxz $%+d", 32: "jecxz $%+d", 64: "jrcxz $%+d"}[g.bits]])
        return case(g, t % r.randrange(-100, 100))
    if c == 8:
        v = g.imm(2 if g.bits == 16 else 4)
        return case(g, "push %s%d" % ("dword " if g.bits == 32 else "", v))
    if g.bits != 64:
        sel, off = r.randrange(0x10000), r.randrange(0x10000)
        op = r.choice(["jmp", "call"])
        kw = "" if g.bits == 16 else "word "   # 16-bit offset: 66 in 32-bit code
        return case(g, "%s %s0x%x:0x%x" % (op, kw, sel, off), imm=(off, 2), imm2=sel)
    return case(g, "extrq xmm1, %d, %d" % (r.randrange(64), r.randrange(64)))


def generate(seed, count):
    rnd = random.Random(seed)
    rows = []
    for bits in (16, 32, 64):
        g = Gen(rnd, bits)
        for _ in range(count):
            rows.append(random_case(g))
    return rows


def assemble(nasm, rows):
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "oracle.asm")
        out = os.path.join(tmp, "oracle.bin")
        lines, bits = [], None
        for k, row in enumerate(rows):
            if row["bits"] != bits:
                bits = row["bits"]
                lines.append("bits %d" % bits)
            text = row["text"].replace("$", "i%d" % k)
            lines.append("s%d: db e%d - i%d" % (k, k, k))
            lines.append("i%d: %s" % (k, text))
            lines.append("e%d: times %d - (e%d - s%d) db 0xcc" % (k, SLOT, k, k))
        with open(src, "w") as f:
            f.write("\n".join(lines) + "\n")
        res = subprocess.run([nasm, "-f", "bin", "-w-prefix-seg", "-w-number-overflow", "-o", out, src],
                             capture_output=True, text=True)
        if res.returncode != 0:
            sys.stderr.write(res.stderr)
            sys.exit("gen-decode-oracle: nasm failed")
        with open(out, "rb") as f:
            data = f.read()
    if len(data) != SLOT * len(rows):
        sys.exit("gen-decode-oracle: %d bytes for %d slots" % (len(data), len(rows)))
    for k, row in enumerate(rows):
        slot = data[k * SLOT:(k + 1) * SLOT]
        n = slot[0]
        if not 1 <= n <= 15:
            sys.exit("gen-decode-oracle: '%s' is %d bytes" % (row["text"], n))
        row["bytes"] = slot[1:1 + n]
        if row.get("rip_target") is not None:
            row["disp"] = row["rip_target"] - n


def c_row(row):
    imm_width, imm = (0, 0) if row["imm"] is None else (row["imm"][1], row["imm"][0])
    text = row["text"].replace("\\", "\\\\").replace('"', '\\"')
    return ('{ %d, "%s", %d, { %s }, %d, %d, %d, %d, %d, %d, %d, %d, %d, 0x%xull, %d, 0x%xull, %d },'
            % (row["bits"], text, len(row["bytes"]), ", ".join("0x%02x" % b for b in row["bytes"]),
               row["op_size"], row["asz"], row["reg"], row["rm"], row["has_mem"], row["base"], row["index"],
               row["scale"], row["seg"], row["disp"] & (2**64 - 1), imm_width, imm & (2**64 - 1), row["imm2"]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--nasm", default="nasm")
    ap.add_argument("--count", type=int, default=1500, help="instructions per mode")
    ap.add_argument("--seed", type=int, default=20240501)
    args = ap.parse_args()
    rows = generate(args.seed, args.count)
    assemble(args.nasm, rows)
    tmp = args.out + ".tmp"
    with open(tmp, "w") as f:
        f.write("/* %s - generated by scripts/gen-decode-oracle.py (seed %d): %d instructions\n"
                " * assembled by nasm. Rows for tests/unit/test_decode_oracle.c; do not edit. */\n"
                % (os.path.basename(args.out), args.seed, len(rows)))
        for row in rows:
            f.write(c_row(row) + "\n")
    os.replace(tmp, args.out)


if __name__ == "__main__":
    main()
