/* SPDX-License-Identifier: MIT */
/*
 * Sixteen threads at once: ioctls on shared and private device fds, opens
 * and closes racing the fd table, and nothing lost or mixed up.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "check.h"

#define NR_THREADS	16
#define ROUNDS		300

struct shared {
	int privcmd;		/* restricted to 1 by the main thread */
	int notify_fd;		/* the b end of a pair: notify hammered */
	unsigned notify_port;
	int errors;		/* atomic */
	char what[NR_THREADS][96];
};

static void fail(struct shared *s, int t, const char *what)
{
	__atomic_fetch_add(&s->errors, 1, __ATOMIC_RELAXED);
	if (!s->what[t][0])
		snprintf(s->what[t], sizeof(s->what[t]), "%s: %s", what,
			 strerror(errno));
}

struct arg {
	struct shared *s;
	int t;
};

static void *evtchn_worker(void *p)
{
	struct arg *a = p;
	struct shared *s = a->s;
	int fd = open("/dev/xen/evtchn", O_RDWR | O_CLOEXEC), i;

	if (fd < 0) {
		fail(s, a->t, "open");
		return NULL;
	}
	for (i = 0; i < ROUNDS; i++) {
		int port = evtchn_bind_unbound(fd, 0), churn;

		if (port <= 0) {
			fail(s, a->t, "BIND_UNBOUND_PORT");
			continue;
		}
		if (evtchn_unbind(fd, (unsigned)port) < 0)
			fail(s, a->t, "UNBIND");
		if (evtchn_notify(s->notify_fd, s->notify_port) < 0)
			fail(s, a->t, "NOTIFY on the shared fd");
		/* Opens and closes race the other threads' ioctls. */
		churn = open(i & 1 ? "/dev/xen/gntdev" : "/dev/null", O_RDWR);
		if (churn < 0)
			fail(s, a->t, "open churn");
		else if (close(churn) < 0)
			fail(s, a->t, "close churn");
	}
	close(fd);
	return NULL;
}

static void *privcmd_worker(void *p)
{
	struct arg *a = p;
	struct shared *s = a->s;
	int i;

	for (i = 0; i < ROUNDS; i++) {
		/* Restricting again to the same domain is idempotent (Linux). */
		if (privcmd_restrict(s->privcmd, 1) < 0)
			fail(s, a->t, "RESTRICT(1) again");
		if (privcmd_restrict(s->privcmd, 2) == 0)
			fail(s, a->t, "RESTRICT(2) succeeded");
	}
	return NULL;
}

static void run_threads(void *(*fn)(void *), struct shared *s)
{
	pthread_t th[NR_THREADS];
	struct arg args[NR_THREADS];
	int t;

	for (t = 0; t < NR_THREADS; t++) {
		args[t] = (struct arg){ .s = s, .t = t };
		expect(pthread_create(&th[t], NULL, fn, &args[t]) == 0,
		       "pthread_create");
	}
	for (t = 0; t < NR_THREADS; t++)
		pthread_join(th[t], NULL);
	expect(s->errors == 0, "%d errors", s->errors);
	for (t = 0; t < NR_THREADS; t++)
		if (s->what[t][0])
			check_note("thread %d: %s", t, s->what[t]);
}

static void threads_evtchn(void)
{
	static struct shared s;
	int a = dev_open("/dev/xen/evtchn", O_RDWR | O_NONBLOCK);
	unsigned pa, port;
	int reads = 0;

	s.notify_fd = dev_open("/dev/xen/evtchn", O_RDWR);
	if (!evtchn_pair(a, s.notify_fd, &pa, &s.notify_port))
		return;
	run_threads(evtchn_worker, &s);
	/* The hammered port fired at least once and is readable. */
	while (read(a, &port, sizeof(port)) == sizeof(port)) {
		expect(port == pa, "read port %u, want %u", port, pa);
		reads++;
	}
	expect(reads >= 1, "no event from %d notifies",
	       NR_THREADS * ROUNDS);
	/* Every thread's handle was released: the table holds only ours. */
	expect_ok(evtchn_notify(s.notify_fd, s.notify_port));
}

static void threads_privcmd(void)
{
	static struct shared s;

	s.privcmd = dev_open("/dev/xen/privcmd", O_RDWR);
	expect_ok(privcmd_restrict(s.privcmd, 1));
	run_threads(privcmd_worker, &s);
}

const struct check thread_checks[] = {
	{ "16 threads: evtchn ioctls, opens and closes at once",
	  threads_evtchn },
	{ "16 threads: ioctls on one shared privcmd fd", threads_privcmd },
	{ NULL, NULL },
};
