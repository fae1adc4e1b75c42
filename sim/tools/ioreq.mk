# SPDX-License-Identifier: MIT
# xensim-ioreq: the ioreq injector's command line (sim/tools/ioreq.c) and
# its in-process fake device model.  Included from the top-level Makefile.

IOREQ_TOOL_SRCS := sim/tools/ioreq.c sim/tools/ioreq_fakedm.c
IOREQ_TOOL      := $(BUILD)/bin/xensim-ioreq
IOREQ_TOOL_ASAN := $(BUILD)/asan/bin/xensim-ioreq

$(IOREQ_TOOL): $(call objs,$(BUILD),$(IOREQ_TOOL_SRCS)) $(BUILD)/lib/libxensim.a
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) -o $@ $^ $(THREAD_LIBS)

$(IOREQ_TOOL_ASAN): $(call objs,$(BUILD)/asan,$(IOREQ_TOOL_SRCS)) $(BUILD)/asan/lib/libxensim.a
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(SAN_CC) $(ASAN_FLAGS) -o $@ $^ $(THREAD_LIBS)

all: $(IOREQ_TOOL)

CHECK_DEPS += $(IOREQ_TOOL) $(IOREQ_TOOL_ASAN)

# `make bench`: one ioreq round trip against the in-process fake DM.
IOREQ_BENCH_SRCS := sim/tools/bench_ioreq.c sim/tools/ioreq_fakedm.c sim/bench/measure.c
IOREQ_BENCH      := $(BUILD)/bin/xensim-bench-ioreq

$(IOREQ_BENCH): $(call objs,$(BUILD),$(IOREQ_BENCH_SRCS)) $(BUILD)/lib/libxensim.a
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) -o $@ $^ $(THREAD_LIBS)

bench:: $(IOREQ_BENCH)
	$(Q)$(IOREQ_BENCH)
