/* SPDX-License-Identifier: MIT */
/*
 * What every report shares: the run's description, totals, per-result
 * strings, escaping for each format, and writing the report files.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report_html.h"
#include "runner.h"

void xrc_report_totals(FILE *f, const struct xrc_run *run, const char *prefix,
		       bool with_time)
{
	fprintf(f, "%s%u passed, %u failed, %u skipped, %u errors", prefix,
		run->count[XRC_V_PASS], run->count[XRC_V_FAIL],
		run->count[XRC_V_SKIP], run->count[XRC_V_ERROR]);
	if (with_time)
		fprintf(f, " in %.2f s", run->wall);
	fputc('\n', f);
}

static const char *domid_str(uint16_t d, char *buf, size_t len)
{
	if (d == XRC_NO_DOMAIN)
		snprintf(buf, len, "none");
	else
		snprintf(buf, len, "%u", d);
	return buf;
}

/* "; backend cannot mmap privcmd, gntdev (ENODEV)", or "" if all can. */
static const char *no_mmap_str(const struct xrc_setup_probe *fx, char *buf,
			       size_t len)
{
	static const char *const names[XRC_NR_DEVS] = {
		[XRC_PRIVCMD] = "privcmd", [XRC_EVTCHN] = "evtchn",
		[XRC_GNTDEV] = "gntdev", [XRC_GNTALLOC] = "gntalloc",
	};
	size_t used = 0;
	unsigned d;

	buf[0] = '\0';
	for (d = 0; d < XRC_NR_DEVS; d++) {
		if (!(fx->no_mmap & (1u << d)))
			continue;
		xrc_fmt(buf + used, len - used, "%s%s",
			used ? ", " : "; backend cannot mmap ", names[d]);
		used += strlen(buf + used);
	}
	if (used)
		xrc_fmt(buf + used, len - used, " (ENODEV)");
	return buf;
}

const char *xrc_fixture_str(const struct xrc_run *run, char *buf, size_t len)
{
	const struct xrc_setup_probe *fx = run->fx;
	char a[8], b[8], pv[8], ab[8], nomap[96];

	no_mmap_str(fx, nomap, sizeof(nomap));
	if (fx->no_device) {
		xrc_fmt(buf, len, "none: %s%s", fx->reason, nomap);
	} else if (fx->broken) {
		xrc_fmt(buf, len, "failed: %s%s", fx->reason, nomap);
	} else if (!fx->ok) {
		xrc_fmt(buf, len, "unusable: %s%s", fx->reason, nomap);
	} else {
		xrc_fmt(buf, len, "a=%s (%s) b=%s pv=%s absent=%s%s%s%s",
			domid_str(fx->dom.a, a, sizeof(a)),
			fx->a_hvm ? "hvm" : "not hvm",
			domid_str(fx->dom.b, b, sizeof(b)),
			domid_str(fx->dom.pv, pv, sizeof(pv)),
			domid_str(fx->dom.absent, ab, sizeof(ab)),
			fx->reason[0] ? "; " : "", fx->reason,
			nomap);
	}
	return buf;
}

const char *xrc_run_str(const struct xrc_run *run, char *buf, size_t len)
{
	xrc_fmt(buf, len, "backend %s, judged as %s, devdir %s%s",
		run->opt->backend, xrc_profile_names[run->opt->profile],
		run->opt->devdir,
		run->opt->transport == XRC_TR_CUSE ? ", transport cuse" : "");
	return buf;
}

void xrc_report_meta(FILE *f, const struct xrc_run *run, const char *prefix)
{
	unsigned i;

	for (i = 0; i < run->opt->nr_meta; i++) {
		fprintf(f, "%s%s: ", prefix, run->opt->meta[i].key);
		xrc_put_field(f, run->opt->meta[i].value);
		fputc('\n', f);
	}
}

const char *xrc_agree_str(const struct xrc_result *r, char *buf, size_t len)
{
	size_t used = 0;
	int p;

	buf[0] = '\0';
	for (p = 0; p < XRC_NR_PROFILES; p++) {
		if (!(r->agree & (1u << p)))
			continue;
		xrc_fmt(buf + used, len - used, "%s%s", used ? "," : "",
			xrc_profile_names[p]);
		used += strlen(buf + used);
	}
	if (!used)
		xrc_fmt(buf, len, "-");
	return buf;
}

static bool wants_exact_value(const struct xrc_assertion *a)
{
	int p;

	for (p = 0; p < XRC_NR_PROFILES; p++)
		if (xrc_expect_of(a, p)->kind == XRC_X_RET)
			return true;
	return false;
}

const char *xrc_result_observed(const struct xrc_assertion *a,
				const struct xrc_result *r, char *buf,
				unsigned len)
{
	if (!r->has_obs) {
		snprintf(buf, len, "none");
		return buf;
	}
	if (r->obs.kind == XRC_O_RESULT && r->obs.rc >= 0 &&
	    !wants_exact_value(a)) {
		snprintf(buf, len, ">=0");
		return buf;
	}
	return xrc_obs_str(&r->obs, buf, len);
}

void xrc_put_xml(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&apos;", f); break;
		case '\n': fputs("&#10;", f); break;
		case '\t': fputs("&#9;", f); break;
		default:
			/* XML 1.0 has no other control characters. */
			if ((unsigned char)*s < 0x20)
				fputc('?', f);
			else
				fputc(*s, f);
		}
	}
}

void xrc_put_yaml_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", f);
		else if (*s == '\t')
			fputs("\\t", f);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\x%02x", (unsigned char)*s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

void xrc_put_md_cell(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			fputs("\\|", f);
		else if (*s == '\n' || *s == '\t' || *s == '\r')
			fputc(' ', f);
		else
			fputc(*s, f);
	}
}

void xrc_put_field(FILE *f, const char *s)
{
	for (; *s; s++)
		fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, f);
}

/* mkdir -p */
static int make_dir(const char *dir)
{
	char path[4096];
	size_t i, n = strlen(dir);

	if (n >= sizeof(path))
		return -ENAMETOOLONG;
	memcpy(path, dir, n + 1);
	for (i = 1; i <= n; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		path[i] = '\0';
		if (mkdir(path, 0777) < 0 && errno != EEXIST)
			return -errno;
		path[i] = i == n ? '\0' : '/';
	}
	return 0;
}

static void write_text_file(FILE *f, const struct xrc_run *run)
{
	xrc_report_text(f, run);
}

static void write_tap_file(FILE *f, const struct xrc_run *run)
{
	xrc_report_tap(f, run);
	xrc_report_totals(f, run, "# ", false);
}

/* ---- results.html (issue 15) ---- */
/*
 * results.html is this run's results.tsv rendered by report_html.c, the
 * same page build/bin/xrc-report-html makes of that file.  The writers
 * return nothing, so a failure is kept here for xrc_write_reports.
 */
static int html_err;

static void write_html_file(FILE *f, const struct xrc_run *run)
{
	struct xrc_html *h = xrc_html_new();
	char *tsv = NULL, err[512] = "";
	size_t len = 0;
	FILE *mem = open_memstream(&tsv, &len);
	bool ok = h && mem;

	if (mem) {
		xrc_report_tsv(mem, run);
		ok = !fclose(mem) && ok;
	}
	if (ok) {
		mem = fmemopen(tsv, len, "r");
		ok = mem && !xrc_html_add_tsv(h, mem, "results.tsv", err,
					      sizeof(err));
		if (mem)
			fclose(mem);
	}
	if (ok)
		ok = !xrc_html_write(f, h);
	if (err[0])
		fprintf(stderr, "xrc-conformance: results.html: %s\n", err);
	html_err = ok ? 0 : err[0] ? -EINVAL : -ENOMEM;
	xrc_html_free(h);
	free(tsv);
}
/* ---- end results.html ---- */

/* Write one report through a temporary name, so a reader never sees half. */
static int write_one(const struct xrc_run *run, const char *name,
		     void (*writer)(FILE *f, const struct xrc_run *run))
{
	char path[4096], tmp[4200];
	FILE *f;
	int rc = 0;

	snprintf(path, sizeof(path), "%s/%s", run->opt->out_dir, name);
	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	f = fopen(tmp, "w");
	if (!f)
		return -errno;
	writer(f, run);
	if (ferror(f))
		rc = -EIO;
	if (fclose(f) && !rc)
		rc = -errno;
	if (!rc && rename(tmp, path) < 0)
		rc = -errno;
	if (rc)
		unlink(tmp);
	return rc;
}

int xrc_write_reports(const struct xrc_run *run)
{
	static const struct {
		const char *name;
		void (*writer)(FILE *f, const struct xrc_run *run);
	} files[] = {
		{ "results.txt", write_text_file },
		{ "results.tap", write_tap_file },
		{ "results.xml", xrc_report_junit },
		{ "results.md", xrc_report_matrix },
		{ "results.tsv", xrc_report_tsv },
		{ "results.html", write_html_file },	/* issue 15 */
	};
	unsigned i;
	int rc = make_dir(run->opt->out_dir);

	for (i = 0; !rc && i < sizeof(files) / sizeof(files[0]); i++) {
		rc = write_one(run, files[i].name, files[i].writer);
		if (!rc && files[i].writer == write_html_file)
			rc = html_err;	/* issue 15 */
		if (rc)
			fprintf(stderr, "xrc-conformance: cannot write %s/%s: %s\n",
				run->opt->out_dir, files[i].name,
				strerror(-rc));
	}
	if (rc && i == 0)
		fprintf(stderr, "xrc-conformance: cannot create %s: %s\n",
			run->opt->out_dir, strerror(-rc));
	return rc;
}
