# SPDX-License-Identifier: MIT
# ports/linux-6.1/: the 2016 restrict contract as a patch series for Linux
# 6.1's Xen drivers (ports/linux-6.1/README.md), built out of tree against
# Debian's headers:
#
#   make ports      $(BUILD)/ports/linux-6.1/{xen-privcmd,xen-evtchn,
#                   xen-gntdev,xen-gntalloc}.ko
#
# The packages (ports/linux-6.1/packages.pin) are fetched once into the VM
# images' cache, $(BUILD)/vm/cache/ (vm-images/fetch.sh); the headers and
# the drivers' sources are unpacked once per version under
# $(BUILD)/ports/linux-6.1/ (build.sh).  The modules are rebuilt when a
# patch, the series, the pins, Kbuild or build.sh changes.

PORT_LINUX61_DIR   := ports/linux-6.1
PORT_LINUX61_OUT   := $(BUILD)/ports/linux-6.1
PORT_LINUX61_MODS  := xen-privcmd xen-evtchn xen-gntdev xen-gntalloc
PORT_LINUX61_KO    := $(PORT_LINUX61_MODS:%=$(PORT_LINUX61_OUT)/%.ko)
PORT_LINUX61_FETCH := $(BUILD)/vm/cache/.fetched-ports-linux-6.1
PORT_LINUX61_STAMP := $(PORT_LINUX61_OUT)/.built

.PHONY: ports
ports: $(PORT_LINUX61_KO)

$(PORT_LINUX61_FETCH): $(PORT_LINUX61_DIR)/packages.pin vm-images/fetch.sh
	$(Q)sh vm-images/fetch.sh $(PORT_LINUX61_DIR)/packages.pin $(BUILD)/vm/cache
	$(Q)touch $@

# One build.sh run makes all four; the stamp stands for them.
$(PORT_LINUX61_STAMP): $(PORT_LINUX61_FETCH) vm-images/packages.pin \
		$(PORT_LINUX61_DIR)/build.sh $(PORT_LINUX61_DIR)/Kbuild \
		$(PORT_LINUX61_DIR)/series $(wildcard $(PORT_LINUX61_DIR)/patches/*.patch)
	$(Q)sh $(PORT_LINUX61_DIR)/build.sh $(BUILD)/vm/cache $(PORT_LINUX61_OUT)
	$(Q)touch $@ $(PORT_LINUX61_KO)

# Not newer than the stamp once built (touched with it): `make -q ports`
# says up to date, and xrc run --port builds quietly.
$(PORT_LINUX61_KO): $(PORT_LINUX61_STAMP)
	@test -f $@ || { echo "ports: $@ missing after the build" >&2; exit 1; }

# scripts/suites/ports.sh boots them in the xen-vm image.
CHECK_DEPS += $(PORT_LINUX61_KO)
