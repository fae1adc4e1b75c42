/* SPDX-License-Identifier: MIT */
/*
 * results.html: results.tsv files (one column each) rendered as one page a
 * person reads in a browser: what each run tested, then the matrix of
 * assertions x runs coloured by verdict, each row's statement, source and
 * reasons on expand, and filters (FAIL/ERROR only, one device or group,
 * rows that differ between runs, text) whose state is the URL fragment
 * (#only=fail&area=evtchn&differ=1&q=bind; open=ID expands a row), so a
 * link shows the same view.
 *
 * The page is one file that fetches nothing: CSS and JS are inline, the
 * fonts are the system's, and a Content-Security-Policy forbids any other
 * source.  Every string from a file is HTML-escaped.  Nothing varies but
 * the input (no date, no path), so the runner's results.html and
 * `xrc-report-html results.tsv` are the same bytes.
 *
 * The TSV is read by its header's column names, as scripts/xrc-lib/
 * _report.awk reads it: id, verdict, observed, expected, agreeing, reason,
 * statement, source; "# key: value" lines above it describe the run
 * (backend, profile, devdir, fixture, and the runner's --meta lines such as
 * kernel and xen).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "report_html.h"

enum field {
	F_ID, F_VERDICT, F_OBSERVED, F_EXPECTED, F_AGREEING, F_REASON,
	F_STATEMENT, F_SOURCE, NR_FIELDS
};

static const char *const field_names[NR_FIELDS] = {
	"id", "verdict", "observed", "expected", "agreeing", "reason",
	"statement", "source",
};

/* The runner's order (runner.h, enum xrc_verdict): worst last. */
enum verdict { V_PASS, V_SKIP, V_ERROR, V_FAIL, NR_VERDICTS };

static const char *const verdict_names[NR_VERDICTS] = {
	"PASS", "SKIP", "ERROR", "FAIL",
};

/* The order of the runner's totals line: passed, failed, skipped, errors. */
static const unsigned char shown_order[NR_VERDICTS] = {
	V_PASS, V_FAIL, V_SKIP, V_ERROR,
};

/* The marks of the Markdown matrices (report_matrix.c, _report.awk). */
static const char *const verdict_marks[NR_VERDICTS] = {
	"\u2713", "\u2013", "!", "\u2717",
};

struct meta {
	char *key;
	char *value;
};

struct column {
	char *label;
	struct meta *meta;
	unsigned nr_meta;
	unsigned count[NR_VERDICTS];
};

struct cell {
	bool present;
	unsigned char verdict;
	char *f[NR_FIELDS];	/* F_OBSERVED .. F_REASON; others unused */
};

struct row {
	char *id;
	char *statement;
	char *source;
	struct cell *cells;	/* [0, nr_cells); later columns: absent */
	unsigned nr_cells;
};

struct xrc_html {
	struct column *cols;
	unsigned nr_cols;
	struct row *rows;
	unsigned nr_rows;
	unsigned cap_rows;
};

/* One parsed data line, staged until the whole file has been read. */
struct line {
	char *f[NR_FIELDS];
	unsigned char verdict;
};

struct staged {
	struct column col;
	struct line *lines;
	unsigned nr_lines;
	unsigned cap_lines;
};

/* ---- small helpers ---- */

static void set_err(char *err, size_t len, const char *name, unsigned lineno,
		    const char *what, const char *arg)
{
	if (lineno)
		snprintf(err, len, "%s:%u: %s%s", name, lineno, what, arg);
	else
		snprintf(err, len, "%s: %s%s", name, what, arg);
}

static bool grow(void **p, unsigned *cap, unsigned need, size_t size)
{
	unsigned n = *cap ? *cap : 16;
	void *q;

	if (need <= *cap)
		return true;
	while (n < need) {
		if (n > UINT32_MAX / 2)
			return false;
		n *= 2;
	}
	q = realloc(*p, (size_t)n * size);
	if (!q)
		return false;
	*p = q;
	*cap = n;
	return true;
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/* Split s at tabs in place; the number of fields (at most max). */
static unsigned split(char *s, char **f, unsigned max)
{
	unsigned n = 0;

	while (n < max) {
		f[n++] = s;
		s = strchr(s, '\t');
		if (!s)
			break;
		*s++ = '\0';
	}
	return n;
}

static int verdict_of(const char *s)
{
	int v;

	for (v = 0; v < NR_VERDICTS; v++)
		if (!strcmp(s, verdict_names[v]))
			return v;
	return -1;
}

static void free_column(struct column *c)
{
	unsigned i;

	for (i = 0; i < c->nr_meta; i++) {
		free(c->meta[i].key);
		free(c->meta[i].value);
	}
	free(c->meta);
	free(c->label);
}

static void free_staged(struct staged *s)
{
	unsigned i, j;

	free_column(&s->col);
	for (i = 0; i < s->nr_lines; i++)
		for (j = 0; j < NR_FIELDS; j++)
			free(s->lines[i].f[j]);
	free(s->lines);
}

static const char *meta_value(const struct column *c, const char *key)
{
	unsigned i;

	for (i = 0; i < c->nr_meta; i++)
		if (!strcmp(c->meta[i].key, key))
			return c->meta[i].value;
	return NULL;
}

/* ---- reading one results.tsv ---- */

/* "# key: value": a key of letters, digits, '.', '-', '_' or spaces. */
static int add_meta(struct staged *s, char *text)
{
	char *colon = strchr(text, ':'), *key = text, *value;
	size_t n;
	unsigned cap = s->col.nr_meta;
	struct meta *m;

	if (!colon || colon == text)
		return 0;
	n = (size_t)(colon - text);
	if (strspn(text, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		   "0123456789.-_ ") != n)
		return 0;		/* a comment, not metadata */
	*colon = '\0';
	key = trim(key);
	value = trim(colon + 1);
	if (!*key || !strcasecmp(key, "columns"))
		return 0;		/* the columns' description */
	if (meta_value(&s->col, key))
		return 0;		/* the first one counts */
	m = realloc(s->col.meta, (cap + 1) * sizeof(*m));
	if (!m)
		return -1;
	s->col.meta = m;
	m[cap].key = strdup(key);
	m[cap].value = strdup(value);
	s->col.nr_meta++;
	return m[cap].key && m[cap].value ? 0 : -1;
}

/* A header line's fields: which position holds each column (-1: none). */
static bool read_header(char **f, unsigned nf, int *pos)
{
	unsigned i, j;

	for (j = 0; j < NR_FIELDS; j++)
		pos[j] = -1;
	for (i = 0; i < nf; i++)
		for (j = 0; j < NR_FIELDS; j++)
			if (pos[j] < 0 && !strcasecmp(trim(f[i]), field_names[j]))
				pos[j] = (int)i;
	return pos[F_ID] >= 0;
}

static int add_line(struct staged *s, char **f, unsigned nf, const int *pos,
		    const char *name, unsigned lineno, char *err,
		    size_t errlen)
{
	struct line *l;
	const char *id, *v;
	unsigned i, j;
	int verdict;

	id = (unsigned)pos[F_ID] < nf ? f[pos[F_ID]] : "";
	if (!*id || !strcmp(id, "-")) {
		set_err(err, errlen, name, lineno, "no assertion ID", "");
		return -1;
	}
	v = (unsigned)pos[F_VERDICT] < nf ? f[pos[F_VERDICT]] : "";
	verdict = verdict_of(v);
	if (verdict < 0) {
		set_err(err, errlen, name, lineno,
			"not PASS, FAIL, SKIP or ERROR: ", *v ? v : "(none)");
		return -1;
	}
	for (i = 0; i < s->nr_lines; i++) {
		if (!strcmp(s->lines[i].f[F_ID], id)) {
			set_err(err, errlen, name, lineno,
				"a second line for ", id);
			return -1;
		}
	}
	if (!grow((void **)&s->lines, &s->cap_lines, s->nr_lines + 1,
		  sizeof(*s->lines)))
		goto nomem;
	l = &s->lines[s->nr_lines++];
	memset(l, 0, sizeof(*l));
	l->verdict = (unsigned char)verdict;
	for (j = 0; j < NR_FIELDS; j++) {
		const char *val = pos[j] >= 0 && (unsigned)pos[j] < nf ?
			f[pos[j]] : "";

		/* "-" is the TSV's empty field. */
		if (!strcmp(val, "-") && j != F_AGREEING)
			val = "";
		l->f[j] = strdup(val);
		if (!l->f[j])
			goto nomem;
	}
	s->col.count[verdict]++;
	return 0;
nomem:
	set_err(err, errlen, name, lineno, "out of memory", "");
	return -1;
}

static int parse(struct staged *s, FILE *f, const char *name, char *err,
		 size_t errlen)
{
	int pos[NR_FIELDS];
	char *buf = NULL, *fields[64];
	size_t cap = 0;
	ssize_t got;
	unsigned lineno = 0, nf, j;
	bool have_header = false, anything = false;
	int rc = 0;

	while (!rc && (got = getline(&buf, &cap, f)) >= 0) {
		lineno++;
		if (memchr(buf, '\0', (size_t)got)) {
			set_err(err, errlen, name, lineno, "a NUL byte: not a results.tsv", "");
			rc = -1;
			break;
		}
		buf[strcspn(buf, "\r\n")] = '\0';
		if (!*buf)
			continue;
		anything = true;
		if (buf[0] == '#') {
			char *text = buf + 1;

			while (*text == ' ')
				text++;
			if (strchr(text, '\t')) {
				nf = split(text, fields, 64);
				if (read_header(fields, nf, pos))
					have_header = true;
			} else if (add_meta(s, text)) {
				set_err(err, errlen, name, lineno, "out of memory", "");
				rc = -1;
			}
			continue;
		}
		nf = split(buf, fields, 64);
		if (!have_header) {
			have_header = true;
			if (read_header(fields, nf, pos))
				continue;
			/* No header: the runner's order. */
			for (j = 0; j < NR_FIELDS; j++)
				pos[j] = j <= F_REASON ? (int)j : -1;
		}
		if (pos[F_VERDICT] < 0) {
			set_err(err, errlen, name, lineno,
				"the header names no 'verdict' column", "");
			rc = -1;
			break;
		}
		rc = add_line(s, fields, nf, pos, name, lineno, err, errlen);
	}
	if (!rc && ferror(f)) {
		set_err(err, errlen, name, 0, "read error", "");
		rc = -1;
	}
	if (!rc && !anything) {
		set_err(err, errlen, name, 0, "empty: not a results.tsv", "");
		rc = -1;
	}
	if (!rc && !have_header && !s->nr_lines) {
		set_err(err, errlen, name, 0,
			"no header and no result: not a results.tsv", "");
		rc = -1;
	}
	free(buf);
	return rc;
}

static struct row *find_or_add_row(struct xrc_html *h, const char *id)
{
	struct row *r;
	unsigned i;

	for (i = 0; i < h->nr_rows; i++)
		if (!strcmp(h->rows[i].id, id))
			return &h->rows[i];
	if (!grow((void **)&h->rows, &h->cap_rows, h->nr_rows + 1,
		  sizeof(*h->rows)))
		return NULL;
	r = &h->rows[h->nr_rows];
	memset(r, 0, sizeof(*r));
	r->id = strdup(id);
	if (!r->id)
		return NULL;
	h->nr_rows++;
	return r;
}

/* Move the staged column into the page; on failure the page may hold some
 * of its rows already, so the caller frees the page. */
static int commit(struct xrc_html *h, struct staged *s)
{
	unsigned c = h->nr_cols, i, j;
	struct column *cols;

	cols = realloc(h->cols, (c + 1) * sizeof(*cols));
	if (!cols)
		return -1;
	h->cols = cols;
	h->cols[c] = s->col;
	memset(&s->col, 0, sizeof(s->col));
	h->nr_cols++;
	for (i = 0; i < s->nr_lines; i++) {
		struct line *l = &s->lines[i];
		struct row *r = find_or_add_row(h, l->f[F_ID]);
		struct cell *cells, *cell;

		if (!r)
			return -1;
		cells = realloc(r->cells, (c + 1) * sizeof(*cells));
		if (!cells)
			return -1;
		memset(cells + r->nr_cells, 0,
		       (c + 1 - r->nr_cells) * sizeof(*cells));
		r->cells = cells;
		r->nr_cells = c + 1;
		cell = &cells[c];
		cell->present = true;
		cell->verdict = l->verdict;
		for (j = F_OBSERVED; j <= F_REASON; j++) {
			cell->f[j] = l->f[j];
			l->f[j] = NULL;
		}
		/* The first run that states the assertion names it. */
		if (!r->statement && *l->f[F_STATEMENT]) {
			r->statement = l->f[F_STATEMENT];
			l->f[F_STATEMENT] = NULL;
		}
		if (!r->source && *l->f[F_SOURCE]) {
			r->source = l->f[F_SOURCE];
			l->f[F_SOURCE] = NULL;
		}
	}
	return 0;
}

struct xrc_html *xrc_html_new(void)
{
	return calloc(1, sizeof(struct xrc_html));
}

void xrc_html_free(struct xrc_html *h)
{
	unsigned i, c, j;

	if (!h)
		return;
	for (i = 0; i < h->nr_cols; i++)
		free_column(&h->cols[i]);
	free(h->cols);
	for (i = 0; i < h->nr_rows; i++) {
		struct row *r = &h->rows[i];

		for (c = 0; c < r->nr_cells; c++)
			for (j = 0; j < NR_FIELDS; j++)
				free(r->cells[c].f[j]);
		free(r->cells);
		free(r->id);
		free(r->statement);
		free(r->source);
	}
	free(h->rows);
	free(h);
}

int xrc_html_add_tsv(struct xrc_html *h, FILE *f, const char *name,
		     char *err, size_t errlen)
{
	struct staged s;
	const char *backend;
	int rc;

	memset(&s, 0, sizeof(s));
	rc = parse(&s, f, name, err, errlen);
	if (!rc) {
		backend = meta_value(&s.col, "backend");
		s.col.label = strdup(backend && *backend ? backend : name);
		if (!s.col.label || commit(h, &s)) {
			set_err(err, errlen, name, 0, "out of memory", "");
			rc = -1;
		}
	}
	free_staged(&s);
	return rc;
}

/* ---- writing the page ---- */

/* Text or an attribute value, HTML-escaped; no control character. */
static void put(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		case '\n': fputs("&#10;", f); break;
		default:
			fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, f);
		}
	}
}

static const char css[] =
":root{--line:#d0d7de;--soft:#eaeef2;--ink:#1f2328;--dim:#59636e;"
"--pass:#116329;--pass-bg:#dafbe1;--fail:#a40e26;--fail-bg:#ffebe9;"
"--skip:#59636e;--skip-bg:#eef1f4;--err:#7d4e00;--err-bg:#fff1c2;"
"--link:#0550ae;--mono:ui-monospace,'DejaVu Sans Mono','Liberation Mono',"
"Menlo,Consolas,monospace}\n"
"*{box-sizing:border-box}\n"
"body{margin:0;padding:18px 24px 32px;background:#f6f8fa;color:var(--ink);"
"font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',"
"'DejaVu Sans',Arial,sans-serif}\n"
"h1{font-size:20px;margin:0 0 2px}\n"
"h2{font-size:14px;margin:18px 0 6px;color:var(--dim);text-transform:uppercase;"
"letter-spacing:.04em}\n"
".sum{margin:0;color:var(--dim)}\n"
"table{border-collapse:separate;border-spacing:0}\n"
".box{background:#fff;border:1px solid var(--line);border-radius:6px}\n"
"table.runs{width:100%}\n"
".runs th,.runs td{padding:6px 10px;text-align:left;vertical-align:top;"
"border-bottom:1px solid var(--soft)}\n"
".runs tr:last-child td{border-bottom:0}\n"
".runs thead th{font-size:12px;color:var(--dim);font-weight:600;"
"border-bottom:1px solid var(--line)}\n"
".runs td.meta{font-family:var(--mono);font-size:12px;word-break:break-word}\n"
".runs td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
".chip{display:inline-block;min-width:22px;padding:0 6px;border-radius:9px;"
"font-size:12px;text-align:center;font-variant-numeric:tabular-nums}\n"
".chip.v-PASS,td.v-PASS{background:var(--pass-bg);color:var(--pass)}\n"
".chip.v-FAIL,td.v-FAIL{background:var(--fail-bg);color:var(--fail)}\n"
".chip.v-SKIP,td.v-SKIP{background:var(--skip-bg);color:var(--skip)}\n"
".chip.v-ERROR,td.v-ERROR{background:var(--err-bg);color:var(--err)}\n"
".chip.v-none,td.v-none{background:repeating-linear-gradient(135deg,#fff 0 4px,"
"#f1f3f5 4px 8px);color:#8c959f}\n"
".chip.zero{opacity:.45}\n"
"#bar{display:flex;flex-wrap:wrap;gap:8px 18px;align-items:center;"
"margin:18px 0 8px;padding:8px 12px}\n"
"#bar label{display:inline-flex;gap:6px;align-items:center;white-space:nowrap}\n"
"#bar select,#bar input[type=search]{font:inherit;padding:2px 6px;"
"border:1px solid var(--line);border-radius:4px;background:#fff}\n"
"#bar input[type=search]{width:170px}\n"
"#bar label.off{color:#8c959f}\n"
"#count{color:var(--dim);font-variant-numeric:tabular-nums;white-space:nowrap}\n"
".legend{display:inline-flex;gap:4px;align-items:center;margin-left:auto}\n"
".wrap{overflow:auto;max-height:calc(100vh - 40px)}\n"
"#matrix{min-width:100%}\n"
"#matrix th,#matrix td{padding:4px 10px;border-bottom:1px solid var(--soft);"
"white-space:nowrap;text-align:left}\n"
"#matrix thead th{position:sticky;top:0;z-index:2;background:#fff;"
"vertical-align:bottom;border-bottom:1px solid var(--line);font-weight:normal}\n"
"#matrix thead th.run{min-width:130px}\n"
"#matrix thead th .b{font-weight:600}\n"
"#matrix thead th .k{font-size:12px;color:var(--dim)}\n"
"#matrix tbody th{position:sticky;left:0;z-index:1;background:#fff;"
"font-weight:normal}\n"
"#matrix thead th:first-child{left:0;z-index:3}\n"
"button.id{font:13px var(--mono);color:var(--link);background:none;border:0;"
"padding:0;cursor:pointer;text-align:left}\n"
"button.id:hover{text-decoration:underline}\n"
"button.id::before{content:'\\25B8';display:inline-block;width:14px;"
"color:#8c959f}\n"
"tr.open button.id::before{content:'\\25BE'}\n"
"td.c{font:12.5px var(--mono);border-left:1px solid #fff}\n"
"td.c .m{display:inline-block;width:14px;font-weight:700}\n"
"#matrix td.st,#matrix th.st{width:100%;white-space:normal;min-width:260px}\n"
"td.st{color:var(--dim)}\n"
"#matrix tbody tr.row:hover td.st,#matrix tbody tr.row:hover th{"
"background:#f6f8fa}\n"
"#matrix tr.detail td{white-space:normal;background:#f6f8fa;padding:10px 14px 14px 34px}\n"
".detail p{margin:0 0 6px;max-width:110ch}\n"
".detail .src{font:12px var(--mono);color:var(--dim)}\n"
".detail table{margin-top:6px;background:#fff;border:1px solid var(--line);"
"border-radius:4px}\n"
"#matrix .detail table th,#matrix .detail table td{position:static;padding:3px 10px;"
"border-bottom:1px solid var(--soft);font-size:12.5px;white-space:normal}\n"
".detail table td{font-family:var(--mono)}\n"
"tr[hidden]{display:none}\n"
".empty{padding:14px;color:var(--dim)}\n";

/*
 * The filters.  State lives in the URL (query or fragment: only=fail,
 * area=PREFIX, differ=1, q=TEXT; open=ID expands that row), read on load and on hashchange, written
 * back on every change.  Each row gets data-shown="yes" or "no" (and the
 * hidden attribute), and <body data-ready="yes"> once applied: what a
 * check on the rendered page reads.
 */
static const char js[] =
"(function(){'use strict';\n"
"var rows=Array.prototype.slice.call(document.querySelectorAll('#matrix tr.row'));\n"
"var only=document.getElementById('f-only'),area=document.getElementById('f-area'),\n"
"differ=document.getElementById('f-differ'),text=document.getElementById('f-text'),\n"
"count=document.getElementById('count');\n"
"function params(){var o={};\n"
"(location.search.slice(1)+'&'+location.hash.slice(1)).split('&').forEach(function(kv){\n"
"if(!kv)return;var i=kv.indexOf('='),k=i<0?kv:kv.slice(0,i),v=i<0?'1':kv.slice(i+1);\n"
"try{o[decodeURIComponent(k)]=decodeURIComponent(v.replace(/\\+/g,' '));}catch(e){}});\n"
"return o;}\n"
"function setArea(a){area.value=a;if(area.value!==a){var o=document.createElement('option');\n"
"o.value=a;o.textContent=a+' (no such rows)';area.appendChild(o);area.value=a;}}\n"
"function toggle(r,open){var b=r.querySelector('button.id'),d=r.nextElementSibling;\n"
"r.classList.toggle('open',open);b.setAttribute('aria-expanded',open?'true':'false');\n"
"if(d&&d.classList.contains('detail'))d.hidden=!open||r.hidden;}\n"
"function load(){var p=params();only.checked=p.only==='fail';setArea(p.area||'');\n"
"differ.checked=!differ.disabled&&(p.differ==='1'||p.differ==='yes');\n"
"text.value=p.q||'';apply();\n"
"if(p.open)rows.forEach(function(r){if(r.getAttribute('data-id')===p.open){\n"
"toggle(r,true);var w=document.querySelector('.wrap');\n"
"if(!r.hidden&&w)w.scrollTop=r.offsetTop-w.querySelector('thead').offsetHeight-8;}});}\n"
"function save(){var q=[];if(only.checked)q.push('only=fail');\n"
"if(area.value)q.push('area='+encodeURIComponent(area.value));\n"
"if(differ.checked)q.push('differ=1');\n"
"if(text.value)q.push('q='+encodeURIComponent(text.value));\n"
"try{history.replaceState(null,'',location.pathname+(q.length?'#'+q.join('&'):''));}catch(e){}}\n"
"function apply(){var a=area.value,t=text.value.toLowerCase(),n=0;\n"
"rows.forEach(function(r){var id=r.getAttribute('data-id'),show=true,d=r.nextElementSibling;\n"
"if(only.checked&&r.getAttribute('data-bad')!=='1')show=false;\n"
"if(a&&id!==a&&id.lastIndexOf(a+'.',0)!==0)show=false;\n"
"if(differ.checked&&r.getAttribute('data-differ')!=='1')show=false;\n"
"if(t&&(id+' '+r.lastElementChild.textContent).toLowerCase().indexOf(t)<0)show=false;\n"
"r.hidden=!show;r.setAttribute('data-shown',show?'yes':'no');\n"
"if(d&&d.classList.contains('detail'))d.hidden=!show||!r.classList.contains('open');\n"
"if(show)n++;});\n"
"count.textContent=n+' of '+rows.length+' rows';\n"
"document.body.setAttribute('data-ready','yes');}\n"
"function changed(){apply();save();}\n"
"[only,area,differ].forEach(function(e){e.addEventListener('change',changed);});\n"
"text.addEventListener('input',changed);\n"
"document.getElementById('matrix').addEventListener('click',function(ev){\n"
"var b=ev.target.closest('button.id');if(!b)return;var r=b.closest('tr');\n"
"toggle(r,!r.classList.contains('open'));});\n"
"window.addEventListener('hashchange',load);\n"
"load();})();\n";

/* "evtchn" and "evtchn.restricted" of "evtchn.restricted.bind-virq". */
static size_t prefix_len(const char *id, unsigned parts)
{
	const char *p = id;

	while (parts--) {
		p = strchr(p, '.');
		if (!p)
			return 0;
		if (!parts)
			return (size_t)(p - id);
		p++;
	}
	return 0;
}

/* Text of n bytes at most, escaped. */
static void put_n(FILE *f, const char *s, size_t n)
{
	char buf[256];

	snprintf(buf, sizeof(buf), "%.*s", (int)(n < 255 ? n : 255), s);
	put(f, buf);
}

static bool same_prefix(const char *a, const char *b, unsigned parts)
{
	size_t len = prefix_len(a, parts);

	return len && prefix_len(b, parts) == len && !strncmp(a, b, len);
}

/* The filter's choices: each device, then its groups, first seen first. */
static void put_areas(FILE *f, const struct xrc_html *h)
{
	unsigned i, k, parts, n;

	for (i = 0; i < h->nr_rows; i++) {
		for (parts = 1; parts <= 2; parts++) {
			const char *id = h->rows[i].id;
			size_t len = prefix_len(id, parts);
			bool seen = false;

			if (!len)
				continue;
			for (k = 0; k < i && !seen; k++)
				seen = same_prefix(h->rows[k].id, id, parts);
			if (seen)
				continue;
			for (n = 0, k = i; k < h->nr_rows; k++)
				n += same_prefix(h->rows[k].id, id, parts);
			fputs("<option value=\"", f);
			put_n(f, id, len);
			fprintf(f, "\">%s", parts == 2 ? "\u00a0\u00a0" : "");
			put_n(f, id, len);
			fprintf(f, " (%u)</option>\n", n);
		}
	}
}

static bool row_bad(const struct row *r)
{
	unsigned c;

	for (c = 0; c < r->nr_cells; c++)
		if (r->cells[c].present && (r->cells[c].verdict == V_FAIL ||
					    r->cells[c].verdict == V_ERROR))
			return true;
	return false;
}

/* Do the runs disagree on this row: a run without it, or another verdict
 * or observed outcome? */
static bool row_differs(const struct xrc_html *h, const struct row *r)
{
	const struct cell *first;
	unsigned c;

	if (h->nr_cols < 2)
		return false;
	if (r->nr_cells < h->nr_cols)
		return true;
	first = &r->cells[0];
	for (c = 0; c < h->nr_cols; c++) {
		const struct cell *x = &r->cells[c];

		if (!x->present || x->verdict != first->verdict ||
		    strcmp(x->f[F_OBSERVED], first->f[F_OBSERVED]))
			return true;
	}
	return false;
}

static const struct cell *cell_of(const struct row *r, unsigned c)
{
	return c < r->nr_cells && r->cells[c].present ? &r->cells[c] : NULL;
}

static void put_column_head(FILE *f, const struct column *col, unsigned c)
{
	static const struct { const char *key, *label; } shown[] = {
		{ "profile", "judged as " }, { "kernel", "kernel " },
		{ "xen", "Xen " },
	};
	unsigned i;

	fputs("<th class=\"run\" scope=\"col\" title=\"", f);
	for (i = 0; i < col->nr_meta; i++) {
		put(f, col->meta[i].key);
		fputs(": ", f);
		put(f, col->meta[i].value);
		if (i + 1 < col->nr_meta)
			fputs("&#10;", f);
	}
	fprintf(f, "\"><div class=\"b\"><span class=\"k\">#%u</span> ", c + 1);
	put(f, col->label);
	fputs("</div>", f);
	for (i = 0; i < sizeof(shown) / sizeof(shown[0]); i++) {
		const char *v = meta_value(col, shown[i].key);

		if (!v || !*v)
			continue;
		fprintf(f, "<div class=\"k\">%s", shown[i].label);
		put(f, v);
		fputs("</div>", f);
	}
	fputs("</th>\n", f);
}

/* What was tested: a line per run, every metadata key as a column. */
static void put_runs(FILE *f, const struct xrc_html *h)
{
	static const char *const first[] = {
		"backend", "profile", "kernel", "xen",
	};
	const char **keys;
	unsigned nk = 0, max = 4, i, j, c, v;

	for (c = 0; c < h->nr_cols; c++)
		max += h->cols[c].nr_meta;
	keys = calloc(max, sizeof(*keys));
	if (!keys)
		return;
	/* backend always; profile, kernel, xen where a run names them. */
	for (i = 0; i < 4; i++) {
		for (c = 0; i && c < h->nr_cols; c++)
			if (meta_value(&h->cols[c], first[i]))
				break;
		if (!i || c < h->nr_cols)
			keys[nk++] = first[i];
	}
	for (c = 0; c < h->nr_cols; c++) {
		for (i = 0; i < h->cols[c].nr_meta; i++) {
			const char *k = h->cols[c].meta[i].key;

			for (j = 0; j < nk && strcmp(keys[j], k); j++)
				;
			if (j == nk)
				keys[nk++] = k;
		}
	}
	fputs("<h2>What was tested</h2>\n<div class=\"box\"><table class=\"runs\">"
	      "<thead><tr><th>#</th>", f);
	for (j = 0; j < nk; j++) {
		fputs("<th>", f);
		put(f, keys[j]);
		fputs("</th>", f);
	}
	fputs("<th class=\"n\">results</th></tr></thead>\n<tbody>\n", f);
	for (c = 0; c < h->nr_cols; c++) {
		const struct column *col = &h->cols[c];

		fprintf(f, "<tr><td class=\"n\">%u</td>", c + 1);
		for (j = 0; j < nk; j++) {
			const char *val = meta_value(col, keys[j]);

			if (!val && j == 0)
				val = col->label;
			fputs("<td class=\"meta\">", f);
			put(f, val ? val : "\u2014");
			fputs("</td>", f);
		}
		fputs("<td class=\"n\">", f);
		for (i = 0; i < NR_VERDICTS; i++) {
			v = shown_order[i];
			fprintf(f, "<span class=\"chip v-%s%s\">%u %s</span> ",
				verdict_names[v], col->count[v] ? "" : " zero",
				col->count[v], verdict_names[v]);
		}
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody></table></div>\n", f);
	free(keys);
}

static void put_bar(FILE *f, const struct xrc_html *h)
{
	unsigned i, v;
	bool one = h->nr_cols < 2;

	fputs("<div id=\"bar\" class=\"box\" role=\"search\">\n"
	      "<label><input type=\"checkbox\" id=\"f-only\"> only FAIL / ERROR</label>\n"
	      "<label>device / group <select id=\"f-area\"><option value=\"\">all</option>\n", f);
	put_areas(f, h);
	fprintf(f, "</select></label>\n<label%s title=\"%s\"><input type=\"checkbox\" "
		"id=\"f-differ\"%s> rows that differ between runs</label>\n",
		one ? " class=\"off\"" : "",
		one ? "one run: nothing to compare" :
		"a run lacks the row, or the runs' verdicts or observed outcomes differ",
		one ? " disabled" : "");
	fprintf(f, "<label>find <input type=\"search\" id=\"f-text\" "
		"placeholder=\"ID or statement\"></label>\n"
		"<span id=\"count\">%u rows</span>\n<span class=\"legend\">",
		h->nr_rows);
	for (i = 0; i < NR_VERDICTS; i++) {
		v = shown_order[i];
		fprintf(f, "<span class=\"chip v-%s\">%s %s</span>", verdict_names[v],
			verdict_marks[v], verdict_names[v]);
	}
	fputs("<span class=\"chip v-none\">not run</span></span>\n</div>\n", f);
}

static void put_cell(FILE *f, const struct xrc_html *h, const struct cell *x,
		     unsigned c)
{
	const char *v, *obs;

	if (!x) {
		fputs("<td class=\"c v-none\" title=\"not in this run\"></td>", f);
		return;
	}
	v = verdict_names[x->verdict];
	obs = x->f[F_OBSERVED];
	fprintf(f, "<td class=\"c v-%s\" title=\"%s", v, v);
	if (meta_value(&h->cols[c], "profile")) {
		fputs(" (judged as ", f);
		put(f, meta_value(&h->cols[c], "profile"));
		fputc(')', f);
	}
	fputs(": expected ", f);
	put(f, *x->f[F_EXPECTED] ? x->f[F_EXPECTED] : "?");
	fputs(", observed ", f);
	put(f, *obs ? obs : "?");
	if (*x->f[F_REASON]) {
		fputs("&#10;", f);
		put(f, x->f[F_REASON]);
	}
	fprintf(f, "\"><span class=\"m\">%s</span>", verdict_marks[x->verdict]);
	/* SKIP and ERROR say so in the observed column already. */
	put(f, *obs && strcmp(obs, "none") ? obs : v);
	fputs("</td>", f);
}

static void put_detail(FILE *f, const struct xrc_html *h, const struct row *r)
{
	unsigned c;

	fprintf(f, "<tr class=\"detail\" hidden><td colspan=\"%u\">", h->nr_cols + 2);
	fputs("<p class=\"stmt\">", f);
	put(f, r->statement ? r->statement : "(no statement in these results)");
	fputs("</p><p class=\"src\">source: ", f);
	put(f, r->source ? r->source : "\u2014");
	fputs("</p><table><tr><th>run</th><th>verdict</th><th>observed</th>"
	      "<th>expected</th><th>agreeing profiles</th><th>reason</th></tr>", f);
	for (c = 0; c < h->nr_cols; c++) {
		const struct cell *x = cell_of(r, c);

		fprintf(f, "<tr><th>#%u ", c + 1);
		put(f, h->cols[c].label);
		if (meta_value(&h->cols[c], "profile")) {
			fputs(" (", f);
			put(f, meta_value(&h->cols[c], "profile"));
			fputc(')', f);
		}
		fputs("</th>", f);
		if (!x) {
			fputs("<td colspan=\"5\">not in this run</td></tr>", f);
			continue;
		}
		fprintf(f, "<td>%s</td>", verdict_names[x->verdict]);
		for (unsigned j = F_OBSERVED; j <= F_REASON; j++) {
			fputs("<td>", f);
			put(f, x->f[j]);
			fputs("</td>", f);
		}
		fputs("</tr>", f);
	}
	fputs("</table></td></tr>\n", f);
}

static void put_row(FILE *f, const struct xrc_html *h, const struct row *r)
{
	unsigned c;

	/* One line per row, attributes in a fixed order: the rendered page's
	 * check reads them from the browser's DOM dump. */
	fputs("<tr class=\"row\" data-id=\"", f);
	put(f, r->id);
	fprintf(f, "\" data-bad=\"%d\" data-differ=\"%d\" data-shown=\"yes\">"
		"<th scope=\"row\"><button class=\"id\" type=\"button\" "
		"aria-expanded=\"false\" title=\"", row_bad(r), row_differs(h, r));
	put(f, r->statement ? r->statement : "");
	if (r->source) {
		fputs("&#10;source: ", f);
		put(f, r->source);
	}
	fputs("\">", f);
	put(f, r->id);
	fputs("</button></th>", f);
	for (c = 0; c < h->nr_cols; c++)
		put_cell(f, h, cell_of(r, c), c);
	fputs("<td class=\"st\">", f);
	put(f, r->statement ? r->statement : "");
	fputs("</td></tr>\n", f);
	put_detail(f, h, r);
}

int xrc_html_write(FILE *f, const struct xrc_html *h)
{
	unsigned c, i, differ = 0, bad = 0;

	for (i = 0; i < h->nr_rows; i++) {
		differ += row_differs(h, &h->rows[i]);
		bad += row_bad(&h->rows[i]);
	}
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	      "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<title>xrc conformance: ", f);
	if (h->nr_cols == 1)
		put(f, h->cols[0].label);
	else
		fprintf(f, "%u runs", h->nr_cols);
	fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", css);
	fprintf(f, "<h1>xenrestrict conformance results</h1>\n<p class=\"sum\">"
		"%u assertions \u00d7 %u run%s; %u with a FAIL or ERROR",
		h->nr_rows, h->nr_cols, h->nr_cols == 1 ? "" : "s", bad);
	if (h->nr_cols > 1)
		fprintf(f, "; %u differ between runs", differ);
	fputs(". Click an ID for its statement, source and reasons.</p>\n"
	      "<noscript><p class=\"sum\">The filters need JavaScript; every row "
	      "is shown.</p></noscript>\n", f);
	put_runs(f, h);
	put_bar(f, h);
	fputs("<div class=\"wrap box\"><table id=\"matrix\">\n<thead><tr>"
	      "<th scope=\"col\">assertion</th>\n", f);
	for (c = 0; c < h->nr_cols; c++)
		put_column_head(f, &h->cols[c], c);
	fputs("<th class=\"st\" scope=\"col\">statement</th></tr></thead>\n<tbody>\n", f);
	for (i = 0; i < h->nr_rows; i++)
		put_row(f, h, &h->rows[i]);
	fputs("</tbody></table>\n", f);
	if (!h->nr_rows)
		fputs("<p class=\"empty\">No assertion in these results.</p>\n", f);
	fprintf(f, "</div>\n<script>\n%s</script>\n</body>\n</html>\n", js);
	return ferror(f) ? -1 : 0;
}
