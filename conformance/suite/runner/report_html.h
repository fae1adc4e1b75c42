/* SPDX-License-Identifier: MIT */
/*
 * results.html: one or more results.tsv files rendered as one
 * self-contained page (report_html.c).  Used by the runner, which renders
 * its own results.tsv (report.c), and by build/bin/xrc-report-html, which
 * renders several (`xrc report --format html`): one reader, one writer.
 * Only libc: nothing here knows the catalogue or the runner.
 */
#ifndef XRC_REPORT_HTML_H
#define XRC_REPORT_HTML_H

#include <stddef.h>
#include <stdio.h>

struct xrc_html;

/* An empty page; NULL when out of memory. */
struct xrc_html *xrc_html_new(void);
void xrc_html_free(struct xrc_html *h);

/*
 * Read one results.tsv from f as the next column.  name says where it came
 * from, for messages, and heads the column when the file has no
 * "# backend:" line.  0, or -1 with a one-line reason in err (nothing is
 * added then).
 */
int xrc_html_add_tsv(struct xrc_html *h, FILE *f, const char *name,
		     char *err, size_t errlen);

/* Write the page; 0, or -1 if f reports an error. */
int xrc_html_write(FILE *f, const struct xrc_html *h);

#endif /* XRC_REPORT_HTML_H */
