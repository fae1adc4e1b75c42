/* SPDX-License-Identifier: MIT */
/*
 * A read-only xenstore made of what the world says (sim/dev/xenstore.h),
 * answering as Xen 4.17's xenstored (tools/xenstore/xenstored_core.c).
 *
 * The tree: "/", xenstored's own "/tool/xenstored", "/local",
 * "/local/domain", and for every domain D of the
 * world (and the caller's own domain, which exists since it runs)
 * "/local/domain/D" with "domid" (written by xen-init-dom0 for dom0 and
 * by libxl for a guest) and, when the world gives D an xs-target,
 * "target", and, when the world publishes dom0's offers to D (world
 * file "publish"), "data/xrc-offer-port" and "data/xrc-offer-gref" (the
 * xen-domu fixture's keys, vm-images/domu/dom0.sh).  Permissions are those the toolstack sets: dom0 reads
 * everything; a guest reads its own /local/domain/D subtree (libxl gives
 * it read access there) and nothing else.  As get_node() and
 * errno_from_parents() do, a missing node is ENOENT only when the
 * caller may read its nearest existing ancestor, EACCES otherwise, so
 * that a refusal says nothing of what exists.
 *
 * Answered: READ, DIRECTORY, GET_DOMAIN_PATH, and TRANSACTION_END
 * (there is never a transaction).  The operations only dom0 may make
 * (XS_FLAG_PRIV) are EACCES from a guest, as process_message checks
 * first.  Every other operation, the writes included, is XS_ERROR
 * "ENOSYS", as process_message answers an operation it has no handler
 * for: the world is the only writer.
 * XS_SET_TARGET's privilege (a device model reading its guest's keys)
 * is not modelled.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xensim/machine.h>
#include <xensim/xen-const.h>

#include "xenstore.h"

#define LOCAL_DOMAIN	"/local/domain/"
/* "/local/domain/" + a relative path of at most the payload. */
#define PATH_BUF	(sizeof(LOCAL_DOMAIN) + 6 + XSIM_XS_PAYLOAD_MAX)

/* xs_wire.h xsd_errors[], in its order: index 0 is the fallback. */
static const struct {
	int err;
	const char *name;
} xs_errors[] = {
	{ EINVAL, "EINVAL" }, { EACCES, "EACCES" }, { EEXIST, "EEXIST" },
	{ EISDIR, "EISDIR" }, { ENOENT, "ENOENT" }, { ENOMEM, "ENOMEM" },
	{ ENOSPC, "ENOSPC" }, { EIO, "EIO" }, { ENOTEMPTY, "ENOTEMPTY" },
	{ ENOSYS, "ENOSYS" }, { EROFS, "EROFS" }, { EBUSY, "EBUSY" },
	{ EAGAIN, "EAGAIN" }, { EISCONN, "EISCONN" }, { E2BIG, "E2BIG" },
	{ EPERM, "EPERM" },
};

const char *xsim_xs_errname(int err)
{
	size_t i;

	for (i = 0; i < sizeof(xs_errors) / sizeof(xs_errors[0]); i++)
		if (xs_errors[i].err == err)
			return xs_errors[i].name;
	return xs_errors[0].name;	/* send_error: "untranslatable" */
}

/* send_error(): XS_ERROR, the name with its NUL. */
static uint32_t error_reply(int err, char *out, uint32_t *rtype)
{
	const char *name = xsim_xs_errname(err);
	uint32_t n = (uint32_t)strlen(name) + 1;

	memcpy(out, name, n);
	*rtype = XSIM_XS_ERROR;
	return n;
}

/* onearg(): the payload is exactly one NUL-terminated string, or NULL. */
static const char *onearg(const char *body, uint32_t len)
{
	if (!len || memchr(body, '\0', len) != body + len - 1)
		return NULL;
	return body;
}

/* valid_chars() and is_valid_nodename() of xenstored_core.c. */
static bool valid_nodename(const char *node)
{
	size_t n = strlen(node), local_off = 0, i;

	if (node[0] != '/')
		return false;
	if (n > 1 && node[n - 1] == '/')
		return false;
	if (strstr(node, "//"))
		return false;
	/* sscanf(node, "/local/domain/%5u/%n"): the quota is per domain. */
	if (!strncmp(node, LOCAL_DOMAIN, strlen(LOCAL_DOMAIN))) {
		i = strlen(LOCAL_DOMAIN);
		while (i < n && i < strlen(LOCAL_DOMAIN) + 5 &&
		       node[i] >= '0' && node[i] <= '9')
			i++;
		if (i > strlen(LOCAL_DOMAIN) && node[i] == '/')
			local_off = i + 1;
	}
	if (n > local_off + XSIM_XS_REL_PATH_MAX)
		return false;
	return strspn(node, "abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789-/_@") == n;
}

/* canonicalize(): a relative path is under the caller's own directory. */
static void canonicalize(uint16_t caller, const char *node, char *out)
{
	if (node[0] == '/' || node[0] == '@')
		snprintf(out, PATH_BUF, "%s", node);
	else
		snprintf(out, PATH_BUF, LOCAL_DOMAIN "%u/%s", caller, node);
}

/* The nodes there are. */
enum node_kind {
	N_ROOT, N_TOOL, N_TOOL_XS, N_LOCAL, N_DOMAINS, N_DOM, N_DOMID, N_TARGET,
	N_DATA, N_OFFER_PORT, N_OFFER_GREF
};

struct node {
	enum node_kind kind;
	uint16_t dom;		/* N_DOM and below: whose directory */
};

/* Is domain d's directory there?  The caller's always is. */
static bool dom_dir_exists(struct xsim_world *w, uint16_t caller, uint32_t d)
{
	return d == caller || xsim_domain_exists(w, d);
}

/* Has dom0 published anything for domain d (world file "publish")? */
static bool has_offer(struct xsim_world *w, uint32_t d)
{
	return xsim_domain_xs_offer(w, d, XSIM_XS_OFFER_PORT) !=
	       XSIM_XS_NO_OFFER ||
	       xsim_domain_xs_offer(w, d, XSIM_XS_OFFER_GREF) !=
	       XSIM_XS_NO_OFFER;
}

/* A canonical decimal domid ("0", "12"; not "012"): its value, or -1. */
static long domid_component(const char *s, size_t n)
{
	long v = 0;
	size_t i;

	if (!n || n > 5 || (n > 1 && s[0] == '0'))
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v < (long)XSIM_DOMID_FIRST_RESERVED ? v : -1;
}

/*
 * The node at canonical path, 0; -ENOENT when it does not exist.
 * *subtree is the domain whose /local/domain/D subtree the path lies in
 * (existing or not), or -1.
 */
static int lookup(struct xsim_world *w, uint16_t caller, const char *path,
		  struct node *nd, long *subtree)
{
	const char *rest, *slash;
	long d;

	*subtree = -1;
	if (!strcmp(path, "/"))
		return nd->kind = N_ROOT, 0;
	/* setup_structure(): xenstored's own nodes. */
	if (!strcmp(path, "/tool"))
		return nd->kind = N_TOOL, 0;
	if (!strcmp(path, "/tool/xenstored"))
		return nd->kind = N_TOOL_XS, 0;
	if (!strcmp(path, "/local"))
		return nd->kind = N_LOCAL, 0;
	if (!strcmp(path, "/local/domain"))
		return nd->kind = N_DOMAINS, 0;
	if (strncmp(path, LOCAL_DOMAIN, strlen(LOCAL_DOMAIN)))
		return -ENOENT;
	rest = path + strlen(LOCAL_DOMAIN);
	slash = strchr(rest, '/');
	d = domid_component(rest, slash ? (size_t)(slash - rest) : strlen(rest));
	if (d < 0)
		return -ENOENT;
	*subtree = d;
	if (!dom_dir_exists(w, caller, (uint32_t)d))
		return -ENOENT;
	nd->dom = (uint16_t)d;
	if (!slash)
		return nd->kind = N_DOM, 0;
	if (!strcmp(slash, "/domid"))
		return nd->kind = N_DOMID, 0;
	if (!strcmp(slash, "/target") &&
	    xsim_domain_xs_target(w, (uint32_t)d) != XSIM_DOMID_INVALID)
		return nd->kind = N_TARGET, 0;
	/* What dom0 published for the domain (its data/ directory). */
	if (!strcmp(slash, "/data") && has_offer(w, (uint32_t)d))
		return nd->kind = N_DATA, 0;
	if (!strcmp(slash, "/data/xrc-offer-port") &&
	    xsim_domain_xs_offer(w, (uint32_t)d, XSIM_XS_OFFER_PORT) !=
	    XSIM_XS_NO_OFFER)
		return nd->kind = N_OFFER_PORT, 0;
	if (!strcmp(slash, "/data/xrc-offer-gref") &&
	    xsim_domain_xs_offer(w, (uint32_t)d, XSIM_XS_OFFER_GREF) !=
	    XSIM_XS_NO_OFFER)
		return nd->kind = N_OFFER_GREF, 0;
	return -ENOENT;
}

/*
 * get_node() for reading: 0 and the node, or the errno xenstored gives.
 * Only dom0 and the owner of a /local/domain/D subtree may read in it;
 * no guest may read outside its own.
 */
static int get_node(struct xsim_world *w, uint16_t caller, const char *path,
		    struct node *nd)
{
	long subtree;
	int rc;

	if (!valid_nodename(path))
		return -EINVAL;
	rc = lookup(w, caller, path, nd, &subtree);
	/* perm_for_conn() of the node, or of the nearest existing parent. */
	if (caller != 0 && subtree != caller)
		return -EACCES;
	return rc;
}

/* The value of a node: "" for a directory. */
static uint32_t node_value(struct xsim_world *w, const struct node *nd,
			   char *out)
{
	switch (nd->kind) {
	case N_DOMID:
		return (uint32_t)sprintf(out, "%u", nd->dom);
	case N_TARGET:
		return (uint32_t)sprintf(out, "%u",
					 xsim_domain_xs_target(w, nd->dom));
	case N_OFFER_PORT:
		return (uint32_t)sprintf(out, "%u",
					 xsim_domain_xs_offer(w, nd->dom,
							      XSIM_XS_OFFER_PORT));
	case N_OFFER_GREF:
		return (uint32_t)sprintf(out, "%u",
					 xsim_domain_xs_offer(w, nd->dom,
							      XSIM_XS_OFFER_GREF));
	default:
		return 0;
	}
}

/* Append name and its NUL to out[*n]; false past the payload limit. */
static bool add_child(char *out, uint32_t *n, const char *name)
{
	size_t len = strlen(name) + 1;

	if (*n + len > XSIM_XS_PAYLOAD_MAX)
		return false;
	memcpy(out + *n, name, len);
	*n += (uint32_t)len;
	return true;
}

/* The children of a node, each with its NUL: the length, or -E2BIG. */
static long node_children(struct xsim_world *w, uint16_t caller,
			  const struct node *nd, char *out)
{
	uint32_t n = 0;
	char name[12];
	bool ok = true, caller_listed = false;
	int d;

	switch (nd->kind) {
	case N_ROOT:
		ok = add_child(out, &n, "tool") && add_child(out, &n, "local");
		break;
	case N_TOOL:
		ok = add_child(out, &n, "xenstored");
		break;
	case N_LOCAL:
		ok = add_child(out, &n, "domain");
		break;
	case N_DOMAINS:
		for (d = xsim_domain_next(w, 0); ok && d >= 0;
		     d = xsim_domain_next(w, (uint32_t)d + 1)) {
			if (!caller_listed && caller < d) {
				snprintf(name, sizeof(name), "%u", caller);
				ok = add_child(out, &n, name);
			}
			caller_listed |= caller <= d;
			snprintf(name, sizeof(name), "%d", d);
			ok = ok && add_child(out, &n, name);
		}
		if (ok && !caller_listed) {
			snprintf(name, sizeof(name), "%u", caller);
			ok = add_child(out, &n, name);
		}
		break;
	case N_DOM:
		ok = add_child(out, &n, "domid");
		if (ok && xsim_domain_xs_target(w, nd->dom) != XSIM_DOMID_INVALID)
			ok = add_child(out, &n, "target");
		if (ok && has_offer(w, nd->dom))
			ok = add_child(out, &n, "data");
		break;
	case N_DATA:
		if (xsim_domain_xs_offer(w, nd->dom, XSIM_XS_OFFER_GREF) !=
		    XSIM_XS_NO_OFFER)
			ok = add_child(out, &n, "xrc-offer-gref");
		if (ok && xsim_domain_xs_offer(w, nd->dom, XSIM_XS_OFFER_PORT) !=
		    XSIM_XS_NO_OFFER)
			ok = add_child(out, &n, "xrc-offer-port");
		break;
	default:
		break;
	}
	/* send_reply(): a reply past XENSTORE_PAYLOAD_MAX is E2BIG. */
	return ok ? (long)n : -E2BIG;
}

/* do_read() and do_directory(). */
static int read_or_list(struct xsim_world *w, uint16_t caller, uint32_t type,
			const char *body, uint32_t len, char *out,
			uint32_t *n)
{
	const char *arg = onearg(body, len);
	char path[PATH_BUF];
	struct node nd;
	long rc;

	if (!arg)
		return -EINVAL;
	canonicalize(caller, arg, path);
	rc = get_node(w, caller, path, &nd);
	if (rc)
		return (int)rc;
	if (type == XSIM_XS_READ) {
		*n = node_value(w, &nd, out);
		return 0;
	}
	rc = node_children(w, caller, &nd, out);
	if (rc < 0)
		return (int)rc;
	*n = (uint32_t)rc;
	return 0;
}

/* wire_funcs[] entries flagged XS_FLAG_PRIV: dom0's only. */
static bool priv_only(uint32_t type)
{
	return type == XSIM_XS_CONTROL || type == XSIM_XS_INTRODUCE ||
	       type == XSIM_XS_RELEASE ||
	       type == XSIM_XS_IS_DOMAIN_INTRODUCED ||
	       type == XSIM_XS_RESUME || type == XSIM_XS_SET_TARGET;
}

uint32_t xsim_xs_answer(struct xsim_world *w, uint16_t caller, uint32_t type,
			const char *body, uint32_t len, char *out,
			uint32_t *rtype)
{
	const char *arg;
	uint32_t n = 0;
	int rc;

	/* process_message(): XS_FLAG_PRIV operations, from a guest. */
	if (caller != 0 && priv_only(type))
		return error_reply(EACCES, out, rtype);
	switch (type) {
	case XSIM_XS_READ:
	case XSIM_XS_DIRECTORY:
		rc = read_or_list(w, caller, type, body, len, out, &n);
		break;
	case XSIM_XS_GET_DOMAIN_PATH:
		/* do_get_domain_path(): atoi() of the argument, unchecked. */
		arg = onearg(body, len);
		if (!arg) {
			rc = -EINVAL;
			break;
		}
		n = (uint32_t)snprintf(out, XSIM_XS_PAYLOAD_MAX,
				       LOCAL_DOMAIN "%u",
				       (unsigned)(int)strtol(arg, NULL, 10)) + 1;
		rc = 0;
		break;
	case XSIM_XS_TRANSACTION_END:
		/* do_transaction_end(): "T" or "F", then no transaction. */
		arg = onearg(body, len);
		rc = arg && (!strcmp(arg, "T") || !strcmp(arg, "F")) ?
		     -ENOENT : -EINVAL;
		break;
	default:
		/* process_message(): no handler (or none in this store). */
		rc = -ENOSYS;
		break;
	}
	if (rc)
		return error_reply(-rc, out, rtype);
	*rtype = type;
	return n;
}
