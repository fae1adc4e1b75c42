/* SPDX-License-Identifier: MIT */
/*
 * xrc-replay-real's transcript (fuzz/real/main.c says its format): what a
 * call answered and wrote back, normalized where a real machine and the
 * sim legitimately differ (port and grant ref numbers), and the digest
 * of every page a mapping shows.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <xensim/uapi.h>

#include "real.h"

static sigjmp_buf probe_jmp;
static volatile sig_atomic_t probing;

static unsigned long offset_now(void)
{
	return (unsigned long)(in.p - in_start);
}

const char *label(struct labels *l, char prefix, uint64_t v)
{
	static char buf[4][32];
	static unsigned k;
	char *s = buf[k++ % 4];
	unsigned i;

	for (i = 0; i < l->n && l->v[i] != v; i++)
		;
	if (i == l->n && l->n < MAX_LABELS)
		l->v[l->n++] = v;
	if (i < MAX_LABELS)
		snprintf(s, 32, "%c%u", prefix, i + 1);
	else
		snprintf(s, 32, "%c?", prefix);
	return s;
}

/* "EINVAL", or the number when glibc has no name for it. */
const char *errname(int err)
{
	static char buf[16];
	const char *s = strerrorname_np(err);

	if (s)
		return s;
	snprintf(buf, sizeof(buf), "E%d", err);
	return buf;
}

void result(long rc, int err)
{
	if (rc < 0)
		printf(" = -%s", errname(err));
	else
		printf(" = %ld", rc);
}

void eol(void)
{
	printf(" ;b=%lu\n", offset_now());
}

/* ---- page probes: which pages of a mapping read ---- */

void on_fault(int sig)
{
	if (probing)
		siglongjmp(probe_jmp, 1);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* "F" for a page that faults, else "R" and the FNV-1a digest of its bytes. */
static uint32_t fnv1a_page(const volatile uint8_t *p)
{
	uint32_t sum = 2166136261u;
	unsigned i;

	for (i = 0; i < 4096; i++)
		sum = (sum ^ p[i]) * 16777619u;
	return sum;
}

static void probe_page(uint64_t addr, char *out, size_t n)
{
	snprintf(out, n, "F");
	if (!sigsetjmp(probe_jmp, 1)) {
		uint32_t sum;

		probing = 1;
		sum = fnv1a_page((const volatile uint8_t *)(uintptr_t)addr);
		probing = 0;
		snprintf(out, n, "R%08x", sum);
	}
	probing = 0;
}

/* " map=v0:R1a2b3c4d/F,..." over the live mappings of handle hi. */
void probe_handle(int hi)
{
	char page[16];
	unsigned i, j;
	bool any = false;

	for (i = 0; i < FZ_MAX_VMAS; i++) {
		if (vmas[i].h != hi)
			continue;
		printf("%sv%u:", any ? "," : " map=", i);
		for (j = 0; j < vmas[i].live; j++) {
			probe_page(vmas[i].addr + ((uint64_t)j << 12), page,
				   sizeof(page));
			printf("%s%s", j ? "/" : "", page);
		}
		any = true;
	}
}

void outputs(struct rhandle *rh, const struct fz_call *c, long rc)
{
	unsigned i, n;

	switch (c->cmd) {
	case IOCTL_EVTCHN_BIND_VIRQ:
	case IOCTL_EVTCHN_BIND_INTERDOMAIN:
	case IOCTL_EVTCHN_BIND_UNBOUND_PORT:
		if (dev != XSIM_DEV_EVTCHN || rc < 0)
			break;
		fz_dec_know_port(rh->ports, &rh->nports, (uint32_t)rc);
		break;
	case IOCTL_EVTCHN_BIND_STATIC: {
		uint32_t port;

		if (dev == XSIM_DEV_EVTCHN && rc >= 0 &&
		    !fz_copy_in(&arena, &port, c->arg, sizeof(port)))
			fz_dec_know_port(rh->ports, &rh->nports, port);
		break;
	}
	case IOCTL_GNTDEV_MAP_GRANT_REF:
	case IOCTL_GNTALLOC_ALLOC_GREF: {
		struct ioctl_gntalloc_alloc_gref k;
		uint32_t ref;

		if (rc < 0 || fz_copy_in(&arena, &k, c->arg, 16))
			break;
		printf(" index=%#llx", (unsigned long long)k.index);
		fz_dec_know_index(rh->indices, &rh->nindices, k.index);
		if (c->cmd != IOCTL_GNTALLOC_ALLOC_GREF)
			break;
		n = k.count > 4 ? 4 : k.count;
		for (i = 0; i < n; i++)
			if (!fz_copy_in(&arena, &ref, c->arg + 16 + 4 * i,
					sizeof(ref)))
				printf("%s%s", i ? "," : " grefs=",
				       label(&grefs, 'g', ref));
		break;
	}
	case IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR: {
		struct ioctl_gntdev_get_offset_for_vaddr k;

		if (rc >= 0 && !fz_copy_in(&arena, &k, c->arg, sizeof(k)))
			printf(" offset=%#llx count=%u",
			       (unsigned long long)k.offset, k.count);
		break;
	}
	case IOCTL_PRIVCMD_MMAPBATCH: {
		struct privcmd_mmapbatch k;
		xen_pfn_t g;

		if (fz_copy_in(&arena, &k, c->arg, sizeof(k)) || k.num <= 0)
			break;
		n = k.num > 64 ? 64 : (unsigned)k.num;
		printf(" arr=");
		/* The error bits Linux sets in the gfn (0xf or 0x8 nibble). */
		for (i = 0; i < n; i++)
			if (!fz_copy_in(&arena, &g, (uint64_t)(uintptr_t)k.arr +
					8 * i, sizeof(g)))
				printf("%x", (unsigned)((g >> 28) & 0xf));
			else
				putchar('?');
		break;
	}
	case IOCTL_PRIVCMD_MMAPBATCH_V2: {
		struct privcmd_mmapbatch_v2 k;
		int e;

		if (fz_copy_in(&arena, &k, c->arg, sizeof(k)) || !k.num)
			break;
		n = k.num > 64 ? 64 : k.num;
		printf(" err=");
		for (i = 0; i < n; i++)
			if (!fz_copy_in(&arena, &e, (uint64_t)(uintptr_t)k.err +
					4 * i, sizeof(e)))
				printf("%s%s", i ? "," : "",
				       e ? errname(e < 0 ? -e : e) : "0");
			else
				printf("%s?", i ? "," : "");
		break;
	}
	case IOCTL_PRIVCMD_MMAP_RESOURCE: {
		struct privcmd_mmap_resource k;

		if (rc >= 0 && !fz_copy_in(&arena, &k, c->arg, sizeof(k)) &&
		    !k.addr)
			printf(" num=%llu", (unsigned long long)k.num);
		break;
	}
	default:
		break;
	}
}

void arguments(const struct fz_call *c)
{
	unsigned i, n;

	switch (c->cmd) {
	case IOCTL_PRIVCMD_MMAPBATCH:
	case IOCTL_PRIVCMD_MMAPBATCH_V2: {
		struct privcmd_mmapbatch_v2 k;	/* v1's head is the same */
		xen_pfn_t g;

		if (fz_copy_in(&arena, &k, c->arg, sizeof(k)))
			break;
		n = k.num > 8 ? 8 : k.num;
		printf(" num=%u gfns=", k.num);
		for (i = 0; i < n; i++)
			if (!fz_copy_in(&arena, &g, (uint64_t)(uintptr_t)k.arr +
					8 * i, sizeof(g)))
				printf("%s%#llx", i ? "," : "",
				       (unsigned long long)g);
		break;
	}
	case IOCTL_PRIVCMD_MMAP_RESOURCE: {
		struct privcmd_mmap_resource k;

		if (!fz_copy_in(&arena, &k, c->arg, sizeof(k)))
			printf(" type=%u id=%u idx=%u num=%llu", k.type, k.id,
			       k.idx, (unsigned long long)k.num);
		break;
	}
	case IOCTL_PRIVCMD_DM_OP: {
		struct privcmd_dm_op k;
		struct privcmd_dm_op_buf b;
		uint32_t op;

		if (fz_copy_in(&arena, &k, c->arg, sizeof(k)))
			break;
		printf(" bufs=%u", k.num);
		if (k.num && !fz_copy_in(&arena, &b, (uint64_t)(uintptr_t)k.ubufs,
					 sizeof(b)) &&
		    !fz_copy_in(&arena, &op, (uint64_t)(uintptr_t)b.uptr,
				sizeof(op)))
			printf(" op=%u size=%zu", op, b.size);
		break;
	}
	default:
		break;
	}
}
