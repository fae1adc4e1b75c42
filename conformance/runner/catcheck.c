/* SPDX-License-Identifier: MIT */
/*
 * The catalogue's own rules, checked before anything runs: IDs are stable
 * names (lower case, dotted, device.group.name at least), unique, and
 * every row has a body, a one-line statement, a source and known
 * expectation kinds.
 */
#include <string.h>

#include "runner.h"

static bool id_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

/* device.group.name[.more]: non-empty parts of [a-z0-9-], first not '-'. */
static bool id_ok(const char *id)
{
	unsigned parts = 0;
	const char *p = id;

	for (;;) {
		if (!id_char(*p) || *p == '-')
			return false;
		while (id_char(*p))
			p++;
		parts++;
		if (!*p)
			return parts >= 3;
		if (*p++ != '.')
			return false;
	}
}

static bool one_line(const char *s)
{
	return s && *s && !strpbrk(s, "\t\n\r");
}

unsigned xrc_check_catalogue(const struct xrc_assertion *cat, unsigned len,
			     FILE *err)
{
	unsigned i, j, problems = 0;
	int p;

	for (i = 0; i < len; i++) {
		const struct xrc_assertion *a = &cat[i];
		const char *id = a->id ? a->id : "(null)";

		if (!a->id || !id_ok(a->id)) {
			fprintf(err, "catalogue: row %u: bad id '%s' (want device.group.name, lower case)\n",
				i + 1, id);
			problems++;
		}
		for (j = 0; a->id && j < i; j++) {
			if (cat[j].id && !strcmp(cat[j].id, a->id)) {
				fprintf(err, "catalogue: %s: duplicate id (rows %u and %u)\n",
					id, j + 1, i + 1);
				problems++;
				break;
			}
		}
		if (!a->body) {
			fprintf(err, "catalogue: %s: no body\n", id);
			problems++;
		}
		if (!one_line(a->statement)) {
			fprintf(err, "catalogue: %s: the statement must be one non-empty line\n",
				id);
			problems++;
		}
		if (!one_line(a->source)) {
			fprintf(err, "catalogue: %s: the source must be one non-empty line\n",
				id);
			problems++;
		}
		for (p = 0; p < XRC_NR_PROFILES; p++) {
			if (a->expect[p].kind > XRC_X_FAILS) {
				fprintf(err, "catalogue: %s: column %s has unknown kind %u\n",
					id, xrc_profile_names[p],
					a->expect[p].kind);
				problems++;
			}
		}
	}
	return problems;
}
