# SPDX-License-Identifier: MIT
# conformance/dm/: xrc-dm-toolstack, the libxl-like toolstack that starts
# an unmodified QEMU as an HVM guest's device model (Debian's libxenctrl
# through libfixture, libxenstore).  `xrc dm` (scripts/xrc-lib/dm.sh)
# drives it; scripts/suites/dm.sh runs the short version in `make check`.

DM_TOOLSTACK_SRCS := $(sort $(wildcard conformance/dm/*.c))
DM_TOOLSTACK      := $(BUILD)/bin/xrc-dm-toolstack

# GNU C for <xenctrl.h> through libfixture's users; xenstore.h is plain.
$(call objs,$(BUILD),$(DM_TOOLSTACK_SRCS)): \
	BASE_CFLAGS += -std=gnu11 -Iconformance/include

$(DM_TOOLSTACK): $(call objs,$(BUILD),$(DM_TOOLSTACK_SRCS)) $(LIBFIXTURE)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) -o $@ $^ -lxenstore $(CLIENT_LIBS) $(THREAD_LIBS)

all: $(DM_TOOLSTACK)
CHECK_DEPS += $(DM_TOOLSTACK)

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
DM_BENCH_DEPS := $(DM_TOOLSTACK) $(DM_XENSTORED) $(BUILD)/bin/xensim-dm-report \
		 $(BUILD)/bin/xensim-ioreq $(BUILD)/bin/xensim-world $(PRELOAD_SO)

bench:: $(DM_BENCH_DEPS)
	$(Q)if [ -x /usr/libexec/xen-qemu-system-i386 ]; then \
		BUILD=$(BUILD) sh scripts/xrc dm --restrict --ioreqs 2000 \
			--time --timeout 300 | grep '^ioreq round trip' || \
		echo "ioreq round trip, QEMU serving (preload): the run failed (xrc dm --ioreqs 2000)"; \
	else \
		echo "ioreq round trip, QEMU serving (preload): skipped, no qemu-system-xen"; \
	fi
