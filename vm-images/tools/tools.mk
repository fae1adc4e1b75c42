# SPDX-License-Identifier: MIT
# vm-images/tools/: small programs the VM images run inside the guest
# (included from vm-images/vm.mk, after conformance/clients/clients.mk,
# whose libfixture they link).
#
#   build/bin/xrc-vm-domains   creates the suite's paused target domains
#                              in a real dom0, then runs the suite

VMTOOLS_DOMAINS_SRCS := vm-images/tools/domains.c
VMTOOLS_DOMAINS      := $(BUILD)/bin/xrc-vm-domains

$(call objs,$(BUILD),$(VMTOOLS_DOMAINS_SRCS)): BASE_CFLAGS += $(LIBFIXTURE_INC)

$(VMTOOLS_DOMAINS): $(call objs,$(BUILD),$(VMTOOLS_DOMAINS_SRCS)) $(LIBFIXTURE)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) -o $@ $^ -lxenctrl -lxenforeignmemory -lxengnttab $(THREAD_LIBS)

all: $(VMTOOLS_DOMAINS)

# --- xen-domu (scripts/xrc-lib/_domu.sh) ---
#   build/bin/xrc-vm-domu      dom0's part of the xen-domu backend: the
#                              domU's target guest, its xenstore key,
#                              dom0's offers (a port, a granted page)
VMTOOLS_DOMU_SRCS := vm-images/tools/domu.c
VMTOOLS_DOMU      := $(BUILD)/bin/xrc-vm-domu

# Xen's public headers need GNU C (as libfixture's, clients.mk).
$(call objs,$(BUILD),$(VMTOOLS_DOMU_SRCS)): BASE_CFLAGS += -std=gnu11

$(VMTOOLS_DOMU): $(call objs,$(BUILD),$(VMTOOLS_DOMU_SRCS))
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) -o $@ $^ -lxenctrl -lxenstore

all: $(VMTOOLS_DOMU)
# --- end xen-domu ---
