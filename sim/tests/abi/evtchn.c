/* SPDX-License-Identifier: MIT */
/*
 * /dev/xen/evtchn.  Sources of the expected answers:
 *  - linux (and xsa482 domU, which changes nothing here): Linux 6.1
 *    drivers/xen/evtchn.c evtchn_ioctl, implementations.md 1.3: EACCES for
 *    a second restrict (before the copy), for BIND_VIRQ and
 *    BIND_UNBOUND_PORT on a restricted handle (before the copy) and for an
 *    interdomain bind elsewhere (after); restrict to 0 or >= 0x7FF0 is
 *    EINVAL; unknown ioctls ENOSYS; 6.1 has no BIND_STATIC (ENOSYS).
 *  - proposed: sim/dev/profiles.c: EPERM for another domain, ENOSYS for
 *    binds with no target (VIRQ, STATIC), same-domid restrict is 0.
 *  - freebsd: sys/dev/xen/evtchn/evtchn_dev.c has no restrict
 *    (implementations.md §2.1): RESTRICT_DOMID and BIND_STATIC are unknown ioctls, ENOTTY.
 *  - netbsd: xenevt.c (implementations.md §2.2): no restrict; unknown ioctls EINVAL.
 * Xen's answers are Xen 4.17's xen/common/event_channel.c: a missing
 * remote domain is ESRCH, a remote port that is not unbound and offered to
 * the caller EINVAL, alloc_unbound does not check the remote domain, a
 * VIRQ >= NR_VIRQS is EINVAL, a VIRQ already bound EEXIST.  A domU caller
 * (xsa482 column) is domain 1: the guests' ports are offered to dom0, so
 * its interdomain binds get EINVAL from Xen.
 */
#include <errno.h>
#include <unistd.h>

#include "abi.h"
#include "xenabi.h"

#define UNKNOWN	EXPECT(.proposed = -ENOTTY, .linux = -ENOSYS, \
		       .xsa482_domu = -ENOSYS, .freebsd = -ENOTTY, \
		       .netbsd = -EINVAL)
/* RESTRICT_DOMID exists in proposed and Linux only. */
#define RESTRICT(p, l)	EXPECT(.proposed = (p), .linux = (l), \
			       .xsa482_domu = (l), .freebsd = -ENOTTY, \
			       .netbsd = -EINVAL)

static long bind_interdomain(int fd, uint32_t dom, uint32_t port)
{
	struct ioctl_evtchn_bind_interdomain b = { .remote_domain = dom,
						   .remote_port = port };

	return xioctl(fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, &b);
}

static long bind_unbound(int fd, uint32_t dom)
{
	struct ioctl_evtchn_bind_unbound_port b = { .remote_domain = dom };

	return xioctl(fd, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &b);
}

static long bind_virq(int fd, uint32_t virq)
{
	struct ioctl_evtchn_bind_virq b = { .virq = virq };

	return xioctl(fd, IOCTL_EVTCHN_BIND_VIRQ, &b);
}

static long unbind(int fd, long port)
{
	struct ioctl_evtchn_unbind u = { .port = (unsigned int)port };

	return xioctl(fd, IOCTL_EVTCHN_UNBIND, &u);
}

static long notify(int fd, long port)
{
	struct ioctl_evtchn_notify n = { .port = (unsigned int)port };

	return xioctl(fd, IOCTL_EVTCHN_NOTIFY, &n);
}

static long restrict_to(int fd, domid_t dom)
{
	struct ioctl_evtchn_restrict_domid r = { .domid = dom };

	return xioctl(fd, IOCTL_EVTCHN_RESTRICT_DOMID, &r);
}

/* Give a port back when a bind worked, so later binds find it free. */
static void release(int fd, long port)
{
	if (port > 0)
		unbind(fd, port);
}

static void unrestricted(int fd)
{
	long port;

	check("abi.evtchn.unknown-ioctl", UNKNOWN,
	      xioctl(fd, _IOC(_IOC_NONE, 'E', 0x33, 0), NULL));

	port = check("abi.evtchn.bind_unbound_port", ALL(ANY_POS),
		     bind_unbound(fd, OTHER));
	check("abi.evtchn.notify.unbound", ALL(0), notify(fd, port));
	check("abi.evtchn.unbind", ALL(0), unbind(fd, port));
	check("abi.evtchn.unbind.not-bound", ALL(-ENOTCONN), unbind(fd, port));
	check("abi.evtchn.notify.not-bound", ALL(-ENOTCONN), notify(fd, port));
	/* port >= xen_evtchn_nr_channels() */
	check("abi.evtchn.unbind.huge-port", ALL(-EINVAL),
	      unbind(fd, 0x7fffffff));
	/* Xen 4.17 alloc_unbound does not look the remote domain up. */
	release(fd, check("abi.evtchn.bind_unbound_port.absent-domain",
			  ALL(ANY_POS), bind_unbound(fd, ABSENT)));

	port = check("abi.evtchn.bind_interdomain.guest1",
		     EXPECT(.proposed = ANY_POS, .linux = ANY_POS,
			    .xsa482_domu = -EINVAL, .freebsd = ANY_POS,
			    .netbsd = ANY_POS),
		     bind_interdomain(fd, TARGET, GUEST_PORT));
	check("abi.evtchn.notify.interdomain",
	      EXPECT(.proposed = 0, .linux = 0, .xsa482_domu = UNCHECKED,
		     .freebsd = 0, .netbsd = 0), notify(fd, port));
	check("abi.evtchn.unbind.interdomain",
	      EXPECT(.proposed = 0, .linux = 0, .xsa482_domu = UNCHECKED,
		     .freebsd = 0, .netbsd = 0), unbind(fd, port));
	check("abi.evtchn.bind_interdomain.absent-domain", ALL(-ESRCH),
	      bind_interdomain(fd, ABSENT, GUEST_PORT));
	check("abi.evtchn.bind_interdomain.bad-port", ALL(-EINVAL),
	      bind_interdomain(fd, OTHER, 77));

	port = check("abi.evtchn.bind_virq", ALL(ANY_POS),
		     bind_virq(fd, VIRQ_DOM_EXC));
	check("abi.evtchn.bind_virq.again", ALL(-EEXIST),
	      bind_virq(fd, VIRQ_DOM_EXC));
	release(fd, port);
	check("abi.evtchn.bind_virq.bad-virq", ALL(-EINVAL),
	      bind_virq(fd, NR_VIRQS + 75));

	check("abi.evtchn.bind_interdomain.null-arg", ALL(-EFAULT),
	      xioctl(fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, NULL));
	check("abi.evtchn.bind_unbound_port.null-arg", ALL(-EFAULT),
	      xioctl(fd, IOCTL_EVTCHN_BIND_UNBOUND_PORT, NULL));
	check("abi.evtchn.bind_virq.null-arg", ALL(-EFAULT),
	      xioctl(fd, IOCTL_EVTCHN_BIND_VIRQ, NULL));
	check("abi.evtchn.unbind.null-arg", ALL(-EFAULT),
	      xioctl(fd, IOCTL_EVTCHN_UNBIND, NULL));
	check("abi.evtchn.notify.unmapped-arg", ALL(-EFAULT),
	      xioctl(fd, IOCTL_EVTCHN_NOTIFY, inaccessible_page()));
	/* BIND_STATIC exists from Linux 6.2: 6.1 answers its unknown errno. */
	check("abi.evtchn.bind_static.null-arg",
	      EXPECT(.proposed = -EFAULT, .linux = -ENOSYS,
		     .xsa482_domu = -ENOSYS, .freebsd = -ENOTTY,
		     .netbsd = -EINVAL),
	      xioctl(fd, IOCTL_EVTCHN_BIND_STATIC, NULL));
	check("abi.evtchn.reset", ALL(0), xioctl(fd, IOCTL_EVTCHN_RESET, NULL));
}

static void restrict_values(const char *path)
{
	int fd;

	/* proposed: domain 0 is a valid target (a driver domain's peer). */
	fd = xopen(path);
	check("abi.evtchn.restrict.domid0", RESTRICT(0, -EINVAL),
	      restrict_to(fd, 0));
	xclose(fd);
	fd = xopen(path);
	check("abi.evtchn.restrict.domid-self", RESTRICT(-EINVAL, -EINVAL),
	      restrict_to(fd, DOMID_SELF));
	xclose(fd);
	fd = xopen(path);
	check("abi.evtchn.restrict.domid-invalid", RESTRICT(-EINVAL, -EINVAL),
	      restrict_to(fd, DOMID_INVALID));
	xclose(fd);
	fd = xopen(path);
	check("abi.evtchn.restrict.domid-idle", RESTRICT(-EINVAL, -EINVAL),
	      restrict_to(fd, DOMID_IDLE));
	xclose(fd);
	fd = xopen(path);
	check("abi.evtchn.restrict.absent-domid", RESTRICT(0, 0),
	      restrict_to(fd, 5));
	xclose(fd);
	fd = xopen(path);
	check("abi.evtchn.restrict.null-arg", RESTRICT(-EFAULT, -EFAULT),
	      xioctl(fd, IOCTL_EVTCHN_RESTRICT_DOMID, NULL));
	xclose(fd);
}

/* A handle restricted to TARGET where the profile has the ioctl. */
static void restricted(int fd)
{
	struct expect other = EXPECT(.proposed = -EPERM, .linux = -EACCES,
				     .xsa482_domu = -EACCES, .freebsd = ANY_POS,
				     .netbsd = ANY_POS);
	struct ioctl_evtchn_bind st = { .port = GUEST_PORT };

	release(fd, check("abi.evtchn.restricted.bind_interdomain.target",
			  EXPECT(.proposed = ANY_POS, .linux = ANY_POS,
				 .xsa482_domu = -EINVAL, .freebsd = ANY_POS,
				 .netbsd = ANY_POS),
			  bind_interdomain(fd, TARGET, GUEST_PORT)));
	release(fd, check("abi.evtchn.restricted.bind_interdomain.other", other,
			  bind_interdomain(fd, OTHER, GUEST_PORT)));
	check("abi.evtchn.restricted.bind_interdomain.absent",
	      EXPECT(.proposed = -EPERM, .linux = -EACCES,
		     .xsa482_domu = -EACCES, .freebsd = -ESRCH,
		     .netbsd = -ESRCH),
	      bind_interdomain(fd, ABSENT, GUEST_PORT));
	/*
	 * remote_domain is an unsigned int compared with a 16-bit domid:
	 * high bits never match the restriction.  Unrestricted kernels pass
	 * it on truncated, which Xen may then accept: not checked there.
	 */
	check("abi.evtchn.restricted.bind_interdomain.domid-high-bits",
	      EXPECT(.proposed = -EPERM, .linux = -EACCES,
		     .xsa482_domu = -EACCES, .freebsd = UNCHECKED,
		     .netbsd = UNCHECKED),
	      bind_interdomain(fd, 0x10000u | TARGET, GUEST_PORT));
	check("abi.evtchn.restricted.bind_interdomain.null-arg", ALL(-EFAULT),
	      xioctl(fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, NULL));

	/* Linux: EACCES even towards the restricted domain. */
	release(fd, check("abi.evtchn.restricted.bind_unbound_port.target",
			  EXPECT(.proposed = ANY_POS, .linux = -EACCES,
				 .xsa482_domu = -EACCES, .freebsd = ANY_POS,
				 .netbsd = ANY_POS),
			  bind_unbound(fd, TARGET)));
	release(fd, check("abi.evtchn.restricted.bind_unbound_port.other",
			  other, bind_unbound(fd, OTHER)));
	check("abi.evtchn.restricted.bind_unbound_port.null-arg",
	      EXPECT(.proposed = -EFAULT, .linux = -EACCES,
		     .xsa482_domu = -EACCES, .freebsd = -EFAULT,
		     .netbsd = -EFAULT),
	      xioctl(fd, IOCTL_EVTCHN_BIND_UNBOUND_PORT, NULL));
	release(fd, check("abi.evtchn.restricted.bind_virq",
			  EXPECT(.proposed = -ENOSYS, .linux = -EACCES,
				 .xsa482_domu = -EACCES, .freebsd = ANY_POS,
				 .netbsd = ANY_POS),
			  bind_virq(fd, VIRQ_DOM_EXC)));
	check("abi.evtchn.restricted.bind_virq.null-arg",
	      EXPECT(.proposed = -EFAULT, .linux = -EACCES,
		     .xsa482_domu = -EACCES, .freebsd = -EFAULT,
		     .netbsd = -EFAULT),
	      xioctl(fd, IOCTL_EVTCHN_BIND_VIRQ, NULL));
	check("abi.evtchn.restricted.bind_static",
	      EXPECT(.proposed = -ENOSYS, .linux = -ENOSYS,
		     .xsa482_domu = -ENOSYS, .freebsd = -ENOTTY,
		     .netbsd = -EINVAL),
	      xioctl(fd, IOCTL_EVTCHN_BIND_STATIC, &st));
	check("abi.evtchn.restricted.unbind.not-bound", ALL(-ENOTCONN),
	      unbind(fd, 5));
	/* RESET empties the ring; it does not lift the restriction. */
	check("abi.evtchn.restricted.reset", ALL(0),
	      xioctl(fd, IOCTL_EVTCHN_RESET, NULL));
	release(fd, check("abi.evtchn.restricted.reset-keeps-restriction",
			  other, bind_unbound(fd, OTHER)));
	check("abi.evtchn.restricted.unknown-ioctl", UNKNOWN,
	      xioctl(fd, _IOC(_IOC_NONE, 'E', 0x33, 0), NULL));
}

/* Ports bound before the restriction stay usable (uapi evtchn.h). */
static void bound_before(const char *path)
{
	int fd = xopen(path);
	long pu, pi;

	pu = check("abi.evtchn.prebound.bind_unbound_port", ALL(ANY_POS),
		   bind_unbound(fd, OTHER));
	pi = check("abi.evtchn.prebound.bind_interdomain",
		   EXPECT(.proposed = ANY_POS, .linux = ANY_POS,
			  .xsa482_domu = -EINVAL, .freebsd = ANY_POS,
			  .netbsd = ANY_POS),
		   bind_interdomain(fd, OTHER, GUEST_PORT));
	check("abi.evtchn.prebound.restrict", RESTRICT(0, 0),
	      restrict_to(fd, TARGET));
	check("abi.evtchn.prebound.notify-unbound", ALL(0), notify(fd, pu));
	check("abi.evtchn.prebound.notify-interdomain",
	      EXPECT(.proposed = 0, .linux = 0, .xsa482_domu = UNCHECKED,
		     .freebsd = 0, .netbsd = 0),
	      notify(fd, pi));
	check("abi.evtchn.prebound.unbind-interdomain",
	      EXPECT(.proposed = 0, .linux = 0, .xsa482_domu = UNCHECKED,
		     .freebsd = 0, .netbsd = 0),
	      unbind(fd, pi));
	check("abi.evtchn.prebound.unbind-unbound", ALL(0), unbind(fd, pu));
	xclose(fd);
}

static void sharing(const char *path, int restricted_fd)
{
	struct expect other = EXPECT(.proposed = -EPERM, .linux = -EACCES,
				     .xsa482_domu = -EACCES, .freebsd = ANY_POS,
				     .netbsd = ANY_POS);
	int d, o, d2;

	d = dup(restricted_fd);
	check("abi.evtchn.dup.restrict-other", RESTRICT(-EPERM, -EACCES),
	      restrict_to(d, OTHER));
	release(d, check("abi.evtchn.dup.bind-other", other,
			 bind_interdomain(d, OTHER, GUEST_PORT)));
	xclose(d);

	o = xopen(path);
	d2 = dup(o);
	check("abi.evtchn.dup.restrict", RESTRICT(0, 0),
	      restrict_to(d2, TARGET));
	release(o, check("abi.evtchn.dup.restricts-original", other,
			 bind_unbound(o, OTHER)));
	xclose(o);
	release(d2, check("abi.evtchn.dup.survives-close", other,
			  bind_unbound(d2, OTHER)));
	xclose(d2);

	o = xopen(path);
	release(o, check("abi.evtchn.reopen.unrestricted", ALL(ANY_POS),
			 bind_unbound(o, OTHER)));
	xclose(o);
}

void evtchn_checks(void)
{
	static const char path[] = "/dev/xen/evtchn";
	int fd, r;

	fd = open_section("evtchn", path, true);
	if (fd < 0)
		return;
	unrestricted(fd);
	xclose(fd);

	restrict_values(path);

	r = xopen(path);
	check("abi.evtchn.restrict.first", RESTRICT(0, 0),
	      restrict_to(r, TARGET));
	/* Linux: any second restrict is EACCES, decided before the copy. */
	check("abi.evtchn.restrict.same-domid", RESTRICT(0, -EACCES),
	      restrict_to(r, TARGET));
	check("abi.evtchn.restrict.other-domid", RESTRICT(-EPERM, -EACCES),
	      restrict_to(r, OTHER));
	check("abi.evtchn.restrict.null-arg-restricted",
	      RESTRICT(-EFAULT, -EACCES),
	      xioctl(r, IOCTL_EVTCHN_RESTRICT_DOMID, NULL));
	restricted(r);
	xclose(r);

	bound_before(path);

	r = xopen(path);
	restrict_to(r, TARGET);
	sharing(path, r);
	xclose(r);
}
