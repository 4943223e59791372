# mk/emulate.mk - The x86 decoder's nasm oracle: tests/unit/test_decode_oracle.c
# and test_emulate_oracle.c include rows that scripts/gen-decode-oracle.py
# generates from instructions nasm assembled (build/gen/decode_oracle.h).
# Needs python3 and nasm (make deps).
#
# This file is included before the Makefile's own rules; its explicit rule
# must not become the default goal, so the default goal is put back as it
# was (empty: the Makefile's first rule, `all`, stays the default).
emulate_saved_goal := $(.DEFAULT_GOAL)

DECODE_ORACLE := $(BUILD)/gen/decode_oracle.h

$(DECODE_ORACLE): scripts/gen-decode-oracle.py
	@mkdir -p $(@D)
	@echo "  GEN     $@"
	$(Q)python3 scripts/gen-decode-oracle.py --nasm $(NASM) --out $@

DECODE_ORACLE_TESTS := $(BUILD)/host/test_decode_oracle $(BUILD)/host/test_emulate_oracle
$(DECODE_ORACLE_TESTS): $(DECODE_ORACLE) tests/unit/decode_oracle_case.h
$(DECODE_ORACLE_TESTS): HOSTCFLAGS += -I$(BUILD)/gen

.DEFAULT_GOAL := $(emulate_saved_goal)
