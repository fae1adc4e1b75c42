/* SPDX-License-Identifier: MIT */
/*
 * One CUSE session per device: /dev/cuse opened, CUSE_INIT answered with
 * the device's DEVNAME and unrestricted ioctls, and a pool of
 * worker threads, so that one slow request does not hold up other
 * clients.  The kernel makes the device when it reads our CUSE_INIT
 * reply (Linux fs/fuse/cuse.c, cuse_process_init_reply); init_done then
 * makes the node in the devdir from the numbers the kernel chose.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cuse.h"

void cd_device_ready(struct cd_dev *d)
{
	dev_t rdev = 0;
	int rc;

	rc = cd_node_rdev(d->devname, &rdev);
	if (!rc)
		rc = cd_node_create(d->node, rdev);
	pthread_mutex_lock(&cd.mu);
	d->rdev = rdev;
	d->node_made = !rc;
	d->err = -rc;
	d->ready = true;
	pthread_cond_broadcast(&cd.cv);
	pthread_mutex_unlock(&cd.mu);
}

/*
 * A worker: take the next request from the kernel and answer it.  Our own
 * loop rather than fuse_session_loop_mt, which ends its workers with
 * pthread_cancel: glibc then dlopens libgcc_s, which ldd does not list
 * and a minimal initramfs lacks.  Requests are short (a blocked read
 * waits in waiter.c, not here), so a fixed pool is enough.
 */
static void *worker_main(void *arg)
{
	struct cd_dev *d = arg;
	struct fuse_buf buf = { .mem = NULL };
	int rc = 0;

	while (!fuse_session_exited(d->se)) {
		rc = fuse_session_receive_buf(d->se, &buf);
		if (rc == -EINTR)
			continue;
		if (rc <= 0)
			break;
		fuse_session_process_buf(d->se, &buf);
	}
	free(buf.mem);
	if (atomic_load(&cd.stopping))
		return NULL;
	/* The kernel ended the session: the daemon cannot go on. */
	pthread_mutex_lock(&cd.mu);
	if (!d->err)
		d->err = rc < 0 ? -rc : ENOTCONN;
	d->ready = true;
	d->dead = true;
	pthread_cond_broadcast(&cd.cv);
	pthread_mutex_unlock(&cd.mu);
	kill(getpid(), SIGTERM);
	return NULL;
}


int cd_session_start(struct cd_dev *d)
{
	char devname[96], mnt[32];
	const char *info[] = { devname };
	struct cuse_info ci = {
		.dev_info_argc = 1,
		.dev_info_argv = info,
		.flags = CUSE_UNRESTRICTED_IOCTL,
	};
	char prog[] = "xensim-cuse";
	char *argv[] = { prog, NULL };
	struct fuse_args args = FUSE_ARGS_INIT(1, argv);
	unsigned i;
	int rc;

	snprintf(devname, sizeof(devname), "DEVNAME=%s", d->devname);
	d->se = cuse_lowlevel_new(&args, &ci, &cd_ops, d);
	/*
	 * fuse_session_new's fuse_opt_parse replaced args with a heap copy
	 * (lib/fuse_opt.c: outargs, allocated = 1) that the session does not
	 * keep: ours to free (LSan found it, one per device).
	 */
	fuse_opt_free_args(&args);
	if (!d->se)
		return -ENOMEM;
	d->cuse_fd = open("/dev/cuse", O_RDWR | O_CLOEXEC);
	if (d->cuse_fd < 0)
		return -errno;
	snprintf(mnt, sizeof(mnt), "/dev/fd/%d", d->cuse_fd);
	if (fuse_session_mount(d->se, mnt)) {
		close(d->cuse_fd);
		d->cuse_fd = -1;
		return -EIO;
	}
	/* The session owns the descriptor now. */
	d->cuse_fd = -1;
	for (i = 0; i < CD_WORKERS; i++) {
		rc = pthread_create(&d->workers[i], NULL, worker_main, d);
		if (rc)
			return -rc;
		d->nr_workers++;
	}
	return 0;
}

static void on_usr1(int sig)
{
	(void)sig;
}

/*
 * End the workers: fuse_session_exit sets the flag they check after
 * each read of /dev/cuse, and a signal (no SA_RESTART) ends a read in
 * progress; repeat it until each has seen it (it may land just before
 * the read).
 */
void cd_session_stop(struct cd_dev *d)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	struct timespec ts;
	unsigned i;

	if (!d->se)
		return;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	fuse_session_exit(d->se);
	for (i = 0; i < d->nr_workers; i++) {
		for (;;) {
			pthread_kill(d->workers[i], SIGUSR1);
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += 50 * 1000 * 1000;
			if (ts.tv_nsec >= 1000000000) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000;
			}
			if (!pthread_timedjoin_np(d->workers[i], NULL, &ts))
				break;
		}
	}
	d->nr_workers = 0;
	fuse_session_unmount(d->se);
	fuse_session_destroy(d->se);
	d->se = NULL;
}
