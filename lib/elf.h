/* lib/elf.h - ELF file layouts (System V gABI, "ELF Header" and "Program
 * Header"), the 32- and 64-bit forms, for the code that reads kernels:
 * guest-loader/mb_kernel.c (a guest's Multiboot kernel) and
 * boot/efi/image.c (hvboot.efi's hv.elf). Fields are read from a copy
 * made with memcpy, so the file's bytes need no alignment. */
#ifndef LIB_ELF_H
#define LIB_ELF_H

#include "lib/types.h"

#define EI_CLASS      4
#define EI_DATA       5
#define ELFCLASS32    1
#define ELFCLASS64    2
#define ELFDATA2LSB   1
#define ET_EXEC       2
#define EM_386        3
#define EM_X86_64     62
#define PT_LOAD       1
#define PF_X          1

struct elf32_ehdr {
	uint8_t e_ident[16];
	uint16_t e_type, e_machine;
	uint32_t e_version, e_entry, e_phoff, e_shoff, e_flags;
	uint16_t e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
};
struct elf64_ehdr {
	uint8_t e_ident[16];
	uint16_t e_type, e_machine;
	uint32_t e_version;
	uint64_t e_entry, e_phoff, e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
};
struct elf32_phdr { uint32_t p_type, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_flags, p_align; };
struct elf64_phdr { uint32_t p_type, p_flags; uint64_t p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align; };
_Static_assert(sizeof(struct elf32_ehdr) == 52, "ELF32 header");
_Static_assert(sizeof(struct elf64_ehdr) == 64, "ELF64 header");
_Static_assert(sizeof(struct elf32_phdr) == 32, "ELF32 program header");
_Static_assert(sizeof(struct elf64_phdr) == 56, "ELF64 program header");
_Static_assert(offsetof(struct elf64_ehdr, e_phoff) == 32, "elf64_ehdr.e_phoff");
_Static_assert(offsetof(struct elf64_ehdr, e_phnum) == 56, "elf64_ehdr.e_phnum");
_Static_assert(offsetof(struct elf64_phdr, p_paddr) == 24, "elf64_phdr.p_paddr");

#endif
