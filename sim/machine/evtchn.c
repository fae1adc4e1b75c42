/* SPDX-License-Identifier: MIT */
/* STUB: replaced by the event channel implementation. */
#include <errno.h>
#include <xensim/machine.h>
#include "layout.h"
int xsim_evtchn_alloc_unbound(const struct xsim_caller *c, uint32_t dom, uint32_t remote_dom, uint32_t *port) { (void)c; (void)dom; (void)remote_dom; (void)port; return -ENOSYS; }
int xsim_evtchn_bind_interdomain(const struct xsim_caller *c, uint32_t remote_dom, uint32_t remote_port, uint32_t *local_port) { (void)c; (void)remote_dom; (void)remote_port; (void)local_port; return -ENOSYS; }
int xsim_evtchn_bind_virq(const struct xsim_caller *c, uint32_t virq, uint32_t vcpu, uint32_t *port) { (void)c; (void)virq; (void)vcpu; (void)port; return -ENOSYS; }
int xsim_evtchn_bind_ipi(const struct xsim_caller *c, uint32_t vcpu, uint32_t *port) { (void)c; (void)vcpu; (void)port; return -ENOSYS; }
int xsim_evtchn_close(const struct xsim_caller *c, uint32_t dom, uint32_t port) { (void)c; (void)dom; (void)port; return -ENOSYS; }
int xsim_evtchn_send(const struct xsim_caller *c, uint32_t port) { (void)c; (void)port; return -ENOSYS; }
int xsim_evtchn_status(const struct xsim_caller *c, uint32_t dom, uint32_t port, struct xsim_evtchn_status *st) { (void)c; (void)dom; (void)port; (void)st; return -ENOSYS; }
int xsim_evtchn_unmask(const struct xsim_caller *c, uint32_t port) { (void)c; (void)port; return -ENOSYS; }
int xsim_evtchn_reset(const struct xsim_caller *c, uint32_t dom) { (void)c; (void)dom; return -ENOSYS; }
int xsim_evtchn_set_consumer(const struct xsim_caller *c, uint32_t port, uint32_t consumer) { (void)c; (void)port; (void)consumer; return -ENOSYS; }
int xsim_evtchn_guest_send(struct xsim_world *w, uint32_t domid, uint32_t port) { (void)w; (void)domid; (void)port; return -ENOSYS; }
int xsim_evtchn_guest_pending(struct xsim_world *w, uint32_t domid, uint32_t port, bool clear) { (void)w; (void)domid; (void)port; (void)clear; return -ENOSYS; }
int xsim_evtchn_raise_virq(struct xsim_world *w, uint32_t domid, uint32_t virq) { (void)w; (void)domid; (void)virq; return -ENOSYS; }
void xsim_evtchn_teardown(struct xsim_world *w, struct xsim_domain *d) { (void)w; (void)d; }
