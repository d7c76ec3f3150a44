/* SPDX-License-Identifier: MIT */
/*
 * A compact hash set of byte strings, each mapped to a uint32 id (an index
 * into a caller's table). Open addressing, keys copied into one arena.
 * Built single-threaded; once no more keys are added, lookups from any
 * number of threads are safe.
 */
#ifndef KZ_STRSET_H
#define KZ_STRSET_H

#include <stddef.h>
#include <stdint.h>

#define KZ_STRSET_NONE UINT32_MAX

struct kz_strset;

/*
 * A new empty set sized for about expect keys (it grows as needed). Caller
 * owns *out; free with kz_strset_free(). 0 or KZ_ENOMEM.
 */
int kz_strset_new(struct kz_strset **out, size_t expect);
void kz_strset_free(struct kz_strset *s);

/*
 * Makes room for keys more keys holding about bytes bytes in all, so a
 * bulk load does not grow step by step. 0 or KZ_ENOMEM.
 */
int kz_strset_reserve(struct kz_strset *s, size_t keys, size_t bytes);

/* The hash kz_strset_add() and kz_strset_get() use for key. */
uint64_t kz_strset_hash(const char *key, size_t len);

/*
 * Adds key (binary safe, at most 1 MiB) with id. When the key is already
 * there, nothing changes, *existing (if not NULL) gets the id it has and
 * KZ_EEXISTS is returned without setting an error message; otherwise
 * *existing gets KZ_STRSET_NONE. 0, KZ_EEXISTS, KZ_EINVAL (key too long),
 * KZ_ENOMEM.
 */
int kz_strset_add(struct kz_strset *s, const char *key, size_t len, uint32_t id,
    uint32_t *existing);

/* The same with a hash the caller computed (its own hash function). */
int kz_strset_add_h(struct kz_strset *s, uint64_t hash, const char *key,
    size_t len, uint32_t id, uint32_t *existing);

/* The id of key, or KZ_STRSET_NONE. */
uint32_t kz_strset_get(const struct kz_strset *s, const char *key, size_t len);
uint32_t kz_strset_get_h(
    const struct kz_strset *s, uint64_t hash, const char *key, size_t len);

/* Hints the CPU to load the slot that hash maps to. */
void kz_strset_prefetch(const struct kz_strset *s, uint64_t hash);

/* Number of keys, and bytes held (slots and arena). */
size_t kz_strset_count(const struct kz_strset *s);
size_t kz_strset_memory(const struct kz_strset *s);

/*
 * Calls fn for every key in slot order; stops when fn returns nonzero and
 * returns that value. Keys are borrowed, valid while s is unchanged.
 */
int kz_strset_foreach(const struct kz_strset *s,
    int (*fn)(void *ctx, const char *key, size_t len, uint32_t id), void *ctx);

#endif
