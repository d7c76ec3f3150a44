/* SPDX-License-Identifier: MIT */
/*
 * Allocation wrappers. All library allocations go through these so that
 * tests can make the Nth allocation fail and check that nothing crashes or
 * leaks (kz_alloc_fail_at).
 */
#ifndef KZ_ALLOC_H
#define KZ_ALLOC_H

#include <stddef.h>

void *kz_malloc(size_t n);
void *kz_calloc(size_t nmemb, size_t size);
void *kz_realloc(void *p, size_t n);
char *kz_strdup(const char *s);
char *kz_strndup(const char *s, size_t n);
void kz_free(void *p);

/*
 * Test hook: the nth allocation from now (1-based) and every one after it
 * fails; 0 turns failure off. Returns how many allocations were made since
 * the last call, so a test can learn how many there are to try.
 */
unsigned long kz_alloc_fail_at(unsigned long nth);

#endif
