# SPDX-License-Identifier: MIT
# vm-images/: the two bootable images scripts/xrc runs under
# qemu-system-x86_64 -accel tcg (backends cuse-vm and xen-vm).  Recipes
# only; everything fetched or built lives under $(BUILD)/vm/:
#
#   $(BUILD)/vm/cache/       the pinned .debs (vm-images/packages.pin)
#   $(BUILD)/vm/stage/       what the images take from them: vmlinuz,
#                            modules, xen (gunzipped), busybox
#   $(BUILD)/vm/cuse/initrd.gz   Linux + CUSE image (boot stage/vmlinuz)
#   $(BUILD)/vm/xen/initrd.gz    dom0 image (boot stage/xen, stage/vmlinuz)
#
#   make vm-images      both images
#
# Each step is redone only when one of its inputs changed: the pin file,
# the scripts, the init scripts, the programs put inside.

include vm-images/tools/tools.mk

VM_DIR       := $(BUILD)/vm
VM_PINS      := vm-images/packages.pin
VM_FETCHED   := $(VM_DIR)/cache/.fetched
VM_UNPACKED  := $(VM_DIR)/stage/.unpacked
VM_CUSE_IMG  := $(VM_DIR)/cuse/initrd.gz
VM_XEN_IMG   := $(VM_DIR)/xen/initrd.gz
VM_GUEST_LIB := vm-images/guest/lib.sh

# The CUSE server comes from sim/cuse/ (when it exists: without it the
# image is made anyway and its init reports "xensim-cuse missing").
VM_CUSE_PROGS := $(XRC_BIN) $(if $(wildcard sim/cuse/cuse.mk),\
		 $(BUILD)/bin/xensim-cuse $(BUILD)/bin/xensim-cuse-bench \
		 $(BUILD)/bin/xensim-cuse-stress)
# The daemon's ASan+UBSan and TSan builds go in as /bin/xensim-cuse-asan
# and /bin/xensim-cuse-tsan (the kernel command line's xrc.cuse= picks one).
VM_CUSE_SAN   := $(if $(wildcard sim/cuse/cuse.mk),\
		 $(BUILD)/asan/bin/xensim-cuse $(BUILD)/tsan/bin/xensim-cuse)
# The real-client programs run in dom0 too; the host compares their
# answers with the same programs under the preload (sim:linux).
VM_XEN_PROGS  := $(XRC_BIN) $(VMTOOLS_DOMAINS) $(CLIENT_TESTS)

.PHONY: vm-images
vm-images: $(VM_CUSE_IMG) $(VM_XEN_IMG)

$(VM_FETCHED): $(VM_PINS) vm-images/fetch.sh
	$(Q)sh vm-images/fetch.sh $(VM_PINS) $(VM_DIR)/cache
	$(Q)touch $@

$(VM_UNPACKED): $(VM_FETCHED) vm-images/unpack.sh
	@echo "  UNPACK  $(VM_DIR)/stage"
	$(Q)sh vm-images/unpack.sh $(VM_PINS) $(VM_DIR)/cache $(VM_DIR)/stage
	$(Q)touch $@

$(VM_DIR)/%/initrd.gz: $(VM_UNPACKED) vm-images/mkinitrd.sh vm-images/lib/program.sh $(VM_GUEST_LIB) \
		vm-images/%/init vm-images/%/modules
	@mkdir -p $(dir $@)
	@echo "  INITRD  $@"
	$(Q)sh vm-images/mkinitrd.sh $* $(VM_DIR)/stage $@ $(filter $(BUILD)/bin/% $(BUILD)/tests/clients/%,$^) \
		$(foreach v,asan tsan,$(patsubst %,%=xensim-cuse-$(v),$(filter $(BUILD)/$(v)/bin/xensim-cuse,$^)))

$(VM_CUSE_IMG): $(VM_CUSE_PROGS) $(VM_CUSE_SAN)
$(VM_XEN_IMG): $(VM_XEN_PROGS)
$(VM_XEN_IMG): | $(PRELOAD_SO)

# scripts/suites/vm.sh boots both (scripts/xrc builds them on demand too).
CHECK_DEPS += $(VM_CUSE_IMG) $(VM_XEN_IMG)

# --- xen-domu (scripts/xrc-lib/_domu.sh) ---
# The PV domU's image (vm-images/domu/init), and the dom0 image that boots
# it: the xen image plus a second cpio with Debian's xl and daemons, the
# domU's kernel and image (vm-images/domu/extra.sh).  _domu.sh boots
# $(VM_DIR)/xen-domu/ as a xen machine (stage -> ../stage).
VM_DOMU_IMG     := $(VM_DIR)/domu/initrd.gz
VM_XEN_DOMU_IMG := $(VM_DIR)/xen-domu/xen/initrd.gz

$(VM_DOMU_IMG): $(XRC_BIN)
$(VM_XEN_DOMU_IMG): $(VM_XEN_IMG) $(VM_DOMU_IMG) $(VMTOOLS_DOMU) \
		vm-images/domu/extra.sh vm-images/lib/program.sh vm-images/domu/dom0.sh
	@mkdir -p $(dir $@)
	@echo "  INITRD  $@"
	$(Q)sh vm-images/domu/extra.sh $(VM_DIR) $@ $(VMTOOLS_DOMU)

vm-images: $(VM_XEN_DOMU_IMG)
CHECK_DEPS += $(VM_XEN_DOMU_IMG)
# --- end xen-domu ---
