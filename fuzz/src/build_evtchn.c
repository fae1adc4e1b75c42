/* SPDX-License-Identifier: MIT */
/* evtchn ioctls with structured arguments (include/uapi/xen/evtchn.h). */
#include <xensim/uapi.h>

#include "fuzz.h"

/* A port: mostly one bound through this handle, else a small number. */
static uint32_t port(struct fz_build *b)
{
	uint8_t sel = fz_u8(b->in);

	if (b->nports && sel < 0xC0)
		return b->ports[sel % b->nports];
	if (sel == 0xFF)
		return fz_u32(b->in);
	return sel % 6;
}

/* One unsigned int argument (the layout of most evtchn structs). */
static void one_uint(struct fz_build *b, struct fz_call *c, uint32_t v)
{
	uint64_t at = fz_alloc(b->a, sizeof(uint32_t));
	uint32_t *p = fz_host(b->a, at, sizeof(*p));

	if (p)
		*p = v;
	c->arg = fz_ptr(b->in, at);
}

void fz_build_evtchn(struct fz_build *b, struct fz_call *c)
{
	uint32_t dom;

	c->target = XSIM_NO_TARGET;
	switch (fz_u8(b->in) % 8) {
	case 0:
		c->cmd = IOCTL_EVTCHN_BIND_VIRQ;
		c->name = "BIND_VIRQ";
		one_uint(b, c, fz_count(b->in, 24));
		break;
	case 1: {
		struct ioctl_evtchn_bind_interdomain *k;
		uint64_t at = fz_alloc(b->a, sizeof(*k));

		k = fz_host(b->a, at, sizeof(*k));

		c->cmd = IOCTL_EVTCHN_BIND_INTERDOMAIN;
		c->name = "BIND_INTERDOMAIN";
		dom = fz_domid(b->in);
		c->target = dom;
		if (k) {
			k->remote_domain = dom;
			k->remote_port = fz_count(b->in, 4);
		}
		c->arg = fz_ptr(b->in, at);
		break;
	}
	case 2:
		c->cmd = IOCTL_EVTCHN_BIND_UNBOUND_PORT;
		c->name = "BIND_UNBOUND_PORT";
		dom = fz_domid(b->in);
		c->target = dom;
		one_uint(b, c, dom);
		break;
	case 3:
		c->cmd = IOCTL_EVTCHN_UNBIND;
		c->name = "UNBIND";
		one_uint(b, c, port(b));
		break;
	case 4:
		c->cmd = IOCTL_EVTCHN_NOTIFY;
		c->name = "NOTIFY";
		one_uint(b, c, port(b));
		break;
	case 5:
		c->cmd = IOCTL_EVTCHN_RESET;
		c->name = "RESET";
		c->arg = 0;
		break;
	case 6:
		fz_build_restrict(XSIM_DEV_EVTCHN, b, c);
		break;
	default:
		c->cmd = IOCTL_EVTCHN_BIND_STATIC;
		c->name = "BIND_STATIC";
		one_uint(b, c, port(b));
		break;
	}
}
