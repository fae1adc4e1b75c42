/* SPDX-License-Identifier: MIT */
/*
 * The default world and the world-file reader.  A world file is lines of
 * words (full grammar in docs/world-files.md):
 *
 *   domain ID [pv|hvm] [vcpus=N] [pages=N] [max-pages=N] [max-evtchn=N]
 *          [max-grant-frames=N] [target=D] [xs-target=D]
 *   unbound DOM REMOTE [publish]
 *   grant DOM REF GRANTEE GFN [ro] [publish]
 *
 * A grant names the granter's page by gfn; a PV granter's entry then holds
 * that page's machine frame, as a PV guest's would (xensim/machine.h).
 * "publish" (DOM 0 only) also writes the number in the other domain's
 * xenstore directory, as the xen-domu fixture's dom0 does
 * (vm-images/domu/dom0.sh); a grant of dom0's page gives dom0 that page
 * first (the sim models dom0's memory only where a line names it).
 * Domain 0 always exists.  Errors name file:line and the reason.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xensim/machine.h>

#include "layout.h"

/* Xen reserves the first grant refs for the toolstack (GNTTAB_NR_RESERVED_ENTRIES). */
#define FIRST_FREE_GREF	8u
/* The longest line, without its newline (docs/world-files.md). */
#define MAX_LINE	1022u

static int add_domain(struct xsim_world *w, uint32_t domid, bool hvm,
		      uint32_t vcpus, uint64_t pages, uint64_t max_pages,
		      uint32_t max_evtchn, uint32_t max_gframes)
{
	struct xsim_caller dom0 = { .w = w, .domid = 0,
				    .handle = XSIM_EFF_NO_HANDLE };
	struct xsim_domain_config cfg = {
		.domid = domid,
		.hvm = hvm,
		.max_vcpus = vcpus,
		.max_pages = max_pages,
		.max_evtchn_port = max_evtchn,
		.max_grant_frames = max_gframes,
	};
	uint16_t id;
	int rc;

	cfg.handle[0] = (uint8_t)domid;
	cfg.handle[15] = 0x5a;
	rc = xsim_domain_create(&dom0, &cfg, &id);
	if (!rc && pages)
		rc = xsim_mem_populate(&dom0, id, 0, pages);
	if (!rc)
		rc = xsim_gnttab_setup(&dom0, id, 1);
	return rc;
}

/*
 * The default world: guests 1 and 2 are HVM (so device-model operations on
 * them succeed), guest 3 is PV (so those answer EINVAL, as Xen does for a
 * PV target).  Each has 1 vcpu, 256 pages of patterned memory, one unbound
 * port offered to dom0, and grant refs 8..11 granting gfns 0..3 to dom0
 * (ref 11 read-only); guest 3's entries hold those pages' machine frames.
 */
int xsim_world_populate_default(struct xsim_world *w)
{
	struct xsim_caller self;
	uint32_t d, r, port;
	int rc = 0;

	xsim_lock(w);
	for (d = 1; d <= 3 && !rc; d++) {
		rc = add_domain(w, d, d != 3, 1, 256, 1024, 0, 0);
		self = (struct xsim_caller){ .w = w, .domid = (uint16_t)d,
					     .handle = XSIM_EFF_NO_HANDLE };
		if (!rc)
			rc = xsim_evtchn_alloc_unbound(&self, XSIM_DOMID_SELF, 0,
						       &port);
		for (r = 0; r < 4 && !rc; r++)
			rc = xsim_gnttab_grant(w, d, FIRST_FREE_GREF + r, 0, r,
					       r == 3);
	}
	xsim_unlock(w);
	return rc;
}

struct parser {
	const char *path;
	unsigned line;
	char *err;
	size_t errlen;
};

__attribute__((format(printf, 2, 3)))
static int fail(struct parser *p, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(p->err, p->errlen, "%s:%u: ", p->path, p->line);
	if (n < 0 || (size_t)n >= p->errlen)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* A whole unsigned number no larger than max. */
static int number(struct parser *p, const char *what, const char *s,
		  uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || *s == '-')
		return fail(p, "%s: expected a number, got '%s'", what,
			    s ? s : "");
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end)
		return fail(p, "%s: '%s' is not a number", what, s);
	if (v > max)
		return fail(p, "%s: %llu is out of range (max %llu)", what, v,
			    (unsigned long long)max);
	*out = v;
	return 0;
}

static int domid_word(struct parser *p, const char *what, const char *s,
		      uint64_t *out)
{
	return number(p, what, s, XSIM_DOMID_FIRST_RESERVED - 1, out);
}

static int existing(struct parser *p, struct xsim_world *w, const char *what,
		    const char *s, uint64_t *out)
{
	int rc = domid_word(p, what, s, out);

	if (!rc && !xsim_domain_exists(w, (uint32_t)*out))
		return fail(p, "%s: domain %s is not defined (yet)", what, s);
	return rc;
}

static int parse_domain(struct parser *p, struct xsim_world *w, char **tok,
			int n)
{
	uint64_t domid, vcpus = 1, pages = 256, max_pages = 0, max_evtchn = 0;
	uint64_t max_gf = 0, target = XSIM_DOMID_INVALID;
	uint64_t xs_target = XSIM_DOMID_INVALID;
	bool hvm = false;
	int i, rc;

	if (n < 2)
		return fail(p, "domain: missing domid");
	rc = domid_word(p, "domain", tok[1], &domid);
	if (rc)
		return rc;
	if (domid == 0)
		return fail(p, "domain 0 always exists and cannot be redefined");
	if (xsim_domain_exists(w, (uint32_t)domid))
		return fail(p, "domain %s is defined twice", tok[1]);
	for (i = 2; i < n && !rc; i++) {
		char *eq = strchr(tok[i], '=');
		const char *v = eq ? eq + 1 : NULL;

		if (eq)
			*eq = '\0';
		if (!strcmp(tok[i], "pv") && !eq)
			hvm = false;
		else if (!strcmp(tok[i], "hvm") && !eq)
			hvm = true;
		else if (!strcmp(tok[i], "vcpus"))
			rc = number(p, "vcpus", v, 128, &vcpus);
		else if (!strcmp(tok[i], "pages"))
			rc = number(p, "pages", v, 1u << 20, &pages);
		else if (!strcmp(tok[i], "max-pages"))
			rc = number(p, "max-pages", v, 1u << 24, &max_pages);
		else if (!strcmp(tok[i], "max-evtchn"))
			rc = number(p, "max-evtchn", v, XSIM_EVTCHN_2L_NR - 1,
				    &max_evtchn);
		else if (!strcmp(tok[i], "max-grant-frames"))
			rc = number(p, "max-grant-frames", v,
				    XSIM_GNTTAB_MAX_FRAMES, &max_gf);
		else if (!strcmp(tok[i], "target"))
			rc = existing(p, w, "target", v, &target);
		else if (!strcmp(tok[i], "xs-target"))
			rc = number(p, "xs-target", v, 0xFFFF, &xs_target);
		else
			rc = fail(p, "domain: unknown attribute '%s'", tok[i]);
	}
	if (rc)
		return rc;
	/*
	 * Xen 4.17 xen/common/domain.c sanitise_domain_config refuses a
	 * domain without a vcpu ("No vCPUS", -EINVAL); Xen 4.17.7 crashed
	 * on an event sent to one (docs/reference/linux-6.1-observed.md).
	 */
	if (!vcpus)
		return fail(p, "vcpus=0: Xen creates no domain without a vcpu");
	if (!max_pages)
		max_pages = pages > 1024 ? pages : 1024;
	if (pages > max_pages)
		return fail(p, "pages=%llu exceeds max-pages=%llu",
			    (unsigned long long)pages,
			    (unsigned long long)max_pages);
	rc = add_domain(w, (uint32_t)domid, hvm, (uint32_t)vcpus, pages,
			max_pages, (uint32_t)max_evtchn, (uint32_t)max_gf);
	if (rc)
		return fail(p, "domain %s: cannot create: %s", tok[1],
			    strerror(-rc));
	if (target != XSIM_DOMID_INVALID)
		xsim_dom_get(w, (uint32_t)domid)->target = (uint16_t)target;
	xsim_dom_get(w, (uint32_t)domid)->xs_target = (uint16_t)xs_target;
	return 0;
}

/*
 * "publish": dom0 writes the number in the other domain's xenstore
 * directory (data/xrc-offer-port or data/xrc-offer-gref), once.  Only
 * dom0 publishes, for a domU that exists.
 */
static int publish_check(struct parser *p, struct xsim_world *w,
			 uint64_t dom, uint64_t to, enum xsim_xs_offer what)
{
	const char *key = what == XSIM_XS_OFFER_PORT ? "xrc-offer-port" :
						    "xrc-offer-gref";

	if (dom != 0)
		return fail(p, "publish: only dom0 publishes an offer (domain %llu is not dom0)",
			    (unsigned long long)dom);
	if (to == 0 || !xsim_domain_exists(w, (uint32_t)to))
		return fail(p, "publish: domain %llu is not a defined domU",
			    (unsigned long long)to);
	if (xsim_domain_xs_offer(w, (uint32_t)to, what) != XSIM_XS_NO_OFFER)
		return fail(p, "publish: domain %llu already has a data/%s",
			    (unsigned long long)to, key);
	return 0;
}

/*
 * dom0's page gfn, populated (and patterned) unless it is already: the
 * sim gives dom0 memory only where a grant line names it.
 */
static int dom0_page(struct parser *p, struct xsim_world *w, uint64_t gfn)
{
	struct xsim_caller dom0 = { .w = w, .domid = 0,
				    .handle = XSIM_EFF_NO_HANDLE };
	int rc = xsim_mem_populate(&dom0, 0, gfn, 1);

	return rc ? fail(p, "grant: dom0's page %llu: %s",
			 (unsigned long long)gfn, strerror(-rc)) : 0;
}

static int parse_line(struct parser *p, struct xsim_world *w, char *line)
{
	char *tok[16], *save = NULL, *t;
	int n = 0, rc;

	for (t = strtok_r(line, " \t\r\n", &save); t && n < 16;
	     t = strtok_r(NULL, " \t\r\n", &save))
		tok[n++] = t;
	if (t)
		return fail(p, "too many words");
	if (!n)
		return 0;
	if (!strcmp(tok[0], "domain"))
		return parse_domain(p, w, tok, n);
	if (!strcmp(tok[0], "unbound")) {
		uint64_t dom, remote;
		uint32_t port;
		struct xsim_caller c = { .w = w, .handle = XSIM_EFF_NO_HANDLE };
		bool publish = n == 4 && !strcmp(tok[3], "publish");

		if (n != 3 && !publish)
			return fail(p, "unbound: expected 'unbound DOM REMOTE [publish]'");
		rc = existing(p, w, "unbound", tok[1], &dom);
		if (!rc)
			rc = existing(p, w, "unbound remote", tok[2], &remote);
		if (!rc && publish)
			rc = publish_check(p, w, dom, remote,
					   XSIM_XS_OFFER_PORT);
		if (rc)
			return rc;
		c.domid = (uint16_t)dom;
		rc = xsim_evtchn_alloc_unbound(&c, XSIM_DOMID_SELF,
					       (uint32_t)remote, &port);
		if (rc)
			return fail(p, "unbound: %s", strerror(-rc));
		if (publish)
			rc = xsim_domain_set_xs_offer(w, (uint32_t)remote,
						      XSIM_XS_OFFER_PORT, port);
		return rc ? fail(p, "unbound: publish: %s", strerror(-rc)) : 0;
	}
	if (!strcmp(tok[0], "grant")) {
		uint64_t dom, ref, grantee, gfn;
		bool ro = false, publish = false;
		int i;

		if (n < 5 || n > 7)
			return fail(p, "grant: expected 'grant DOM REF GRANTEE GFN [ro] [publish]'");
		for (i = 5; i < n; i++) {
			bool *flag = !strcmp(tok[i], "ro") ? &ro :
				     !strcmp(tok[i], "publish") ? &publish :
				     NULL;

			if (!flag)
				return fail(p, "grant: unknown flag '%s'", tok[i]);
			if (*flag)
				return fail(p, "grant: flag '%s' given twice",
					    tok[i]);
			*flag = true;
		}
		rc = existing(p, w, "grant", tok[1], &dom);
		if (!rc)
			rc = number(p, "grant ref", tok[2],
				    XSIM_GNTTAB_MAX_FRAMES *
				    XSIM_GNTTAB_ENTRIES_PER_FRAME - 1, &ref);
		if (!rc)
			rc = domid_word(p, "grantee", tok[3], &grantee);
		if (!rc)
			rc = number(p, "gfn", tok[4], XSIM_GFN_LIMIT - 1, &gfn);
		if (!rc && publish)
			rc = publish_check(p, w, dom, grantee,
					   XSIM_XS_OFFER_GREF);
		if (!rc && dom == 0)
			rc = dom0_page(p, w, gfn);
		if (rc)
			return rc;
		rc = xsim_gnttab_grant(w, (uint32_t)dom, (uint32_t)ref,
				       (uint32_t)grantee, gfn, ro);
		if (rc == -EINVAL &&
		    xsim_mem_frame_of_gfn(w, (uint32_t)dom, gfn, &gfn))
			return fail(p, "grant: gfn of a PV domain that is not populated (its entry needs the page's machine frame)");
		if (rc)
			return fail(p, "grant: %s", strerror(-rc));
		if (publish)
			rc = xsim_domain_set_xs_offer(w, (uint32_t)grantee,
						      XSIM_XS_OFFER_GREF,
						      (uint32_t)ref);
		return rc ? fail(p, "grant: publish: %s", strerror(-rc)) : 0;
	}
	return fail(p, "unknown directive '%s'", tok[0]);
}

/*
 * Read the next line into buf (NUL-terminated, without its newline):
 * 1, 0 at the end of the file, or a negative errno with p->err set.
 */
static int next_line(struct parser *p, FILE *f, char *buf)
{
	size_t n = 0;
	int c;

	while ((c = getc(f)) != EOF && c != '\n') {
		if (c == '\0') {
			p->line++;
			return fail(p, "NUL byte at column %zu", n + 1);
		}
		if (n == MAX_LINE) {
			p->line++;
			return fail(p, "line too long (max %u characters)",
				    MAX_LINE);
		}
		buf[n++] = (char)c;
	}
	if (c == EOF && ferror(f)) {
		p->line++;
		return fail(p, "read error");
	}
	if (c == EOF && !n)
		return 0;
	buf[n] = '\0';
	p->line++;
	return 1;
}

/*
 * Open path for reading if it is a regular file.  O_NONBLOCK first: a
 * FIFO opened for reading would wait for a writer (and a program started
 * with XENSIM_WORLD=<a FIFO> hang in its first open); a device could be
 * endless.  Regular files ignore O_NONBLOCK.
 */
static FILE *open_regular(const char *path, char *err, size_t errlen,
			  int *rc)
{
	struct stat st;
	FILE *f;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		*rc = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st)) {
		*rc = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		*rc = -EINVAL;
		snprintf(err, errlen, "%s: not a regular file (%s)", path,
			 S_ISFIFO(st.st_mode) ? "a FIFO" :
			 S_ISDIR(st.st_mode) ? "a directory" :
			 S_ISCHR(st.st_mode) ? "a character device" :
			 S_ISSOCK(st.st_mode) ? "a socket" : "a device");
		close(fd);
		return NULL;
	}
	f = fdopen(fd, "r");
	if (!f) {
		*rc = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
	}
	return f;
}

int xsim_world_load_file(struct xsim_world *w, const char *path, char *err,
			 size_t errlen)
{
	struct parser p = { .path = path, .err = err, .errlen = errlen };
	char buf[MAX_LINE + 1];
	FILE *f;
	int rc = 0, more;

	f = open_regular(path, err, errlen, &rc);
	if (!f)
		return rc;
	xsim_lock(w);
	while (!rc && (more = next_line(&p, f, buf)) != 0) {
		char *hash;

		if (more < 0) {
			rc = more;
			break;
		}
		hash = strchr(buf, '#');
		if (hash)
			*hash = '\0';
		rc = parse_line(&p, w, buf);
	}
	xsim_unlock(w);
	fclose(f);
	return rc;
}
