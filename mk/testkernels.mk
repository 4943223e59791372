# mk/testkernels.mk - The Multiboot v1 test kernels (tests/guests/mb/): each
# NAME in TESTKERNELS is tests/guests/mb/NAME.c linked with the framework in
# tests/guests/mb/lib/ into build/testkernels/NAME.elf, an ELF32 kernel at
# 1 MiB that QEMU's -kernel and the hypervisor's type=multiboot both boot.
# A new test kernel: one C file there and its name in this list.
TESTKERNELS := mbinfo fwstate legacy pic pit rtc pmtimer fwcfg acpi lapic_ioapic_smp x2apic_tscdl testdev kbc uart

TK_DIR    := tests/guests/mb
TK_BUILD  := $(BUILD)/testkernels
TK_CFLAGS := -m32 -march=i686 -std=gnu11 -ffreestanding -fno-pic -fno-pie -fno-stack-protector \
             -fno-asynchronous-unwind-tables -fno-delete-null-pointer-checks -mno-sse -mno-mmx -mno-80387 -mgeneral-regs-only \
             -nostdinc -isystem $(shell $(KCC) -print-file-name=include) \
             -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -O2 -MMD -MP -I$(TK_DIR)/lib -I.
TK_LIB_C  := $(wildcard $(TK_DIR)/lib/*.c)
TK_LIB_A  := $(wildcard $(TK_DIR)/lib/*.asm)
TK_LIB    := $(patsubst $(TK_DIR)/lib/%,$(TK_BUILD)/lib/%.o,$(TK_LIB_C) $(TK_LIB_A))
TK_ELFS   := $(patsubst %,$(TK_BUILD)/%.elf,$(TESTKERNELS))

$(TK_BUILD)/%.c.o: $(TK_DIR)/%.c
	@mkdir -p $(@D)
	@echo "  CC32    $<"
	$(Q)$(KCC) $(TK_CFLAGS) -c $< -o $@

$(TK_BUILD)/%.asm.o: $(TK_DIR)/%.asm
	@mkdir -p $(@D)
	@echo "  NASM    $<"
	$(Q)$(NASM) -f elf32 -w+all $< -o $@

$(TK_BUILD)/%.elf: $(TK_BUILD)/%.c.o $(TK_LIB) $(TK_DIR)/linker.ld
	@echo "  LD32    $@"
	$(Q)$(LD) -m elf_i386 -nostdlib -z noexecstack --no-warn-rwx-segments -T $(TK_DIR)/linker.ld -o $@ \
		$(TK_BUILD)/$*.c.o $(TK_LIB)

.PHONY: testkernels
testkernels: $(TK_ELFS)
guests: testkernels

-include $(TK_LIB:.o=.d) $(TK_ELFS:.elf=.c.d)
# Keep the objects (make would delete them as intermediates of the pattern
# rules) and leave the default goal to the Makefile's first target, `all`.
.SECONDARY: $(TK_LIB) $(TK_ELFS:.elf=.c.o)
.DEFAULT_GOAL :=
