/* SPDX-License-Identifier: MIT */
/*
 * /proc/xen/xsd_port and /proc/xen/xsd_kva (sim/dev/xsd.c, Linux
 * drivers/xen/xenfs/xenstored.c): what a xenstored running in dom0 reads
 * and maps to find dom0's own xenstore ring.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <xensim/device.h>
#include <xensim/machine.h>
#include <xensim/world.h>

#include "support/world_helpers.h"

#define U(p)	((uint64_t)(uintptr_t)(p))

static uint32_t mapped_page;

static int record_map(void *ctx, uint64_t addr, uint32_t page, int prot)
{
	(void)ctx;
	(void)addr;
	(void)prot;
	mapped_page = page;
	return 0;
}

/* read() the whole file in steps of `step` bytes, as the position moves. */
static size_t read_all(struct xsim_world *w, struct xsim_file f, char *buf,
		       size_t len, size_t step)
{
	size_t got = 0;
	ssize_t n;

	while (got < len - 1) {
		n = xsim_dev_read(w, f, U(buf + got), step, &xsim_uaccess_self);
		assert_true(n >= 0);
		if (n == 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	return got;
}

static void port_is_dom0_unbound_for_dom0(void **state)
{
	struct xsim_world *w = wh_world("proposed", false);
	struct xsim_caller c0 = wh_caller(w, 0);
	struct xsim_evtchn_status st;
	struct xsim_file f;
	char text[32], again[32];
	unsigned long port;

	(void)state;
	assert_int_equal(xsim_dev_by_path("/proc/xen/xsd_port"),
			 XSIM_DEV_XSD_PORT);
	assert_int_equal(xsim_dev_open(w, XSIM_DEV_XSD_PORT, 0, &f), 0);
	/* Byte by byte: the file position advances, then end of file. */
	assert_true(read_all(w, f, text, sizeof(text), 1) > 0);
	port = strtoul(text, NULL, 10);
	assert_true(port > 0);
	xsim_lock(w);
	assert_int_equal(xsim_evtchn_status(&c0, XSIM_DOMID_SELF,
					    (uint32_t)port, &st), 0);
	xsim_unlock(w);
	assert_int_equal(st.remote_dom, 0);
	/* ioctl: none (ENOTTY); write: none (EINVAL). */
	assert_int_equal(xsim_dev_ioctl(w, f, 0, 0, &xsim_uaccess_self),
			 -ENOTTY);
	assert_int_equal(xsim_dev_write(w, f, U(text), 1, &xsim_uaccess_self),
			 -EINVAL);
	xsim_dev_release(w, f);
	/* A second open shows the same port: made once per machine. */
	assert_int_equal(xsim_dev_open(w, XSIM_DEV_XSD_PORT, 0, &f), 0);
	read_all(w, f, again, sizeof(again), sizeof(again));
	assert_string_equal(text, again);
	/* A bad buffer is EFAULT, not a crash. */
	xsim_dev_release(w, f);
	assert_int_equal(xsim_dev_open(w, XSIM_DEV_XSD_PORT, 0, &f), 0);
	assert_int_equal(xsim_dev_read(w, f, 0, 8, &xsim_uaccess_self),
			 -EFAULT);
	xsim_dev_release(w, f);
	xsim_world_detach(w);
}

static void kva_maps_one_page_at_zero(void **state)
{
	struct xsim_world *w = wh_world("linux", false);
	struct xsim_uaccess ua = xsim_uaccess_self;
	struct xsim_file f;
	char text[32];

	(void)state;
	ua.map_page = record_map;
	assert_int_equal(xsim_dev_open(w, XSIM_DEV_XSD_KVA, 0, &f), 0);
	read_all(w, f, text, sizeof(text), sizeof(text));
	assert_memory_equal(text, "0x", 2);
	/* xsd_kva_mmap: more than a page, or an offset, is EINVAL. */
	assert_int_equal(xsim_dev_mmap(w, f, 0x10000, 8192, 0,
				       PROT_READ | PROT_WRITE, &ua), -EINVAL);
	assert_int_equal(xsim_dev_mmap(w, f, 0x10000, 4096, 1,
				       PROT_READ | PROT_WRITE, &ua), -EINVAL);
	mapped_page = 0;
	assert_int_equal(xsim_dev_mmap(w, f, 0x10000, 4096, 0,
				       PROT_READ | PROT_WRITE, &ua), 0);
	assert_int_not_equal(mapped_page, 0);
	/* A transport that cannot map (CUSE) cannot hand out the ring. */
	assert_int_equal(xsim_dev_mmap(w, f, 0x10000, 4096, 0, PROT_READ,
				       &xsim_uaccess_self), -ENODEV);
	xsim_dev_release(w, f);
	xsim_world_detach(w);
}

static void dom0_only(void **state)
{
	const struct xsim_profile *const *p;
	struct xsim_file f;

	(void)state;
	for (p = xsim_profiles(); *p; p++) {
		struct xsim_world *w = wh_world((*p)->name, false);

		/* xenfs makes the xsd_* files in the initial domain only. */
		assert_int_equal(xsim_dev_open(w, XSIM_DEV_XSD_PORT, 1, &f),
				 -ENODEV);
		assert_int_equal(xsim_dev_open(w, XSIM_DEV_XSD_KVA, 2, &f),
				 -ENODEV);
		assert_int_equal(xsim_dev_open(w, XSIM_DEV_XSD_KVA, 0, &f), 0);
		xsim_dev_release(w, f);
		xsim_world_detach(w);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(port_is_dom0_unbound_for_dom0),
		cmocka_unit_test(kva_maps_one_page_at_zero),
		cmocka_unit_test(dom0_only),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
