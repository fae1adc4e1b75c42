/* SPDX-License-Identifier: MIT */
/*
 * The planted defects (sim/dev/planted.h) must not exist in a normal
 * build: with every plant requested, a restricted handle still refuses.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <sys/ioctl.h>

#include <xensim/device.h>

#include "support/world_helpers.h"

/* Linux include/uapi/xen/privcmd.h layouts, written out (no uapi here). */
struct t_dm_op_buf { void *uptr; size_t size; };
struct t_dm_op { uint16_t dom; uint16_t num; uint32_t pad; const struct t_dm_op_buf *ubufs; };
#define T_IOCTL_DM_OP		_IOC(_IOC_NONE, 'P', 5, sizeof(struct t_dm_op))
#define T_IOCTL_RESTRICT	_IOC(_IOC_NONE, 'P', 6, sizeof(uint16_t))

static void no_plant_in_a_normal_build(void **state)
{
	struct xsim_world *w = wh_world("proposed", false);
	uint8_t op[72] = { 9 };	/* XEN_DMOP_set_isa_irq_level */
	struct t_dm_op_buf bufs[3] = { { op, sizeof(op) }, { op, 8 }, { op, 8 } };
	struct t_dm_op arg = { .dom = 2, .num = 3, .ubufs = bufs };
	struct xsim_file f;
	uint16_t dom = 1;

	(void)state;
	setenv("XENSIM_PLANT",
	       "dm-op-nr3,mmapbatch-v2,evtchn-interdomain,evtchn-reset", 1);
	assert_int_equal(xsim_dev_open(w, XSIM_DEV_PRIVCMD, 0, &f), 0);
	assert_int_equal(xsim_dev_ioctl(w, f, T_IOCTL_RESTRICT, (uintptr_t)&dom,
					&xsim_uaccess_self), 0);
	assert_int_equal(xsim_dev_ioctl(w, f, T_IOCTL_DM_OP, (uintptr_t)&arg,
					&xsim_uaccess_self), -EPERM);
	xsim_dev_release(w, f);
	unsetenv("XENSIM_PLANT");
	xsim_world_detach(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(no_plant_in_a_normal_build),
	};

	return cmocka_run_group_tests_name("planted", tests, NULL, NULL);
}
