/* SPDX-License-Identifier: MIT */
/*
 * Formatting into fixed buffers where cutting a long note short is the
 * intent (reasons, notes): one place, so that the compiler's truncation
 * warnings stay on for every other snprintf.
 */
#include <stdarg.h>
#include <stdio.h>

#include "runner.h"

void xrc_fmt(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}
