# SPDX-License-Identifier: MIT
# conformance/clients/: Debian's unmodified libxen* 4.17 as real clients of
# the sim, one cmocka program per library, and libfixture/, the fixture
# library that makes their target domains (also usable on a real dom0;
# its public header is libfixture/include/xrc/libfixture.h, included as
# <xrc/libfixture.h> through LIBFIXTURE_INC).  Included from the top-level
# Makefile after sim/sim.mk, whose variant rules build the objects, and
# before conformance/dm/dm.mk and vm-images/tools/tools.mk, which link
# libfixture too.  See README.md here.
#
#   build/lib/libxrcfixture.a          libfixture (+ build/asan/lib/...)
#   build/tests/clients/test_<lib>     one client program per library
#                                      (+ build/asan/tests/clients/...)
#   build/bin/xrc-clients-bench        the figures `make bench` prints
#
# scripts/suites/clients.sh runs every program under the preload for the
# linux and proposed profiles.

LIBFIXTURE_SRCS    := $(sort $(wildcard conformance/clients/libfixture/*.c))
LIBFIXTURE_INC     := -Iconformance/clients/libfixture/include
CLIENT_COMMON_SRCS := conformance/clients/common.c
CLIENT_TEST_SRCS   := $(sort $(wildcard conformance/clients/test_*.c))
CLIENT_BENCH_SRCS  := conformance/clients/bench.c

LIBFIXTURE      := $(BUILD)/lib/libxrcfixture.a
LIBFIXTURE_ASAN := $(BUILD)/asan/lib/libxrcfixture.a
CLIENT_TESTS      := $(patsubst conformance/clients/%.c,$(BUILD)/tests/clients/%,$(CLIENT_TEST_SRCS))
CLIENT_TESTS_ASAN := $(patsubst conformance/clients/%.c,$(BUILD)/asan/tests/clients/%,$(CLIENT_TEST_SRCS))
CLIENT_BENCH      := $(BUILD)/bin/xrc-clients-bench

# Debian's libraries, in dependency order (libxenguest for the toolstack's
# grant-table seeding).
CLIENT_LIBS := -lxenguest -lxenctrl -lxenforeignmemory -lxendevicemodel \
	       -lxenevtchn -lxengnttab -lxencall -lxentoolcore -lxentoollog

# GNU C: <xenctrl.h> needs it (typeof in its hypercall-buffer macros,
# anonymous unions in <xen/hvm/save.h>).
CLIENT_OBJ_SRCS := $(LIBFIXTURE_SRCS) $(CLIENT_COMMON_SRCS) \
		   $(CLIENT_TEST_SRCS) $(CLIENT_BENCH_SRCS)
$(call objs,$(BUILD),$(CLIENT_OBJ_SRCS)) \
$(call objs,$(BUILD)/asan,$(CLIENT_OBJ_SRCS)): \
	BASE_CFLAGS += -std=gnu11 $(LIBFIXTURE_INC)

$(LIBFIXTURE): $(call objs,$(BUILD),$(LIBFIXTURE_SRCS))
	@mkdir -p $(dir $@)
	@echo "  AR      $@"
	$(Q)rm -f $@ && ar rcs $@ $^

$(LIBFIXTURE_ASAN): $(call objs,$(BUILD)/asan,$(LIBFIXTURE_SRCS))
	@mkdir -p $(dir $@)
	@echo "  AR      $@"
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/tests/clients/%: $(BUILD)/obj/conformance/clients/%.o \
		$(call objs,$(BUILD),$(CLIENT_COMMON_SRCS)) $(LIBFIXTURE)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) -o $@ $^ $(CLIENT_LIBS) $(CMOCKA_LIBS) $(THREAD_LIBS)

# Run with the ASan preload, which needs the shared ASan runtime.
$(BUILD)/asan/tests/clients/%: $(BUILD)/asan/obj/conformance/clients/%.o \
		$(call objs,$(BUILD)/asan,$(CLIENT_COMMON_SRCS)) $(LIBFIXTURE_ASAN)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(SAN_CC) $(ASAN_FLAGS) -shared-libasan -o $@ $^ $(ASAN_RT_RPATH) \
		$(CLIENT_LIBS) $(CMOCKA_LIBS) $(THREAD_LIBS)

$(CLIENT_BENCH): $(call objs,$(BUILD),$(CLIENT_BENCH_SRCS))
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) -o $@ $^ $(CLIENT_LIBS) $(THREAD_LIBS)

all: $(LIBFIXTURE) $(CLIENT_TESTS) $(CLIENT_BENCH)

CHECK_DEPS += $(LIBFIXTURE) $(CLIENT_TESTS) $(CLIENT_TESTS_ASAN) \
	      $(PRELOAD_SO) $(ASAN_PRELOAD_SO)

# The libraries' costs through the sim (the Linux profile, as on a dom0).
bench:: $(CLIENT_BENCH) $(PRELOAD_SO)
	$(Q)XENSIM_PROFILE=linux LD_PRELOAD=$(abspath $(PRELOAD_SO)) $(CLIENT_BENCH)
