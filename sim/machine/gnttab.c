/* SPDX-License-Identifier: MIT */
/* STUB: replaced by the grant table implementation. */
#include <errno.h>
#include <xensim/machine.h>
#include "layout.h"
int xsim_gnttab_setup(const struct xsim_caller *c, uint32_t dom, uint32_t nr) { (void)c; (void)dom; (void)nr; return -ENOSYS; }
int xsim_gnttab_query_size(const struct xsim_caller *c, uint32_t dom, uint32_t *nr_frames, uint32_t *max_frames) { (void)c; (void)dom; (void)nr_frames; (void)max_frames; return -ENOSYS; }
int xsim_gnttab_frame(const struct xsim_caller *c, uint32_t dom, uint32_t i, uint32_t *page) { (void)c; (void)dom; (void)i; (void)page; return -ENOSYS; }
int xsim_gnttab_grant(struct xsim_world *w, uint32_t granter, uint32_t ref, uint32_t grantee, uint64_t gfn, bool readonly) { (void)w; (void)granter; (void)ref; (void)grantee; (void)gfn; (void)readonly; return -ENOSYS; }
int xsim_gnttab_grant_page(const struct xsim_caller *c, uint32_t ref, uint32_t grantee, uint32_t page, bool readonly) { (void)c; (void)ref; (void)grantee; (void)page; (void)readonly; return -ENOSYS; }
int xsim_gnttab_alloc_ref(const struct xsim_caller *c, uint32_t *ref) { (void)c; (void)ref; return -ENOSYS; }
int xsim_gnttab_end_access(const struct xsim_caller *c, uint32_t ref) { (void)c; (void)ref; return -ENOSYS; }
int xsim_gnttab_map(const struct xsim_caller *c, uint32_t dom, uint32_t ref, bool readonly, uint32_t *page) { (void)c; (void)dom; (void)ref; (void)readonly; (void)page; return XSIM_GNTST_general_error; }
int xsim_gnttab_unmap(const struct xsim_caller *c, uint32_t dom, uint32_t ref) { (void)c; (void)dom; (void)ref; return XSIM_GNTST_general_error; }
int xsim_gnttab_copy(const struct xsim_caller *c, uint32_t dom, uint32_t ref, uint32_t offset, void *buf, uint32_t len, bool to_grant) { (void)c; (void)dom; (void)ref; (void)offset; (void)buf; (void)len; (void)to_grant; return XSIM_GNTST_general_error; }
void xsim_gnttab_teardown(struct xsim_world *w, struct xsim_domain *d) { (void)w; (void)d; }
