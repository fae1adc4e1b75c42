/* SPDX-License-Identifier: MIT */
/*
 * __HYPERVISOR_xen_version (Xen 4.17 xen/common/kernel.c, do_xen_version,
 * with the dummy XSM policy of xen/include/xsm/dummy.h).  It touches no
 * domain's state, so it records no effect.
 */
#define __XEN_TOOLS__ 1

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <xen/xen.h>
#include <xen/features.h>
#include <xen/version.h>

#include "hypercall.h"

/* What a Debian 12 build of Xen 4.17.7 reports. */
#define SIM_EXTRAVERSION	".7"
#define SIM_CHANGESET		"2445b30a44, pl-xensim"
#define SIM_COMPILER		"gcc (Debian 12.2.0-14+deb12u1) 12.2.0"
#define SIM_COMPILE_BY		"xensim"
#define SIM_COMPILE_DOMAIN	"xenrestrict"
#define SIM_COMPILE_DATE	"Thu Jan  1 00:00:00 UTC 1970"
#define SIM_COMMANDLINE		"placeholder console=com1"
/* xen/arch/x86/setup.c arch_get_xen_caps() with PV32 and HVM enabled. */
#define SIM_CAPABILITIES \
	"xen-3.0-x86_64 xen-3.0-x86_32p " \
	"hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64 "
/* HYPERVISOR_VIRT_START, x86_64. */
#define SIM_VIRT_START		0xFFFF800000000000ull
/* xen_deny(): what a sub-op denied by XSM reports instead of the data. */
#define SIM_DENY		"<denied>"

static const uint8_t sim_build_id[20] = {
	0x78, 0x65, 0x6e, 0x73, 0x69, 0x6d, 0x2d, 0x34, 0x2e, 0x31,
	0x37, 0x2e, 0x37, 0x2d, 0x62, 0x75, 0x69, 0x6c, 0x64, 0x00,
};

/* xsm_xen_version(): the sub-ops only the control domain may read. */
static bool denied(const struct xsim_caller *c, uint64_t cmd)
{
	switch (cmd) {
	case XENVER_version:
	case XENVER_platform_parameters:
	case XENVER_get_features:
	case XENVER_extraversion:
	case XENVER_compile_info:
	case XENVER_capabilities:
	case XENVER_changeset:
	case XENVER_pagesize:
	case XENVER_guest_handle:
		return false;
	default:
		return !xsim_hc_privileged(c);
	}
}

/* safe_strcpy() into a zeroed fixed-size field: always NUL-terminated. */
static void set_str(char *dst, size_t size, const char *s)
{
	size_t n = strnlen(s, size - 1);

	memset(dst, 0, size);
	memcpy(dst, s, n);
}

/* Copy a fixed-size, NUL-padded string out, as safe_strcpy + copy_to_guest. */
static long put_string(const struct xsim_uaccess *ua, uint64_t arg,
		       const char *s, size_t size)
{
	char buf[1024];

	set_str(buf, size, s);
	return xsim_copy_out(ua, arg, buf, size) ? -EFAULT : 0;
}

static uint32_t feature_submap(const struct xsim_caller *c)
{
	const struct xsim_domain *self = xsim_hc_self(c);
	bool hvm = self && (self->flags & XSIM_DOM_HVM);
	uint32_t map = 1u << XENFEAT_memory_op_vnode_supported;

	if (hvm)
		map |= 1u << XENFEAT_writable_page_tables |
		       1u << XENFEAT_auto_translated_physmap |
		       1u << XENFEAT_hvm_safe_pvclock |
		       1u << XENFEAT_hvm_callback_vector |
		       1u << XENFEAT_not_direct_mapped;
	else
		map |= 1u << XENFEAT_mmu_pt_update_preserve_ad |
		       1u << XENFEAT_highmem_assist |
		       1u << XENFEAT_gnttab_map_avail_bits |
		       1u << XENFEAT_direct_mapped;
	if (c->domid == 0)
		map |= 1u << XENFEAT_dom0;
	return map;
}

static long get_features(const struct xsim_caller *c,
			 const struct xsim_uaccess *ua, uint64_t arg)
{
	xen_feature_info_t fi;

	if (xsim_copy_in(ua, &fi, arg, sizeof(fi)))
		return -EFAULT;
	if (fi.submap_idx != 0)
		return -EINVAL;
	fi.submap = feature_submap(c);
	return xsim_copy_out(ua, arg, &fi, sizeof(fi)) ? -EFAULT : 0;
}

static long build_id(const struct xsim_uaccess *ua, uint64_t arg)
{
	xen_build_id_t hdr;

	/* A NULL handle asks for the size only. */
	if (!arg)
		return sizeof(sim_build_id);
	if (xsim_copy_in(ua, &hdr, arg, sizeof(hdr)))
		return -EFAULT;
	if (hdr.len == 0)
		return -EINVAL;
	if (sizeof(sim_build_id) > hdr.len)
		return -ENOBUFS;
	if (xsim_copy_out(ua, arg + offsetof(xen_build_id_t, buf),
			  sim_build_id, sizeof(sim_build_id)))
		return -EFAULT;
	return sizeof(sim_build_id);
}

long xsim_hc_xen_version(const struct xsim_caller *c,
			 const struct xsim_uaccess *ua, uint64_t cmd,
			 uint64_t arg)
{
	bool deny = denied(c, cmd);

	/* Xen takes cmd as an int. */
	switch ((int)cmd) {
	case XENVER_version:
		return XSIM_XEN_MAJOR << 16 | XSIM_XEN_MINOR;
	case XENVER_extraversion:
		return put_string(ua, arg, deny ? SIM_DENY : SIM_EXTRAVERSION,
				  sizeof(xen_extraversion_t));
	case XENVER_compile_info: {
		xen_compile_info_t info;

		set_str(info.compiler, sizeof(info.compiler),
			deny ? SIM_DENY : SIM_COMPILER);
		set_str(info.compile_by, sizeof(info.compile_by),
			deny ? SIM_DENY : SIM_COMPILE_BY);
		set_str(info.compile_domain, sizeof(info.compile_domain),
			deny ? SIM_DENY : SIM_COMPILE_DOMAIN);
		set_str(info.compile_date, sizeof(info.compile_date),
			deny ? SIM_DENY : SIM_COMPILE_DATE);
		return xsim_copy_out(ua, arg, &info, sizeof(info)) ? -EFAULT : 0;
	}
	case XENVER_capabilities:
		return put_string(ua, arg, deny ? "" : SIM_CAPABILITIES,
				  sizeof(xen_capabilities_info_t));
	case XENVER_platform_parameters: {
		xen_platform_parameters_t p = { .virt_start = SIM_VIRT_START };

		return xsim_copy_out(ua, arg, &p, sizeof(p)) ? -EFAULT : 0;
	}
	case XENVER_changeset:
		return put_string(ua, arg, deny ? SIM_DENY : SIM_CHANGESET,
				  sizeof(xen_changeset_info_t));
	case XENVER_get_features:
		return get_features(c, ua, arg);
	case XENVER_pagesize:
		if (deny)
			return 0;
		return arg ? -EINVAL : (long)XSIM_PAGE_SIZE;
	case XENVER_guest_handle: {
		const struct xsim_domain *self = xsim_hc_self(c);
		uint8_t h[16] = { 0 };

		if (self && !deny)
			memcpy(h, self->handle, sizeof(h));
		return xsim_copy_out(ua, arg, h, sizeof(h)) ? -EFAULT : 0;
	}
	case XENVER_commandline:
		/* Xen copies the whole buffer, or just "<denied>" and its NUL. */
		if (deny)
			return put_string(ua, arg, SIM_DENY, sizeof(SIM_DENY));
		return put_string(ua, arg, SIM_COMMANDLINE,
				  sizeof(xen_commandline_t));
	case XENVER_build_id:
		if (deny)
			return -EPERM;
		return build_id(ua, arg);
	default:
		return -ENOSYS;
	}
}
