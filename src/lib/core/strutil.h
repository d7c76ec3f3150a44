/* SPDX-License-Identifier: MIT */
/* Small string helpers shared by the whole library. */
#ifndef KZ_STRUTIL_H
#define KZ_STRUTIL_H

#include <stddef.h>

/* Whether s[0..len) is well-formed UTF-8 (no overlongs, no surrogates). */
int kz_utf8_valid(const char *s, size_t len);

/* Lower-cases ASCII letters in place; returns s. */
char *kz_ascii_lower(char *s);

/* Whether s is NULL, empty or only white space. */
int kz_str_blank(const char *s);

/* Parses a whole decimal integer in [min, max]; 0 or KZ_EINVAL. */
int kz_parse_long(long *out, const char *s, long min, long max);

/*
 * Looks s up in a NULL-terminated list of names; the index, or -1. Writes
 * "a, b, c" into out (size outsz) for error messages when asked.
 */
int kz_name_index(const char *const *names, const char *s);
const char *kz_name_list(char *out, size_t outsz, const char *const *names);

#endif
