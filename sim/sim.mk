# SPDX-License-Identifier: MIT
# sim/: the simulated machine, the device models, the preload transport,
# their tests and the benchmark.  Included from the top-level Makefile.

SIM_LIB_SRCS   := $(sort $(wildcard sim/machine/*.c sim/dev/*.c))
PRELOAD_SRCS   := $(sort $(wildcard sim/preload/*.c))
PRELOAD_CHECK_SRCS := $(sort $(wildcard sim/tests/preload/*.c))
SIM_TEST_SRCS  := $(sort $(wildcard sim/tests/test_*.c))
SIM_TSAN_SRCS  := $(sort $(wildcard sim/tests/tsan_*.c))
SIM_SUPPORT    := $(sort $(wildcard sim/tests/support/*.c))
ABI_SRCS       := $(sort $(wildcard sim/tests/abi/*.c))
BENCH_SRCS     := $(sort $(wildcard sim/bench/*.c))

# $(call objs,VARIANT_DIR,SOURCES)
objs = $(patsubst %.c,$(1)/obj/%.o,$(2))

# ---- one variant: $(1) = output dir, $(2) = compiler, $(3) = extra flags
define variant
$(1)/obj/%.o: %.c
	@mkdir -p $$(dir $$@)
	@echo "  CC      $$@"
	$$(Q)$(2) $$(BASE_CFLAGS) $(3) -MMD -MP -c $$< -o $$@

$(1)/lib/libxensim.a: $(call objs,$(1),$(SIM_LIB_SRCS))
	@mkdir -p $$(dir $$@)
	@echo "  AR      $$@"
	$$(Q)rm -f $$@ && ar rcs $$@ $$^
endef

$(eval $(call variant,$(BUILD),$(CC),$(CFLAGS)))
$(eval $(call variant,$(BUILD)/asan,$(SAN_CC),$(ASAN_FLAGS)))
$(eval $(call variant,$(BUILD)/tsan,$(SAN_CC),$(TSAN_FLAGS)))
# Deliberate defects for self-tests (sim/dev/planted.h); never shipped.
$(eval $(call variant,$(BUILD)/planted,$(CC),$(CFLAGS) -DXSIM_PLANTED))

# ---- the preload shim: libxensim + interposers, one self-contained .so
PRELOAD_SO := $(BUILD)/lib/libxensim-preload.so
$(PRELOAD_SO): $(call objs,$(BUILD),$(PRELOAD_SRCS)) $(BUILD)/lib/libxensim.a
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) -shared -o $@ $(call objs,$(BUILD),$(PRELOAD_SRCS)) \
		-Wl,--whole-archive $(BUILD)/lib/libxensim.a -Wl,--no-whole-archive \
		-Wl,-z,defs -Wl,-z,now $(THREAD_LIBS) -ldl

# The same shim over the planted-defect variant, for the self-tests.
PLANTED_PRELOAD_SO := $(BUILD)/planted/lib/libxensim-preload.so
$(PLANTED_PRELOAD_SO): $(call objs,$(BUILD)/planted,$(PRELOAD_SRCS)) $(BUILD)/planted/lib/libxensim.a
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) -shared -o $@ $(call objs,$(BUILD)/planted,$(PRELOAD_SRCS)) \
		-Wl,--whole-archive $(BUILD)/planted/lib/libxensim.a -Wl,--no-whole-archive \
		-Wl,-z,defs -Wl,-z,now $(THREAD_LIBS) -ldl

# -shared-libasan: the runtime is a shared object outside the loader's
# default path; an rpath finds it without LD_LIBRARY_PATH.
ASAN_RT_RPATH := -Wl,-rpath,$(shell $(SAN_CC) -print-runtime-dir 2>/dev/null)

ASAN_PRELOAD_SO := $(BUILD)/asan/lib/libxensim-preload.so
$(ASAN_PRELOAD_SO): $(call objs,$(BUILD)/asan,$(PRELOAD_SRCS)) $(BUILD)/asan/lib/libxensim.a
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(SAN_CC) $(ASAN_FLAGS) -shared-libasan -shared -o $@ \
		$(call objs,$(BUILD)/asan,$(PRELOAD_SRCS)) \
		-Wl,--whole-archive $(BUILD)/asan/lib/libxensim.a -Wl,--no-whole-archive \
		$(ASAN_RT_RPATH) $(THREAD_LIBS) -ldl

# The preload's transport check: a uapi-only program (no libxensim), run
# with LD_PRELOAD=the matching libxensim-preload.so.
PRELOAD_CHECK      := $(BUILD)/bin/xsim-preload-check
PRELOAD_CHECK_ASAN := $(BUILD)/asan/bin/xsim-preload-check
$(PRELOAD_CHECK): $(call objs,$(BUILD),$(PRELOAD_CHECK_SRCS))
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) -o $@ $^ $(THREAD_LIBS)
$(PRELOAD_CHECK_ASAN): $(call objs,$(BUILD)/asan,$(PRELOAD_CHECK_SRCS))
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(SAN_CC) $(ASAN_FLAGS) -shared-libasan -o $@ $^ $(ASAN_RT_RPATH) \
		$(THREAD_LIBS)

# ---- unit tests: one cmocka program per file, linked with the support code
SIM_TESTS      := $(patsubst sim/tests/%.c,$(BUILD)/tests/sim/%,$(SIM_TEST_SRCS))
SIM_TESTS_ASAN := $(patsubst sim/tests/%.c,$(BUILD)/asan/tests/sim/%,$(SIM_TEST_SRCS))
SIM_TESTS_TSAN := $(patsubst sim/tests/%.c,$(BUILD)/tsan/tests/sim/%,$(SIM_TSAN_SRCS))

$(BUILD)/tests/sim/%: $(BUILD)/obj/sim/tests/%.o $(call objs,$(BUILD),$(SIM_SUPPORT)) $(BUILD)/lib/libxensim.a
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) -o $@ $^ $(CMOCKA_LIBS) $(THREAD_LIBS)

$(BUILD)/asan/tests/sim/%: $(BUILD)/asan/obj/sim/tests/%.o $(call objs,$(BUILD)/asan,$(SIM_SUPPORT)) $(BUILD)/asan/lib/libxensim.a
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(SAN_CC) $(ASAN_FLAGS) -o $@ $^ $(CMOCKA_LIBS) $(THREAD_LIBS)

$(BUILD)/tsan/tests/sim/%: $(BUILD)/tsan/obj/sim/tests/%.o $(call objs,$(BUILD)/tsan,$(SIM_SUPPORT)) $(BUILD)/tsan/lib/libxensim.a
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(SAN_CC) $(TSAN_FLAGS) -o $@ $^ $(CMOCKA_LIBS) $(THREAD_LIBS)

# ---- the uapi-only ABI program (no libxensim: it only sees the device ABI)
ABI_BIN      := $(BUILD)/bin/xsim-abi-check
ABI_BIN_ASAN := $(BUILD)/asan/bin/xsim-abi-check
$(ABI_BIN): $(call objs,$(BUILD),$(ABI_SRCS))
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) -o $@ $^
$(ABI_BIN_ASAN): $(call objs,$(BUILD)/asan,$(ABI_SRCS))
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(SAN_CC) $(ASAN_FLAGS) -shared-libasan $(ASAN_RT_RPATH) -o $@ $^

# ---- benchmark
BENCH_BIN := $(BUILD)/bin/xensim-bench
$(BENCH_BIN): $(call objs,$(BUILD),$(BENCH_SRCS)) $(BUILD)/lib/libxensim.a
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) -o $@ $^ $(THREAD_LIBS)

SIM_ALL := $(BUILD)/lib/libxensim.a $(SIM_TESTS) \
	   $(if $(PRELOAD_SRCS),$(PRELOAD_SO)) $(if $(ABI_SRCS),$(ABI_BIN)) \
	   $(if $(PRELOAD_CHECK_SRCS),$(PRELOAD_CHECK)) \
	   $(if $(BENCH_SRCS),$(BENCH_BIN))
SIM_CHECK_DEPS := $(SIM_ALL) $(SIM_TESTS_ASAN) $(SIM_TESTS_TSAN) \
	   $(if $(PRELOAD_SRCS),$(ASAN_PRELOAD_SO)) $(if $(ABI_SRCS),$(ABI_BIN_ASAN)) \
	   $(if $(PRELOAD_CHECK_SRCS),$(PRELOAD_CHECK_ASAN))

all: $(SIM_ALL)

CHECK_DEPS += $(SIM_CHECK_DEPS)

bench:: $(BENCH_BIN) $(PRELOAD_SO)
	$(Q)LD_PRELOAD=$(abspath $(PRELOAD_SO)) $(BENCH_BIN)
