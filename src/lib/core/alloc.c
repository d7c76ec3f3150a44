/* SPDX-License-Identifier: MIT */
/* Allocation wrappers with a fault-injection hook for tests. */
#include "alloc.h"

#include <stdlib.h>
#include <string.h>

static _Thread_local unsigned long fail_at;
static _Thread_local unsigned long count;

static int
should_fail(void)
{
	count++;
	return fail_at && count >= fail_at;
}

unsigned long
kz_alloc_fail_at(unsigned long nth)
{
	unsigned long made = count;

	fail_at = nth;
	count = 0;
	return made;
}

void *
kz_malloc(size_t n)
{
	if (should_fail())
		return NULL;
	return malloc(n ? n : 1);
}

void *
kz_calloc(size_t nmemb, size_t size)
{
	if (should_fail())
		return NULL;
	return calloc(nmemb ? nmemb : 1, size ? size : 1);
}

void *
kz_realloc(void *p, size_t n)
{
	if (should_fail())
		return NULL;
	return realloc(p, n ? n : 1);
}

char *
kz_strndup(const char *s, size_t n)
{
	char *d = kz_malloc(n + 1);

	if (!d)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *
kz_strdup(const char *s)
{
	return s ? kz_strndup(s, strlen(s)) : NULL;
}

void
kz_free(void *p)
{
	free(p);
}
