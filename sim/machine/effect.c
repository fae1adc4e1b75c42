/* SPDX-License-Identifier: MIT */
/*
 * The effect log ring.  Writers claim a sequence number with one atomic
 * add and publish the record by storing its seq last, so recording costs
 * no lock and a reader can tell a torn or overwritten slot.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "layout.h"

/*
 * getpid() is a real system call in glibc 2.36; the effect log records the
 * pid on every domain-touching operation, so keep it cached and refresh it
 * in the child after fork().
 */
static _Atomic uint32_t cached_pid;
static pthread_once_t pid_once = PTHREAD_ONCE_INIT;

static void refresh_pid(void)
{
	atomic_store_explicit(&cached_pid, (uint32_t)getpid(),
			      memory_order_relaxed);
}

static void init_pid(void)
{
	refresh_pid();
	pthread_atfork(NULL, NULL, refresh_pid);
}

uint32_t xsim_current_pid(void)
{
	pthread_once(&pid_once, init_pid);
	return atomic_load_explicit(&cached_pid, memory_order_relaxed);
}

uint64_t xsim_effect_next(const struct xsim_world *w)
{
	return atomic_load_explicit(&xsim_effect_ring(w)->next_seq,
				    memory_order_acquire);
}

void xsim_effect_add(struct xsim_world *w, uint32_t handle, uint16_t domid,
		     enum xsim_effect_kind kind, enum xsim_effect_op op,
		     uint32_t subop, uint64_t detail)
{
	struct xsim_effect_ring *r = xsim_effect_ring(w);
	uint64_t seq;
	struct xsim_effect *e;

	/*
	 * The slot is found with this process's copy of the mask, checked at
	 * attach; the shared one is compared so that damage is reported.
	 * next_seq is a free-running counter: garbage there cannot index out
	 * of the ring, it only shows as a gap to readers.
	 */
	if (__builtin_expect(r->mask != w->effect_mask, 0)) {
		xsim_world_corrupt(w, "effect ring: mask 0x%x, the world was made with 0x%x",
				   r->mask, w->effect_mask);
		return;
	}
	seq = atomic_fetch_add_explicit(&r->next_seq, 1, memory_order_relaxed);
	e = &r->rec[seq & w->effect_mask];

	e->handle = handle;
	e->pid = xsim_current_pid();
	e->domid = domid;
	e->kind = (uint8_t)kind;
	e->op = (uint8_t)op;
	e->subop = subop;
	e->detail = detail;
	__atomic_store_n(&e->seq, seq + 1, __ATOMIC_RELEASE);
}

long xsim_effect_read(const struct xsim_world *w, uint64_t from,
		      struct xsim_effect *out, uint32_t max)
{
	const struct xsim_effect_ring *r = xsim_effect_ring(w);
	uint64_t next = xsim_effect_next(w);
	uint32_t n = 0;

	if (r->mask != w->effect_mask) {
		xsim_world_corrupt((struct xsim_world *)w,
				   "effect ring: mask 0x%x, the world was made with 0x%x",
				   r->mask, w->effect_mask);
		return -EIO;
	}
	if (next > from && next - from > (uint64_t)w->effect_mask + 1)
		return -ENOSPC;
	while (n < max && from + n < next) {
		const struct xsim_effect *e = &r->rec[(from + n) & w->effect_mask];

		/* seq is stored as seq + 1 so that 0 means "never written". */
		if (__atomic_load_n(&e->seq, __ATOMIC_ACQUIRE) != from + n + 1)
			break;
		out[n] = *e;
		out[n].seq = from + n;
		if (__atomic_load_n(&e->seq, __ATOMIC_ACQUIRE) != from + n + 1)
			return -ENOSPC;
		n++;
	}
	return n;
}

const char *xsim_effect_kind_name(unsigned kind)
{
	static const char *const names[] = {
		[XSIM_EFF_READ] = "read", [XSIM_EFF_WRITE] = "write",
		[XSIM_EFF_MAP] = "map", [XSIM_EFF_CREATE] = "create",
		[XSIM_EFF_DESTROY] = "destroy", [XSIM_EFF_EVENT] = "event",
		[XSIM_EFF_RESTRICT] = "restrict",
		[XSIM_EFF_OPEN] = "open", [XSIM_EFF_CLOSE] = "close",
		[XSIM_EFF_REFUSED] = "refused",
	};

	return kind < sizeof(names) / sizeof(names[0]) && names[kind] ?
	       names[kind] : "?";
}

const char *xsim_effect_op_name(unsigned op)
{
	static const char *const names[] = {
		[XSIM_OP_DOMAIN] = "domain", [XSIM_OP_MEMORY] = "memory",
		[XSIM_OP_FOREIGN_MAP] = "foreign-map",
		[XSIM_OP_EVTCHN] = "evtchn", [XSIM_OP_GNTTAB] = "gnttab",
		[XSIM_OP_DM_OP] = "dm_op", [XSIM_OP_HVM_OP] = "hvm_op",
		[XSIM_OP_RESOURCE] = "resource", [XSIM_OP_VERSION] = "version",
		[XSIM_OP_RESTRICT] = "restrict",
		[XSIM_OP_HANDLE] = "handle",
	};

	return op < sizeof(names) / sizeof(names[0]) && names[op] ?
	       names[op] : "?";
}
