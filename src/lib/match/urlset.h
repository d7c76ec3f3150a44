/* SPDX-License-Identifier: MIT */
/*
 * Exact URL matching after normalization: scheme and host lower-cased,
 * default port and fragment dropped, an empty path made "/", percent-
 * escapes of unreserved characters decoded and the others upper-cased.
 * Read-only after loading, so lookups are safe from many threads.
 */
#ifndef KZ_URLSET_H
#define KZ_URLSET_H

#include <stddef.h>
#include <stdint.h>

#define KZ_URLSET_NONE UINT32_MAX
#define KZ_URL_MAX     8192

struct kz_urlset;

/* Caller owns *out; free with kz_urlset_free(). 0 or KZ_ENOMEM. */
int kz_urlset_new(struct kz_urlset **out, size_t expect);
void kz_urlset_free(struct kz_urlset *s);

/*
 * Adds url (normalized here) with id. KZ_EINVAL naming it when it is not
 * an absolute URL; KZ_EEXISTS (no message) with *existing set when its
 * normal form is already there; KZ_ENOMEM.
 */
int kz_urlset_add(struct kz_urlset *s, const char *url, size_t len, uint32_t id,
    uint32_t *existing);

/* The id of url's normal form, or KZ_URLSET_NONE. */
uint32_t kz_urlset_lookup(
    const struct kz_urlset *s, const char *url, size_t len);

size_t kz_urlset_count(const struct kz_urlset *s);
size_t kz_urlset_memory(const struct kz_urlset *s);

/*
 * Writes the normal form of url (scheme "://" authority path...) into out
 * (outsz bytes, NUL-terminated) and its length into *outlen. -1 when url
 * has no scheme, no host, or the result does not fit; no message is set.
 */
int kz_url_normalize(
    char *out, size_t outsz, size_t *outlen, const char *url, size_t len);

/*
 * Finds the host of an absolute URL ("scheme://[user@]host[:port]/..."),
 * without brackets for an IPv6 literal. 0 or -1.
 */
int kz_url_host(
    const char **host, size_t *hostlen, const char *url, size_t len);

/*
 * The same from the authority on: a (just after "://") to e, the end of
 * the URL. 0 or -1.
 */
int kz_url_authority_host(
    const char **host, size_t *hostlen, const char *a, const char *e);

#endif
