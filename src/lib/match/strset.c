/* SPDX-License-Identifier: MIT */
/*
 * Open-addressing hash set of strings: 12-byte slots (hash tag, arena
 * offset, id) probed linearly, keys stored once as length-prefixed bytes
 * in a growing arena. Kept small so that a million keys fit in tens of MiB.
 */
#include "match/strset.h"

#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "match/match_int.h"

#define KEY_MAX   (1u << 20)
#define ARENA_MAX 0xffffff00u

struct slot {
	uint32_t tag; /* upper hash bits | 1; 0 = empty */
	uint32_t off; /* key in the arena: 4-byte length, then bytes */
	uint32_t id;
};

struct kz_strset {
	struct slot *slots;
	size_t mask;
	size_t count;
	char *arena;
	size_t arena_len;
	size_t arena_cap;
};

static inline uint64_t
mix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

uint64_t
kz_strset_hash(const char *key, size_t len)
{
	const unsigned char *p = (const unsigned char *)key;
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ len;

	while (len >= 8) {
		uint64_t w;

		memcpy(&w, p, 8);
		h = (h ^ w) * 0x100000001b3ULL;
		h ^= h >> 29;
		p += 8;
		len -= 8;
	}
	while (len--)
		h = (h ^ *p++) * 0x100000001b3ULL;
	return mix64(h);
}

static size_t
slots_for(size_t expect)
{
	size_t n = 16;

	/* Keep the load factor under 0.7. */
	while (n * 7 / 10 < expect)
		n <<= 1;
	return n;
}

int
kz_strset_new(struct kz_strset **out, size_t expect)
{
	struct kz_strset *s;
	size_t n = slots_for(expect);

	*out = NULL;
	s = kz_calloc(1, sizeof(*s));
	if (!s)
		return kz_error_set(KZ_ENOMEM, "out of memory");
	s->slots = kz_calloc(n, sizeof(struct slot));
	if (!s->slots) {
		kz_free(s);
		return kz_error_set(KZ_ENOMEM, "out of memory");
	}
	match_advise_huge(s->slots, n * sizeof(struct slot));
	s->mask = n - 1;
	*out = s;
	return 0;
}

void
kz_strset_free(struct kz_strset *s)
{
	if (!s)
		return;
	kz_free(s->slots);
	kz_free(s->arena);
	kz_free(s);
}

static inline uint32_t
tag_of(uint64_t h)
{
	return (uint32_t)(h >> 32) | 1u;
}

static inline int
key_eq(const struct kz_strset *s, uint32_t off, const char *key, size_t len)
{
	uint32_t klen;

	memcpy(&klen, s->arena + off, 4);
	return klen == len && memcmp(s->arena + off + 4, key, len) == 0;
}

static int
resize_slots(struct kz_strset *s, size_t n)
{
	size_t i;
	struct slot *ns = kz_calloc(n, sizeof(struct slot));

	if (!ns)
		return kz_error_set(KZ_ENOMEM, "out of memory");
	match_advise_huge(ns, n * sizeof(struct slot));
	/*
	 * Slots do not keep the full hash and the caller's hash function is
	 * not known here, so a slot's index always comes from its tag.
	 */
	for (i = 0; i <= s->mask; i++) {
		struct slot *o = &s->slots[i];
		size_t j;

		if (!o->tag)
			continue;
		j = (o->tag >> 1) & (n - 1);
		while (ns[j].tag)
			j = (j + 1) & (n - 1);
		ns[j] = *o;
	}
	kz_free(s->slots);
	s->slots = ns;
	s->mask = n - 1;
	return 0;
}

static int
grow_slots(struct kz_strset *s)
{
	return resize_slots(s, (s->mask + 1) * 2);
}

static int
grow_arena(struct kz_strset *s, size_t need)
{
	size_t ncap = s->arena_cap ? s->arena_cap : 4096;
	char *na;

	while (ncap - s->arena_len < need)
		ncap *= 2;
	if (ncap > ARENA_MAX)
		ncap = ARENA_MAX;
	if (ncap - s->arena_len < need)
		return kz_error_set(
		    KZ_ENOMEM, "string set is full (%zu bytes)", s->arena_len);
	na = kz_realloc(s->arena, ncap);
	if (!na)
		return kz_error_set(KZ_ENOMEM, "out of memory");
	match_advise_huge(na, ncap);
	s->arena = na;
	s->arena_cap = ncap;
	return 0;
}

int
kz_strset_reserve(struct kz_strset *s, size_t keys, size_t bytes)
{
	size_t n = slots_for(s->count + keys);
	int rc = 0;

	if (n > s->mask + 1)
		rc = resize_slots(s, n);
	if (!rc && s->arena_cap - s->arena_len < bytes + 4 * keys)
		rc = grow_arena(s, bytes + 4 * keys);
	return rc;
}

static inline size_t
slot_index(const struct kz_strset *s, uint64_t h)
{
	return (tag_of(h) >> 1) & s->mask;
}

int
kz_strset_add_h(struct kz_strset *s, uint64_t h, const char *key, size_t len,
    uint32_t id, uint32_t *existing)
{
	uint32_t tag = tag_of(h), klen = (uint32_t)len;
	size_t i;

	if (existing)
		*existing = KZ_STRSET_NONE;
	if (len > KEY_MAX)
		return kz_error_set(KZ_EINVAL,
		    "key of %zu bytes is longer than the limit of %u", len,
		    KEY_MAX);
	for (i = slot_index(s, h); s->slots[i].tag; i = (i + 1) & s->mask) {
		if (s->slots[i].tag == tag &&
		    key_eq(s, s->slots[i].off, key, len)) {
			if (existing)
				*existing = s->slots[i].id;
			return KZ_EEXISTS;
		}
	}
	if (s->arena_cap - s->arena_len < len + 4) {
		int rc = grow_arena(s, len + 4);

		if (rc)
			return rc;
	}
	if ((s->count + 1) > (s->mask + 1) * 7 / 10) {
		int rc = grow_slots(s);

		if (rc)
			return rc;
		for (i = slot_index(s, h); s->slots[i].tag;
		     i = (i + 1) & s->mask)
			;
	}
	s->slots[i].tag = tag;
	s->slots[i].off = (uint32_t)s->arena_len;
	s->slots[i].id = id;
	memcpy(s->arena + s->arena_len, &klen, 4);
	memcpy(s->arena + s->arena_len + 4, key, len);
	s->arena_len += len + 4;
	s->count++;
	return 0;
}

int
kz_strset_add(struct kz_strset *s, const char *key, size_t len, uint32_t id,
    uint32_t *existing)
{
	return kz_strset_add_h(
	    s, kz_strset_hash(key, len), key, len, id, existing);
}

uint32_t
kz_strset_get_h(
    const struct kz_strset *s, uint64_t h, const char *key, size_t len)
{
	uint32_t tag = tag_of(h);
	size_t i;

	for (i = slot_index(s, h); s->slots[i].tag; i = (i + 1) & s->mask) {
		if (s->slots[i].tag == tag &&
		    key_eq(s, s->slots[i].off, key, len))
			return s->slots[i].id;
	}
	return KZ_STRSET_NONE;
}

uint32_t
kz_strset_get(const struct kz_strset *s, const char *key, size_t len)
{
	return kz_strset_get_h(s, kz_strset_hash(key, len), key, len);
}

void
kz_strset_prefetch(const struct kz_strset *s, uint64_t h)
{
	__builtin_prefetch(&s->slots[slot_index(s, h)]);
}

size_t
kz_strset_count(const struct kz_strset *s)
{
	return s->count;
}

size_t
kz_strset_memory(const struct kz_strset *s)
{
	return sizeof(*s) + (s->mask + 1) * sizeof(struct slot) + s->arena_cap;
}

int
kz_strset_foreach(const struct kz_strset *s,
    int (*fn)(void *ctx, const char *key, size_t len, uint32_t id), void *ctx)
{
	size_t i;

	for (i = 0; i <= s->mask; i++) {
		uint32_t klen;
		int rc;

		if (!s->slots[i].tag)
			continue;
		memcpy(&klen, s->arena + s->slots[i].off, 4);
		rc = fn(
		    ctx, s->arena + s->slots[i].off + 4, klen, s->slots[i].id);
		if (rc)
			return rc;
	}
	return 0;
}
