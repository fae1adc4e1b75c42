/* SPDX-License-Identifier: MIT */
/*
 * The catalogue's own rules, checked before anything runs: IDs are stable
 * names (lower case, dotted, area.group.clause at least: docs/naming.md),
 * unique, and every row has a body named after its ID, a one-line
 * statement, a source, known expectation kinds, and a written cell for
 * every profile without a base.  The row files' build already refuses a
 * missing or doubled cell (rows/cells.h); this catches a catalogue built
 * any other way, and a profile list whose base comes after its child.
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

/* The body of "privcmd.restrict.first" is privcmd_restrict_first. */
static bool body_follows_id(const char *id, const char *body)
{
	for (; *id && *body; id++, body++) {
		char want = (*id == '.' || *id == '-') ? '_' : *id;

		if (*body != want)
			return false;
	}
	return !*id && !*body;
}

static unsigned check_profile_list(FILE *err)
{
	unsigned problems = 0;
	int p;

	for (p = 0; p < XRC_NR_PROFILES; p++) {
		int base = xrc_profiles[p].base;

		if (base != XRC_P_ROOT && (base < 0 || base >= p)) {
			fprintf(err, "profiles: %s: its base must be listed before it\n",
				xrc_profiles[p].name);
			problems++;
		}
	}
	return problems;
}

static bool one_line(const char *s)
{
	return s && *s && !strpbrk(s, "\t\n\r");
}

unsigned xrc_check_catalogue(const struct xrc_assertion *cat, unsigned len,
			     FILE *err)
{
	unsigned i, j, problems = check_profile_list(err);
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
		} else if (a->id && a->body_name &&
			   !body_follows_id(a->id, a->body_name)) {
			fprintf(err, "catalogue: %s: body %s does not follow from the id (docs/naming.md)\n",
				id, a->body_name);
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
			} else if (a->expect[p].kind == XRC_X_INHERIT &&
				   xrc_profiles[p].base == XRC_P_ROOT) {
				fprintf(err, "catalogue: %s: no cell for %s, which has no base to inherit from\n",
					id, xrc_profile_names[p]);
				problems++;
			}
		}
	}
	return problems;
}
