# SPDX-License-Identifier: MIT
# conformance/dm/: the device-model scenario behind `xrc dm`
# (scripts/xrc-lib/dm.sh; README.md here).  Included from the top-level
# Makefile after conformance/clients/clients.mk (libfixture) and sim/sim.mk
# (the variant rules, libxensim).
#
#   build/bin/xrc-dm-toolstack     toolstack/: the libxl-like toolstack that
#                                  starts an unmodified QEMU as an HVM
#                                  guest's device model (Debian's libxenctrl
#                                  through libfixture, libxenstore)
#   build/bin/xensim-dm-report     judge/: what the device model's process
#                                  touched, read from the sim's effect log
#                                  (before and after its first restrict)
#   build/tests/dmreport/test_judge   the judgement on made-up effect logs
#                                  (+ build/asan/tests/dmreport/...)
#   build/dm/xenstored             Debian's own C xenstored
#
# scripts/suites/dm.sh runs the short version in `make check`.

DM_TOOLSTACK_SRCS := $(sort $(wildcard conformance/dm/toolstack/*.c))
DM_TOOLSTACK      := $(BUILD)/bin/xrc-dm-toolstack

# GNU C for <xenctrl.h> through libfixture's users; xenstore.h is plain.
$(call objs,$(BUILD),$(DM_TOOLSTACK_SRCS)): \
	BASE_CFLAGS += -std=gnu11 $(LIBFIXTURE_INC)

$(DM_TOOLSTACK): $(call objs,$(BUILD),$(DM_TOOLSTACK_SRCS)) $(LIBFIXTURE)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) -o $@ $^ -lxenstore $(CLIENT_LIBS) $(THREAD_LIBS)

all: $(DM_TOOLSTACK)
CHECK_DEPS += $(DM_TOOLSTACK)

# The judge: xensim-dm-report links libxensim to read a world's effect log
# and handle table; it judges what the sim recorded of the device model's
# process, not a backend.
DM_REPORT_SRCS := conformance/dm/judge/dm_report.c conformance/dm/judge/judge.c
DM_REPORT      := $(BUILD)/bin/xensim-dm-report

$(DM_REPORT): $(call objs,$(BUILD),$(DM_REPORT_SRCS)) $(BUILD)/lib/libxensim.a
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) -o $@ $^ $(THREAD_LIBS)

all: $(DM_REPORT)
CHECK_DEPS += $(DM_REPORT)

# The judgement against made-up effect logs (a fresh handle after the
# restrict, a touch of another domain, no restrict at all), plain and
# ASan+UBSan; scripts/suites/dm.sh runs them.
DM_JUDGE_TEST_SRCS := conformance/dm/judge/test_judge.c conformance/dm/judge/judge.c
DM_JUDGE_TEST      := $(BUILD)/tests/dmreport/test_judge
DM_JUDGE_TEST_ASAN := $(BUILD)/asan/tests/dmreport/test_judge

$(DM_JUDGE_TEST): $(call objs,$(BUILD),$(DM_JUDGE_TEST_SRCS)) $(BUILD)/lib/libxensim.a
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) -o $@ $^ $(CMOCKA_LIBS) $(THREAD_LIBS)

$(DM_JUDGE_TEST_ASAN): $(call objs,$(BUILD)/asan,$(DM_JUDGE_TEST_SRCS)) $(BUILD)/asan/lib/libxensim.a
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(SAN_CC) $(ASAN_FLAGS) -o $@ $^ $(CMOCKA_LIBS) $(THREAD_LIBS)

CHECK_DEPS += $(DM_JUDGE_TEST) $(DM_JUDGE_TEST_ASAN)

# Debian's own C xenstored, unmodified, taken out of xen-utils-4.17 (never
# installed: the package pulls systemd).  The pin lives in
# vm-images/packages.pin and the fetch is vm-images/fetch.sh into the same
# cache; only this one package is fetched for it.
DM_DIR       := $(BUILD)/dm
DM_XENSTORED := $(DM_DIR)/xenstored

$(DM_XENSTORED): vm-images/packages.pin vm-images/fetch.sh
	@mkdir -p $(DM_DIR)
	$(Q)grep '^xen-utils-4.17=' vm-images/packages.pin >$(DM_DIR)/packages.pin
	$(Q)sh vm-images/fetch.sh $(DM_DIR)/packages.pin $(BUILD)/vm/cache
	@# Unpacked outside $(BUILD): the top Makefile includes every *.d in it.
	$(Q)tmp=$$(mktemp -d) && \
		dpkg-deb -x $(BUILD)/vm/cache/xen-utils-4.17.deb $$tmp && \
		cp $$tmp/usr/lib/xen-4.17/bin/xenstored $@; \
		rc=$$?; rm -rf $$tmp; exit $$rc
	@echo "  XS      $@"

# make check runs `xrc dm` (scripts/suites/dm.sh): a clean clone fetches
# the xenstored here, not in the middle of the tests.
CHECK_DEPS += $(DM_XENSTORED)

# `make bench`: one ioreq round trip with Debian's QEMU serving it, through
# the preload (2000 requests of the builtin pc script after QEMU restricted
# itself; the injector times only the injections that were answered).
DM_BENCH_DEPS := $(DM_TOOLSTACK) $(DM_XENSTORED) $(DM_REPORT) \
		 $(BUILD)/bin/xensim-ioreq $(BUILD)/bin/xensim-world $(PRELOAD_SO)

bench:: $(DM_BENCH_DEPS)
	$(Q)if [ -x /usr/libexec/xen-qemu-system-i386 ]; then \
		BUILD=$(BUILD) sh scripts/xrc dm --restrict --ioreqs 2000 \
			--time --timeout 300 | grep '^ioreq round trip' || \
		echo "ioreq round trip, QEMU serving (preload): the run failed (xrc dm --ioreqs 2000)"; \
	else \
		echo "ioreq round trip, QEMU serving (preload): skipped, no qemu-system-xen"; \
	fi
