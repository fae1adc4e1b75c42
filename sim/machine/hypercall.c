/* SPDX-License-Identifier: MIT */
/* STUB: replaced by the hypercall dispatcher. */
#include <errno.h>
#include <xensim/machine.h>
#include "layout.h"
long xsim_hypercall(const struct xsim_caller *c, const struct xsim_uaccess *ua, uint64_t op, const uint64_t arg[5]) { (void)c; (void)ua; (void)op; (void)arg; return -ENOSYS; }
long xsim_dm_op(const struct xsim_caller *c, const struct xsim_uaccess *ua, uint32_t domid, const struct xsim_ubuf *bufs, uint32_t nr) { (void)c; (void)ua; (void)domid; (void)bufs; (void)nr; return -ENOSYS; }
int xsim_acquire_resource(const struct xsim_caller *c, uint32_t domid, uint32_t type, uint32_t id, uint32_t idx, uint32_t nr, uint32_t *pages, uint64_t *total) { (void)c; (void)domid; (void)type; (void)id; (void)idx; (void)nr; (void)pages; (void)total; return -ENOSYS; }
void xsim_ioreq_teardown(struct xsim_world *w, struct xsim_domain *d) { (void)w; (void)d; }
