# mk/efi64.mk - The EFI amd64 entry (boot/efi64/): code that runs before the
# hypervisor's page tables, at the image's physical address, on the
# firmware's identity map. linker.ld puts these objects' sections into
# .boot/.boot.bss (linked at physical addresses, below 2 GiB), so the C is
# built for the small code model rather than the kernel one, without the
# unwind tables that .rodata (in the higher half) could not reach. A call
# from here into the hypervisor proper would run on page tables that do not
# map it: the build refuses any undefined symbol not defined in boot/efi64/.
#
# Pattern rules only: this file is included before the Makefile's first
# target, and an explicit target here would become the default goal.

EFI64_C   := $(wildcard boot/efi64/*.c)
EFI64_OBJ := $(patsubst %,$(BUILD)/%.o,$(EFI64_C) $(wildcard boot/efi64/*.asm))
OBJ       += $(EFI64_OBJ)

EFI64_CFLAGS = $(filter-out -mcmodel=kernel,$(KCFLAGS)) -mcmodel=small -fno-asynchronous-unwind-tables \
               -fno-unwind-tables -fno-jump-tables -fno-tree-loop-distribute-patterns -fno-zero-initialized-in-bss

$(BUILD)/boot/efi64/%.c.o: boot/efi64/%.c mk/efi64.mk
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(KCC) $(EFI64_CFLAGS) -c $< -o $@
	$(Q)undef=$$(nm -u $@ | awk '{ print $$2 }' | grep -vxE '$(EFI64_SYMS)' | tr '\n' ' '); \
		[ -z "$$undef" ] || { echo "$<: calls outside boot/efi64/ (not mapped there): $$undef" >&2; rm -f $@; exit 1; }

# What boot/efi64/*.c may use from each other.
EFI64_SYMS := mbi_find_u64|mbi_copy_tags|mbi_copy_map_area|mbi_copy_finish
