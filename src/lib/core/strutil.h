/* SPDX-License-Identifier: MIT */
/* Small string helpers shared by the whole library. */
#ifndef KZ_STRUTIL_H
#define KZ_STRUTIL_H

#include <stddef.h>

/* Whether s[0..len) is well-formed UTF-8 (no overlongs, no surrogates). */
int kz_utf8_valid(const char *s, size_t len);

struct kz_buf;

/*
 * Appends s[0..len) to out as valid UTF-8: each byte that does not start
 * a well-formed sequence becomes U+FFFD, NUL bytes too. Returns how many
 * replacements were made.
 */
size_t kz_utf8_sanitize(struct kz_buf *out, const char *s, size_t len);

/*
 * The length of the longest prefix of s[0..len) that is at most max bytes
 * and does not cut a UTF-8 sequence.
 */
size_t kz_utf8_cut(const char *s, size_t len, size_t max);

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
