/* SPDX-License-Identifier: MIT */
/*
 * A per-thread cache of JSON answers to GET requests, keyed by the user,
 * the language and the URL with its query. It is exact, not a guess: it
 * is emptied whenever the database may have changed, by another
 * connection (PRAGMA data_version) or by a write request on this thread.
 * Authentication and the route's role check run before every lookup, so
 * a hit never skips them.
 */
#ifndef KZ_CACHE_H
#define KZ_CACHE_H

#include <stddef.h>

#include "http.h"

/*
 * For a cacheable GET: answers from the cache and returns 1, or sets up
 * r to store the answer the handler is about to give and returns 0.
 */
int kz_cache_lookup(struct kz_req *r);

/* Stores a 200 answer for r if kz_cache_lookup() set r up for it. */
void kz_cache_store(
    struct kz_req *r, const char *body, size_t len, const char *etag);

/* Empties this thread's cache (after a write on this thread). */
void kz_cache_flush(void);

#endif
