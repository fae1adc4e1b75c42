# SPDX-License-Identifier: MIT
# sim/cuse/: the CUSE transport (build/bin/xensim-cuse), its guest
# benchmark (build/bin/xensim-cuse-bench) and the retry engine's host test.

CUSE_DAEMON_SRCS := $(filter-out sim/cuse/bench.c sim/cuse/stress.c,$(sort $(wildcard sim/cuse/*.c)))
CUSE_BIN       := $(BUILD)/bin/xensim-cuse
CUSE_BENCH     := $(BUILD)/bin/xensim-cuse-bench
CUSE_STRESS    := $(BUILD)/bin/xensim-cuse-stress
# libfuse3 linked statically so that the daemon needs only libc (a busybox
# initramfs); pkg-config --static names what libfuse3.a itself needs.
CUSE_FUSE_CFLAGS := $(shell pkg-config --cflags fuse3 2>/dev/null)
CUSE_FUSE_LIBS   := -Wl,-Bstatic $(shell pkg-config --libs-only-l --static fuse3 2>/dev/null | \
	sed 's/-lpthread//;s/-ldl//;s/-lrt//') -Wl,-Bdynamic $(THREAD_LIBS) -ldl

$(foreach v,$(BUILD) $(BUILD)/asan $(BUILD)/tsan,\
	$(call objs,$(v),$(CUSE_DAEMON_SRCS))): BASE_CFLAGS += $(CUSE_FUSE_CFLAGS)

$(CUSE_BIN): $(call objs,$(BUILD),$(CUSE_DAEMON_SRCS)) $(BUILD)/lib/libxensim.a
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) -o $@ $^ $(CUSE_FUSE_LIBS)

# The same daemon under ASan+UBSan and under TSan, for the cuse guest
# (xrc.cuse=asan|tsan, vm-images/cuse/init).  clang links its sanitizer
# runtimes statically here (no -shared-libasan): the guest has no
# compiler's runtime directory, only what mkinitrd's ldd copies.
CUSE_BIN_ASAN  := $(BUILD)/asan/bin/xensim-cuse
CUSE_BIN_TSAN  := $(BUILD)/tsan/bin/xensim-cuse

$(CUSE_BIN_ASAN): $(call objs,$(BUILD)/asan,$(CUSE_DAEMON_SRCS)) $(BUILD)/asan/lib/libxensim.a
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(SAN_CC) $(ASAN_FLAGS) -o $@ $^ $(CUSE_FUSE_LIBS)

$(CUSE_BIN_TSAN): $(call objs,$(BUILD)/tsan,$(CUSE_DAEMON_SRCS)) $(BUILD)/tsan/lib/libxensim.a
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(SAN_CC) $(TSAN_FLAGS) -o $@ $^ $(CUSE_FUSE_LIBS)

$(CUSE_BENCH): $(BUILD)/obj/sim/cuse/bench.o
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) -o $@ $^

# The daemon's robustness check, run in the cuse guest (vm-images/cuse/init).
$(CUSE_STRESS): $(BUILD)/obj/sim/cuse/stress.o
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) -o $@ $^

# The retry engine's host tests (sim/tests/test_cuse_{retry,peek}.c, built by
# sim.mk's rule for every sim test) links the engine too.
$(BUILD)/tests/sim/test_cuse_retry: $(BUILD)/obj/sim/cuse/retry.o
$(BUILD)/asan/tests/sim/test_cuse_retry: $(BUILD)/asan/obj/sim/cuse/retry.o
$(BUILD)/tests/sim/test_cuse_peek: $(BUILD)/obj/sim/cuse/retry.o
$(BUILD)/asan/tests/sim/test_cuse_peek: $(BUILD)/asan/obj/sim/cuse/retry.o

all: $(CUSE_BIN) $(CUSE_BENCH) $(CUSE_STRESS)
CHECK_DEPS += $(CUSE_BIN) $(CUSE_BENCH) $(CUSE_STRESS) $(CUSE_BIN_ASAN) $(CUSE_BIN_TSAN)

# make bench: the CUSE round-trip table (xensim-cuse-bench in the cuse
# guest, one cuse-vm run; sim/cuse/bench-vm.sh prints the table and the
# host's load average).  scripts/xrc builds the image it boots.
bench:: $(CUSE_BIN) $(CUSE_BENCH)
	$(Q)BUILD=$(BUILD) sh sim/cuse/bench-vm.sh
