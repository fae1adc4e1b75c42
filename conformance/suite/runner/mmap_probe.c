/* SPDX-License-Identifier: MIT */
/*
 * The backend's mmap capability, probed once per run in the probe child:
 * one page of privcmd, gntdev and gntalloc at offset 0.  What a driver
 * with mmap answers does not matter here (privcmd maps an empty region,
 * gntdev and gntalloc refuse an offset with nothing behind it); only
 * ENODEV does: the file has no mmap method (Linux mm/mmap.c, do_mmap), as
 * for every CUSE device.  Rows that need a mapping then SKIP instead of
 * failing on a transport limit.  evtchn has no mmap anywhere: not probed.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "runner.h"

#define PROBE_LEN	4096u

static const struct {
	enum xrc_dev dev;
	const char *name;
} probed[] = {
	{ XRC_PRIVCMD, "privcmd" },
	{ XRC_GNTDEV, "gntdev" },
	{ XRC_GNTALLOC, "gntalloc" },
};

/* Does mmap of devdir/name answer ENODEV?  (An absent device: no.) */
static bool mmap_is_enodev(const char *devdir, const char *name)
{
	char path[PATH_MAX];
	void *p;
	int fd, err;

	snprintf(path, sizeof(path), "%s/%s", devdir, name);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return false;
	p = mmap(NULL, PROBE_LEN, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	err = errno;
	if (p != MAP_FAILED)
		munmap(p, PROBE_LEN);
	close(fd);
	return p == MAP_FAILED && err == ENODEV;
}

void xrc_setup_probe_mmap(const char *devdir, struct xrc_setup_probe *p)
{
	unsigned i;

	p->no_mmap = 0;
	for (i = 0; i < sizeof(probed) / sizeof(probed[0]); i++)
		if (mmap_is_enodev(devdir, probed[i].name))
			p->no_mmap |= (uint8_t)(1u << probed[i].dev);
}
