# Makefile - the whole build, one non-recursive file. Output goes to build/.
#   make            build/hv.elf and build/hv.iso (hv-run.iso: the same, no menu wait)
#   make iso GUESTS="PATH:OPTIONS; ..."   the image with own guests (or GRUB_CFG=FILE)
#   make usb        build/hv-usb.img, the BIOS+UEFI USB stick (mk/usb.mk)
#   make run        boot the ISO in QEMU (TCG, SVM) on this terminal; UEFI=1 for OVMF
#   make test       unit tests (host, ASan+UBSan) and integration tests (QEMU)
#   make unit       unit tests only
#   make deps       install what the build needs (apt-get, when root)

BUILD   := build
# V=1 prints the full commands.
Q       := $(if $(filter 1,$(V)),,@)
KCC     := gcc
HOSTCC  := gcc
NASM    := nasm
LD      := ld

DIRS    := boot arch/x86 arch/x86/svm hv hv/vdev hv/emulate hv/console hv/init mm drivers guest-loader lib
C_SRC   := $(filter-out arch/x86/asm-offsets.c,$(foreach d,$(DIRS),$(wildcard $(d)/*.c)))
A_SRC   := $(foreach d,$(DIRS),$(wildcard $(d)/*.asm))
OBJ     := $(patsubst %,$(BUILD)/%.o,$(C_SRC) $(A_SRC))

# Parts of the build with rules of their own (generated sources add to OBJ).
include $(sort $(wildcard mk/*.mk))

KCFLAGS := -std=gnu11 -ffreestanding -fno-pic -fno-pie -mcmodel=kernel -mno-red-zone \
           -mgeneral-regs-only -fno-stack-protector -fno-omit-frame-pointer \
           -fno-strict-aliasing -fno-common -nostdinc -isystem $(shell $(KCC) -print-file-name=include) \
           -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wframe-larger-than=4096 -O2 -g -MMD -MP -I.
NASMFLAGS := -f elf64 -g -F dwarf -I$(BUILD)/ -I.
LDFLAGS := -n -nostdlib -z noexecstack -z max-page-size=0x1000 --no-warn-rwx-segments -T linker.ld

HOSTCFLAGS := -std=gnu11 -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all \
              -fno-omit-frame-pointer -Wall -Wextra -Werror -I. -DHOST_TEST

.PHONY: all iso run test unit deps clean bench guests FORCE bench-build unit-build test-build
# Phony targets that only gather others end in an empty recipe (@:), so a
# sub-make asked for them says nothing when all is built: no "Nothing to be
# done" or "is up to date" lines in make run's or make test's output.
all: $(BUILD)/hv.elf $(BUILD)/hv.iso $(BUILD)/hv-run.iso
	@:

$(BUILD)/%.c.o: %.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(KCC) $(KCFLAGS) -c $< -o $@

$(BUILD)/%.asm.o: %.asm $(BUILD)/asm-offsets.inc
	@mkdir -p $(@D)
	@echo "  NASM    $<"
	$(Q)$(NASM) $(NASMFLAGS) -MD $(@:.o=.d) -MP $< -o $@

# C structure offsets for the assembly files, generated, never kept by hand.
$(BUILD)/asm-offsets.inc: arch/x86/asm-offsets.c
	@mkdir -p $(@D)
	@echo "  GEN     $@"
	$(Q)$(KCC) $(KCFLAGS) -MF $(BUILD)/asm-offsets.d -MT $@ -S $< -o $(BUILD)/asm-offsets.s
	$(Q)sed -n 's/^[[:space:]]*->\([A-Z0-9_]*\) \$$\{0,1\}\([0-9]*\).*/%define \1 \2/p' $(BUILD)/asm-offsets.s > $@

# The banner and the shell's `version` name the build; only hv/init/main.c and
# shell_sys.c depend on it. The file changes only when the version does, so
# they are rebuilt exactly then.
GIT_VERSION := $(shell git describe --always --dirty 2>/dev/null || echo unknown)
$(shell mkdir -p $(BUILD); [ "$$(cat $(BUILD)/git-version 2>/dev/null)" = "$(GIT_VERSION)" ] || echo "$(GIT_VERSION)" > $(BUILD)/git-version)
$(BUILD)/hv/init/main.c.o $(BUILD)/hv/console/shell_sys.c.o: KCFLAGS += -DHV_GIT_VERSION='"$(GIT_VERSION)"'
$(BUILD)/hv/init/main.c.o $(BUILD)/hv/console/shell_sys.c.o: $(BUILD)/git-version

# Two-pass link: the first image (no symbol table) gives the addresses of the
# functions; the second adds them in .rodata, after .text, so no code moves.
# The final check proves it: both images must have the same code symbols.
$(BUILD)/ksyms-empty.c:
	@mkdir -p $(@D)
	$(Q)printf '#include "lib/ksyms.h"\nconst struct ksym ksyms[] = { { 0, "" } };\nconst size_t ksym_count = 0;\n' > $@

$(BUILD)/hv-nosyms.elf: $(OBJ) $(BUILD)/ksyms-empty.c.o linker.ld
	@echo "  LD      $@"
	$(Q)$(LD) $(LDFLAGS) -o $@ $(OBJ) $(BUILD)/ksyms-empty.c.o

$(BUILD)/ksyms.c: $(BUILD)/hv-nosyms.elf scripts/gen-ksyms.sh
	@echo "  GEN     $@"
	$(Q)scripts/gen-ksyms.sh $< > $@

$(BUILD)/%.c.o: $(BUILD)/%.c
	@echo "  CC      $<"
	$(Q)$(KCC) $(KCFLAGS) -c $< -o $@

$(BUILD)/hv.elf: $(OBJ) $(BUILD)/ksyms.c.o linker.ld
	@echo "  LD      $@"
	$(Q)$(LD) $(LDFLAGS) -o $@ $(OBJ) $(BUILD)/ksyms.c.o
	@nm -n $(BUILD)/hv-nosyms.elf | grep ' [Tt] ' > $(BUILD)/syms.1
	@nm -n $@ | grep ' [Tt] ' > $(BUILD)/syms.2
	@cmp -s $(BUILD)/syms.1 $(BUILD)/syms.2 || { echo "hv.elf: code moved between link passes"; rm -f $@; exit 1; }

# --- ISO ------------------------------------------------------------------
# build/hv.iso boots the default guest set of iso/grub.cfg (make run), or
# the config given with GRUB_CFG=FILE (any file: its modules come from
# next to it or from tests/guests/), or own guests given with
# GUESTS="PATH:OPTIONS; ..." (README, "Your own guests"; the hypervisor's
# command line is HV_CMDLINE). A module the config names but the image
# would not have is a build error (scripts/iso-files.sh).
GUEST_BINS := $(patsubst tests/guests/%.asm,$(BUILD)/guests/%.bin,$(wildcard tests/guests/*.asm))
GRUB_CFG ?= iso/grub.cfg
HV_CMDLINE ?= console=com1 loglevel=info on_idle=halt
ifneq ($(strip $(GUESTS)),)
ISO_CFG := $(BUILD)/own-guests.grub.cfg
ISO_GUESTS := $(GUEST_BINS)
ISO_FORCE := FORCE
else
ISO_CFG := $(GRUB_CFG)
ISO_GUESTS := $(filter $(GUEST_BINS),$(patsubst %,$(BUILD)/guests/%,$(shell \
	sed -n 's|^[[:space:]]*module2[[:space:]]\{1,\}/boot/\([^[:space:]/]*\).*|\1|p' $(GRUB_CFG) 2>/dev/null)))
ISO_FORCE := $(if $(filter iso/grub.cfg,$(GRUB_CFG)),$(GRUB_CFG),FORCE)
endif
# What the image was last built from: a different config rebuilds it (a
# `make iso GUESTS=...` image is not what a later plain `make run` boots).
ISO_STAMP := $(BUILD)/hv.iso.config
ISO_CONFIG := $(subst ','',$(GRUB_CFG) | $(GUESTS) | $(HV_CMDLINE))
$(shell mkdir -p $(BUILD) && { [ "$$(cat $(ISO_STAMP) 2>/dev/null)" = '$(ISO_CONFIG)' ] || \
	printf '%s\n' '$(ISO_CONFIG)' >$(ISO_STAMP); })
$(BUILD)/hv.iso: $(BUILD)/hv.elf scripts/mkiso.sh scripts/iso-files.sh scripts/guests-cfg.sh $(ISO_STAMP) $(ISO_GUESTS) $(ISO_FORCE)
	@echo "  ISO     $@"
	$(if $(strip $(GUESTS)),$(Q)scripts/guests-cfg.sh $(ISO_CFG) "$(GUESTS)" "$(HV_CMDLINE)")
	$(Q)files=$$(scripts/iso-files.sh $(ISO_CFG) $(BUILD)/guests $(if $(strip $(GUESTS)),$$(cat $(ISO_CFG).files))) && \
		scripts/mkiso.sh $@ $(BUILD)/hv.elf $(ISO_CFG) $$files && \
		sed 's/^\([[:space:]]*\)set timeout=.*/\1set timeout=0/' $(ISO_CFG) >$(BUILD)/hv-run.grub.cfg && \
		scripts/mkiso.sh $(BUILD)/hv-run.iso $(BUILD)/hv.elf $(BUILD)/hv-run.grub.cfg $$files
# build/hv-run.iso: the same image with the menu's timeout 0, for make run
# and the tests (made with hv.iso, by the recipe above).
$(BUILD)/hv-run.iso: $(BUILD)/hv.iso ;
iso: $(BUILD)/hv.iso
FORCE:

deps:
	@scripts/install-deps.sh

run: deps
	@$(MAKE) --no-print-directory all
	scripts/qemu.sh $(if $(filter 1,$(UEFI)),--uefi) $(BUILD)/hv-run.iso

# --- test guests: flat binaries, loaded as modules by the integration tests --
$(BUILD)/guests/%.bin: tests/guests/%.asm tests/guests/guest.inc
	@mkdir -p $(@D)
	@echo "  NASM    $<"
	$(Q)$(NASM) -f bin -w+all -Itests/guests/ -o $@ $<
$(BUILD)/guests/listener.bin: tests/guests/ticker.asm
guests: $(GUEST_BINS)
	@:

# --- benchmark (not part of make test; docs/performance.md) ----------------
$(BUILD)/bench/bench.bin: tests/bench/bench.asm
	@mkdir -p $(@D)
	@echo "  NASM    $<"
	$(Q)$(NASM) -f bin -w+all -o $@ $<

bench-build: $(BUILD)/hv.elf $(BUILD)/bench/bench.bin
	@:

bench: deps
	@$(MAKE) --no-print-directory bench-build
	scripts/bench.sh $(BENCH_ARGS)

# --- tests ----------------------------------------------------------------
# Each tests/unit/test_*.c is one host program. The pure sources it links are
# named in the test itself, on a line of its own:  /* UNIT_SRC: lib/printf.c mm/pmm.c */
UNIT_TESTS := $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_*.c))
UNIT_BINS  := $(patsubst %,$(BUILD)/host/%,$(UNIT_TESTS))
unit_src    = $(shell sed -n 's|^/\* *UNIT_SRC: *\(.*[^ ]\) *\*/ *$$|\1|p' tests/unit/$(1).c)

.SECONDEXPANSION:
$(BUILD)/host/%: tests/unit/%.c tests/unit/test.h $$(call unit_src,$$*)
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	$(Q)$(HOSTCC) $(HOSTCFLAGS) -MMD -MP -o $@ $< $(call unit_src,$*)

unit-build: $(UNIT_BINS)
	@:
test-build: all usb guests $(BUILD)/bench/bench.bin $(UNIT_BINS)
	@:

unit: deps
	@$(MAKE) --no-print-directory unit-build
	tests/run-tests.sh --unit-only $(UNIT_BINS)

test: deps
	@$(MAKE) --no-print-directory test-build
	tests/run-tests.sh $(UNIT_BINS)

clean:
	rm -rf $(BUILD)

-include $(OBJ:.o=.d) $(BUILD)/asm-offsets.d $(UNIT_BINS:=.d)
