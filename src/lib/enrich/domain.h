/* SPDX-License-Identifier: MIT */
/*
 * Registrable domains ("example.co.jp" for "www.shop.example.co.jp") with
 * libpsl and the public suffix list: the system's current list when there
 * is one, else the list compiled into libpsl.
 */
#ifndef KZ_DOMAIN_H
#define KZ_DOMAIN_H

#include <stddef.h>

struct kz_psl;

/*
 * Loads the list from file (a .dat or .dafsa file), or with file NULL the
 * system's latest list, falling back to libpsl's built-in one. KZ_EIO
 * naming a file that cannot be read. Caller frees with kz_psl_free().
 */
int kz_psl_new(struct kz_psl **out, const char *file);
void kz_psl_free(struct kz_psl *p);

/* Where the list came from: a file path or "built-in". Borrowed. */
const char *kz_psl_source(const struct kz_psl *p);

/*
 * The registrable domain of host (a lower-case A-label name, a trailing dot
 * allowed) into out (outsz bytes). KZ_ENOTFOUND when host is itself a
 * public suffix ("co.jp") or has none, KZ_EINVAL when it does not fit or is
 * empty.
 */
int kz_domain_registrable(
    char *out, size_t outsz, const struct kz_psl *p, const char *host);

/* 1 when name is a public suffix ("jp", "co.jp", "github.io"), else 0. */
int kz_domain_is_public_suffix(const struct kz_psl *p, const char *name);

/* The public suffix of host ("co.jp" for "www.example.co.jp"). Borrowed
 * from host; NULL when there is none. */
const char *kz_domain_suffix(const struct kz_psl *p, const char *host);

#endif
