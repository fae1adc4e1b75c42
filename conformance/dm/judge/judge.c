/* SPDX-License-Identifier: MIT */
/*
 * What one process (a device model) did to which domains, split at its
 * first restrict, and the verdicts:
 *   FAIL     an escape after the first restrict, through any handle,
 *            including one opened later: the per-process view of the
 *            project's one escape rule (xsim_escape_judge,
 *            <xensim/escape.h>, which the fuzz escape oracle applies per
 *            handle): an effect on any domain but its own, judged when it
 *            happens (a gntdev mmap of a grant recorded before, a grant
 *            device's unmap notification), except the use or release of
 *            what a handle held before the first restrict;
 *   FINDING  a handle of the process opened, used or held after the
 *            first restrict and never restricted: a fresh open() bypasses
 *            the restriction, as the 2016 contract allows.  The OPEN and
 *            CLOSE records show one even if it touched nothing and was
 *            closed at once (QEMU 7.2's legacy backends,
 *            conformance/dm/README.md).
 */
#include <inttypes.h>
#include <stdint.h>
#include <string.h>

#include <xensim/device.h>

#include "judge.h"

#define FRESH_TEXT	"fresh handle unrestricted: the contract's 'a new " \
			"open() bypasses it'"

/* Names of XEN_DMOP_* (xen/include/public/hvm/dm_op.h), for people. */
static const char *dmop_name(uint32_t op)
{
	static const char *const names[] = {
		[1] = "create_ioreq_server", [2] = "get_ioreq_server_info",
		[3] = "map_io_range_to_ioreq_server",
		[4] = "unmap_io_range_from_ioreq_server",
		[5] = "set_ioreq_server_state", [6] = "destroy_ioreq_server",
		[7] = "track_dirty_vram", [8] = "set_pci_intx_level",
		[9] = "set_isa_irq_level", [10] = "set_pci_link_route",
		[11] = "modified_memory", [12] = "set_mem_type",
		[13] = "inject_event", [14] = "inject_msi",
		[15] = "map_mem_type_to_ioreq_server", [16] = "remote_shutdown",
		[17] = "relocate_memory", [18] = "set_irq_level",
		[19] = "nr_vcpus", [20] = "pin_memory_cacheattr",
	};

	return op < sizeof(names) / sizeof(names[0]) && names[op] ?
	       names[op] : NULL;
}

static const char *dev_name(int dev)
{
	static const char *const names[] = {
		[XSIM_DEV_PRIVCMD] = "privcmd", [XSIM_DEV_EVTCHN] = "evtchn",
		[XSIM_DEV_GNTDEV] = "gntdev", [XSIM_DEV_GNTALLOC] = "gntalloc",
		[XSIM_DEV_HYPERCALL] = "hypercall",
		[XSIM_DEV_XSD_PORT] = "xsd_port", [XSIM_DEV_XSD_KVA] = "xsd_kva",
		[XSIM_DEV_CAPABILITIES] = "capabilities",
		[XSIM_DEV_XENBUS] = "xenbus",
	};
	_Static_assert(sizeof(names) / sizeof(names[0]) == XSIM_NR_DEV_KINDS,
		       "a name for every device kind");

	return dev >= 0 && dev < XSIM_NR_DEV_KINDS ? names[dev] : "?";
}

void dmj_init(struct dm_judge *j, FILE *out, uint32_t pid, uint16_t own)
{
	memset(j, 0, sizeof(*j));
	j->out = out;
	j->pid = pid;
	j->own = own;
	j->first_restrict = UINT64_MAX;
}

static struct dmj_handle *find(struct dm_judge *j, uint32_t id)
{
	unsigned i;

	for (i = 0; i < j->nr; i++)
		if (j->h[i].id == id)
			return &j->h[i];
	return NULL;
}

static struct dmj_handle *handle(struct dm_judge *j, uint32_t id,
				 uint64_t seq)
{
	struct dmj_handle *h = find(j, id);

	if (h)
		return h;
	if (j->nr == DMJ_MAX_HANDLES) {
		j->dropped++;
		return NULL;
	}
	h = &j->h[j->nr++];
	*h = (struct dmj_handle){ .id = id, .dev = -1, .first_seq = seq };
	xsim_escape_held_init(&h->held, h->held_slot, DMJ_HELD_SLOTS);
	return h;
}

/* The device an effect shows the handle to be, when the op says so. */
static int dev_of(const struct xsim_effect *e)
{
	switch (e->op) {
	case XSIM_OP_EVTCHN: return XSIM_DEV_EVTCHN;
	case XSIM_OP_GNTTAB: return -1;	/* gntdev or gntalloc */
	case XSIM_OP_RESTRICT:
	case XSIM_OP_HANDLE: return (int)e->subop;
	default: return XSIM_DEV_PRIVCMD;
	}
}

static void count(struct dmj_handle *h, int after, const struct xsim_effect *e)
{
	struct dmj_dom_use *d = NULL;
	unsigned i;

	for (i = 0; i < h->nr_dom[after]; i++)
		if (h->dom[after][i].domid == e->domid)
			d = &h->dom[after][i];
	if (!d) {
		if (h->nr_dom[after] == DMJ_MAX_DOMS)
			return;
		d = &h->dom[after][h->nr_dom[after]++];
		*d = (struct dmj_dom_use){ .domid = e->domid };
	}
	d->n++;
	for (i = 0; i < d->nr_ops; i++) {
		struct dmj_op_count *o = &d->ops[i];

		if (o->op == e->op && o->kind == e->kind &&
		    o->subop == e->subop) {
			o->n++;
			return;
		}
	}
	if (d->nr_ops < DMJ_MAX_OPS)
		d->ops[d->nr_ops++] = (struct dmj_op_count){ .op = e->op,
			.kind = e->kind, .subop = e->subop, .n = 1 };
}

void dmj_effect(struct dm_judge *j, const struct xsim_effect *e)
{
	struct xsim_escape_scope sc;
	struct dmj_handle *h;
	int after;

	if (e->pid != j->pid) {
		/*
		 * A handle of the process closed by another one (a world's
		 * clean-up of a dead process's handles, sim/dev/device.c).
		 */
		h = find(j, e->handle);
		if (e->kind == XSIM_EFF_CLOSE && h && !h->closed) {
			h->closed = true;
			h->close_seq = e->seq;
		}
		return;
	}
	/*
	 * No handle: Xen acting on a domain's behalf inside an operation
	 * of this process (ioreq server ports, sim/machine/dm_op.c), which
	 * the operation's own record already stands for.
	 */
	if (e->handle == XSIM_EFF_NO_HANDLE) {
		j->on_behalf++;
		return;
	}
	h = handle(j, e->handle, e->seq);
	if (!h)
		return;
	if (h->dev < 0)
		h->dev = dev_of(e);
	/* Handle life, not a touch of a domain. */
	if (e->kind == XSIM_EFF_OPEN) {
		h->dev = (int)e->subop;
		h->caller = e->domid;
		h->opened = true;
		h->open_seq = e->seq;
		return;
	}
	if (e->kind == XSIM_EFF_CLOSE) {
		h->closed = true;
		h->close_seq = e->seq;
		return;
	}
	if (e->kind == XSIM_EFF_RESTRICT) {
		if (j->first_restrict == UINT64_MAX)
			j->first_restrict = e->seq;
		if (!h->restricted) {
			h->restricted = true;
			h->target = e->domid;
			h->restrict_seq = e->seq;
		}
		return;
	}
	after = j->first_restrict != UINT64_MAX && e->seq > j->first_restrict;
	/* The process's first restrict keys the rule, for every handle. */
	sc = (struct xsim_escape_scope){
		.restricted = after, .target = j->own, .caller = h->caller,
		.dev = h->dev, .held = &h->held,
	};
	switch (xsim_escape_judge(&sc, e)) {
	case XSIM_ESCAPE_REFUSED:
		fprintf(j->out, "refused: after restricting, handle %u/%u "
			"(%s) was not let touch domain %u: %s %u (effect "
			"#%llu)\n", e->handle & 0xFFFFFF, e->handle >> 24,
			dev_name(h->dev), e->domid, xsim_effect_op_name(e->op),
			e->subop, (unsigned long long)e->seq);
		j->refused++;
		return;
	case XSIM_ESCAPE_NONE:
		return;
	case XSIM_ESCAPE_BEFORE:
		xsim_escape_note(&h->held, e);
		break;
	case XSIM_ESCAPE_CARRIED:
		j->carried++;
		break;
	case XSIM_ESCAPE_TARGET:
		break;
	case XSIM_ESCAPE_YES:
		fprintf(j->out, "FAIL: after restricting, handle %u/%u (%s) "
			"touched domain %u: %s %s %u (effect #%llu)\n",
			e->handle & 0xFFFFFF, e->handle >> 24, dev_name(h->dev),
			e->domid, xsim_effect_kind_name(e->kind),
			xsim_effect_op_name(e->op), e->subop,
			(unsigned long long)e->seq);
		j->fails++;
		break;
	}
	count(h, after, e);
}

static void finding(struct dm_judge *j, struct dmj_handle *h, int dev,
		    uint32_t slot, uint32_t gen, const char *how,
		    const char *then)
{
	if (h) {
		if (h->flagged)
			return;
		h->flagged = true;
	}
	fprintf(j->out, "FINDING: %s handle %u/%u of pid %u %s after the "
		"restrict, never restricted%s: " FRESH_TEXT "\n",
		dev_name(dev), slot, gen, j->pid, how, then);
	j->findings++;
}

/* ", closed at #B, touched domain 5 (2 effects)": its life after opening. */
static void life_after(const struct dmj_handle *h, char *buf, size_t len)
{
	size_t n = 0;
	unsigned i;

	if (h->closed)
		n += (size_t)snprintf(buf, len, ", closed at #%" PRIu64,
				      h->close_seq);
	else
		n += (size_t)snprintf(buf, len, ", still open");
	if (!h->nr_dom[1]) {
		snprintf(buf + n, len - n, ", touched nothing");
		return;
	}
	for (i = 0; i < h->nr_dom[1] && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s domain %u (%u "
				      "effects)", i ? "," : ", touched",
				      h->dom[1][i].domid, h->dom[1][i].n);
}

void dmj_fresh_from_log(struct dm_judge *j)
{
	unsigned i;

	if (j->first_restrict == UINT64_MAX)
		return;
	for (i = 0; i < j->nr; i++) {
		struct dmj_handle *h = &j->h[i];
		char how[40], then[160];

		if (h->restricted)
			continue;
		/*
		 * The log saw it born: whatever it did, or nothing.  Only the
		 * four devices that reach domains have a restrict to bypass.
		 */
		if (h->opened && h->open_seq > j->first_restrict &&
		    h->dev >= 0 && h->dev < XSIM_NR_DEVS) {
			snprintf(how, sizeof(how), "was opened at #%" PRIu64,
				 h->open_seq);
			life_after(h, then, sizeof(then));
			finding(j, h, h->dev, h->id & 0xFFFFFF, h->id >> 24,
				how, then);
		} else if (h->nr_dom[1]) {
			finding(j, h, h->dev, h->id & 0xFFFFFF, h->id >> 24,
				h->first_seq > j->first_restrict ?
				"was opened and used" : "was used", "");
		}
	}
}

void dmj_live_handle(struct dm_judge *j, int dev, uint32_t slot,
		     uint32_t gen, bool restricted)
{
	/* The log's handle id keeps the generation's low byte. */
	uint32_t id = (slot & 0xFFFFFF) | (gen & 0xFF) << 24;

	if (j->first_restrict == UINT64_MAX || restricted ||
	    dev < 0 || dev >= XSIM_NR_DEVS)
		return;
	finding(j, find(j, id), dev, slot, gen & 0xFF, "is open", "");
}

static void print_doms(const struct dm_judge *j, const struct dmj_handle *h,
		       int after)
{
	unsigned i, k;

	if (!h->nr_dom[after]) {
		fprintf(j->out, "      %s: nothing\n", after ? "after " : "before");
		return;
	}
	for (i = 0; i < h->nr_dom[after]; i++) {
		const struct dmj_dom_use *d = &h->dom[after][i];

		fprintf(j->out, "      %s: domain %u%s, %u effects:",
			after ? "after " : "before", d->domid,
			d->domid == j->own ? " (own)" : "", d->n);
		for (k = 0; k < d->nr_ops; k++) {
			const struct dmj_op_count *o = &d->ops[k];
			const char *sub = o->op == XSIM_OP_DM_OP ?
					  dmop_name(o->subop) : NULL;

			if (sub)
				fprintf(j->out, " %s/%s",
					xsim_effect_op_name(o->op), sub);
			else
				fprintf(j->out, " %s/%u",
					xsim_effect_op_name(o->op), o->subop);
			fprintf(j->out, "(%s)x%u", xsim_effect_kind_name(o->kind),
				o->n);
		}
		fputc('\n', j->out);
	}
}

unsigned dmj_report(struct dm_judge *j, bool expect_restrict)
{
	unsigned i, touched_after = 0;

	fprintf(j->out, "pid %u, device model of domain %u: %u handles in the "
		"effect log; first restrict ", j->pid, j->own, j->nr);
	if (j->first_restrict == UINT64_MAX)
		fprintf(j->out, "never\n");
	else
		fprintf(j->out, "at effect #%llu\n",
			(unsigned long long)j->first_restrict);
	for (i = 0; i < j->nr; i++) {
		const struct dmj_handle *h = &j->h[i];

		fprintf(j->out, "  handle %u/%u %s: ", h->id & 0xFFFFFF,
			h->id >> 24, dev_name(h->dev));
		if (h->restricted)
			fprintf(j->out, "restricted to %u at #%llu", h->target,
				(unsigned long long)h->restrict_seq);
		else
			fprintf(j->out, "never restricted");
		if (h->opened)
			fprintf(j->out, "; opened at #%" PRIu64, h->open_seq);
		if (h->closed)
			fprintf(j->out, "%s closed at #%" PRIu64,
				h->opened ? "," : ";", h->close_seq);
		fputc('\n', j->out);
		print_doms(j, h, 0);
		print_doms(j, h, 1);
		touched_after += h->nr_dom[1];
	}
	if (j->dropped) {
		/* Unjudged handles must not pass silently. */
		fprintf(j->out, "FAIL: %u handles beyond the report's %d were "
			"not judged\n", j->dropped, DMJ_MAX_HANDLES);
		j->fails++;
	}
	if (expect_restrict && j->first_restrict == UINT64_MAX) {
		fprintf(j->out, "FAIL: pid %u never restricted a handle\n",
			j->pid);
		j->fails++;
	}
	if (!j->fails)
		fprintf(j->out, "ok: %s\n", j->first_restrict == UINT64_MAX ?
			"no restrict, nothing to judge" :
			j->carried ? "after restricting, only its own domain "
			"was touched, and what it held before" :
			touched_after ? "after restricting, only its own "
			"domain was touched" :
			"nothing touched after restricting");
	if (j->on_behalf)
		fprintf(j->out, "  (%u effects without a handle: Xen acting "
			"for a domain inside those operations)\n", j->on_behalf);
	if (j->carried)
		fprintf(j->out, "  (%u effects on other domains were the use or "
			"release of ports and grants held before the "
			"restrict)\n", j->carried);
	if (j->refused)
		fprintf(j->out, "  (%u deferred effects on other domains were "
			"refused by the devices)\n", j->refused);
	fprintf(j->out, "summary: %u FAIL, %u FINDING\n", j->fails,
		j->findings);
	return j->fails;
}
