/* SPDX-License-Identifier: MIT */
/*
 * What ioc.c and extract.c share: refanging with a map back to the
 * original bytes, and the per-type canonicalizers. These never set the
 * thread's error message, because the scanner tries many candidates that
 * are not indicators; the public functions in ioc.h add the message.
 */
#ifndef KZ_EXTRACT_INT_H
#define KZ_EXTRACT_INT_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

/* Longest URL kept; longer ones are not indicators we can store. */
#define KZ_IOC_URL_MAX 16384

/*
 * Refangs src[0..n) into dst (room for n + 1 bytes: the result is never
 * longer): fullwidth ASCII (U+FF01..U+FF5E) becomes ASCII, U+3002, U+FF0E
 * and U+FF61 become '.', and "[.]", "(.)", "{.}", "[dot]", "(dot)",
 * "[@]", "[at]", "(at)", "[:]", "[://]" collapse to what they stand for.
 * Other bytes are copied. When map is not NULL (room for n + 1 entries),
 * map[j] is the offset in src of the byte that produced dst[j] and
 * map[len] is n. Returns the length written; *defanged tells whether a
 * bracket form was collapsed.
 */
size_t kz_ioc_refang(
    char *dst, uint32_t *map, const char *src, size_t n, int *defanged);

/*
 * Each appends the canonical form of the whole of s[0..n) (refanged
 * already) to out and returns 0, or returns -1 and leaves out as it was.
 */
int kz_ioc_canon_ipv4(struct kz_buf *out, const char *s, size_t n);
int kz_ioc_canon_ipv6(struct kz_buf *out, const char *s, size_t n);
int kz_ioc_canon_cidr(struct kz_buf *out, const char *s, size_t n);
int kz_ioc_canon_domain(struct kz_buf *out, const char *s, size_t n);
int kz_ioc_canon_url(struct kz_buf *out, const char *s, size_t n);
int kz_ioc_canon_email(struct kz_buf *out, const char *s, size_t n);
int kz_ioc_canon_hash(
    struct kz_buf *out, const char *s, size_t n, size_t digits);
int kz_ioc_canon_asn(struct kz_buf *out, const char *s, size_t n);
int kz_ioc_canon_cve(struct kz_buf *out, const char *s, size_t n);

/*
 * The canonical scheme ("http", "https", "ftp") that s[0..n) stands for,
 * defanged spellings included (hxxp, hXXps, h**p, fxp); NULL for none.
 */
const char *kz_ioc_scheme(const char *s, size_t n);

/* Whether tld[0..n) (lower-case, A-label) is a top-level domain. */
int kz_ioc_tld_exists(const char *tld, size_t n);

/*
 * Top-level domains that are also common file extensions (zip, py, sh,
 * md ...): "setup.py" in prose is a file, so the scanner takes a bare
 * two-label name under one of these only in a URL, an e-mail address or
 * when written defanged.
 */
int kz_ioc_tld_is_file_ext(const char *tld, size_t n);

#endif
