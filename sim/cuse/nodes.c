/* SPDX-License-Identifier: MIT */
/*
 * Device nodes.  The kernel registers a CUSE device under the class
 * "cuse" with the DEVNAME we gave (Linux fs/fuse/cuse.c), and devtmpfs may
 * add /dev/DEVNAME; the node clients open is ours, made in the devdir
 * with the numbers sysfs reports, and removed at exit only if it is still
 * that device.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "cuse.h"

static int read_sysfs_dev(const char *devname, dev_t *rdev)
{
	char path[256];
	unsigned maj, min;
	FILE *f;
	int n;

	snprintf(path, sizeof(path), "/sys/class/cuse/%s/dev", devname);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	n = fscanf(f, "%u:%u", &maj, &min);
	fclose(f);
	if (n != 2)
		return -EIO;
	*rdev = makedev(maj, min);
	return 0;
}

static int stat_devtmpfs(const char *devname, dev_t *rdev)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), "/dev/%s", devname);
	if (stat(path, &st))
		return -errno;
	if (!S_ISCHR(st.st_mode))
		return -ENODEV;
	*rdev = st.st_rdev;
	return 0;
}

int cd_node_rdev(const char *devname, dev_t *rdev)
{
	struct timespec pause = { 0, 20 * 1000 * 1000 };
	int rc = -ENOENT, i;

	/* The device exists once our CUSE_INIT reply is read; allow 2 s. */
	for (i = 0; i < 100; i++) {
		rc = read_sysfs_dev(devname, rdev);
		if (rc)
			rc = stat_devtmpfs(devname, rdev) ? rc : 0;
		if (!rc)
			return 0;
		nanosleep(&pause, NULL);
	}
	fprintf(stderr, "xensim-cuse: %s: the kernel made no such device "
		"(/sys/class/cuse/%s/dev: %s; is sysfs mounted?)\n", devname,
		devname, strerror(-rc));
	return rc;
}

int cd_node_create(const char *path, dev_t rdev)
{
	int err;

	/* Linux's xen devices are root's alone (misc devices, mode 0600). */
	if (!mknod(path, S_IFCHR | 0600, rdev))
		return 0;
	err = errno;
	fprintf(stderr, "xensim-cuse: cannot make %s: %s%s\n", path,
		strerror(err), err == EEXIST ?
		" (another backend's node? remove it first)" : "");
	return -err;
}


void cd_node_remove(const char *path, dev_t rdev)
{
	struct stat st;

	if (!lstat(path, &st) && S_ISCHR(st.st_mode) && st.st_rdev == rdev)
		unlink(path);
}
