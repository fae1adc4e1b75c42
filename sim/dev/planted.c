/* SPDX-License-Identifier: MIT */
/* Run-time selection of the planted defects (see planted.h). */
#include "planted.h"

#ifdef XSIM_PLANTED
#include <stdlib.h>
#include <string.h>

bool xsim_planted(const char *name)
{
	const char *list = getenv("XENSIM_PLANT");
	size_t n = strlen(name);

	while (list && *list) {
		if (!strncmp(list, name, n) && (list[n] == ',' || !list[n]))
			return true;
		list = strchr(list, ',');
		if (list)
			list++;
	}
	return false;
}
#else
/* ISO C wants a translation unit to declare something. */
typedef int xsim_planted_nothing;
#endif
