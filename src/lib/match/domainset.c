/* SPDX-License-Identifier: MIT */
/*
 * Domain matching by hashing every parent suffix of the query. The hash
 * runs from the last byte backwards, so one pass over the name yields the
 * hash of each suffix at its label boundary; each is then one probe into
 * a string set. The single-label suffix is never probed: every TLD is a
 * public suffix and those are refused at load. A blocked Bloom filter
 * (one cache line a probe, sized to stay in cache) answers most misses
 * before the table, which at a million names lives in main memory.
 */
#include "match/domainset.h"

#include <libpsl.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "match/strset.h"

#define BLOOM_MIN_BITS (1u << 16)
#define BLOOM_MAX_BITS (1u << 27)

struct kz_domainset {
	struct kz_strset *names;
	uint64_t *bloom; /* blocks of 512 bits */
	size_t bloom_blocks;
	psl_ctx_t *psl;
	int psl_owned;
};

/* Hash step over one byte, run from the end of the name to its start. */
static inline uint64_t
step(uint64_t h, unsigned char c)
{
	return (h ^ c) * 0x100000001b3ULL;
}

static inline uint64_t
finish(uint64_t h)
{
	h ^= h >> 32;
	h *= 0xd6e8feb86659fd93ULL;
	h ^= h >> 32;
	return h;
}

static uint64_t
name_hash(const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	while (len)
		h = step(h, (unsigned char)s[--len]);
	return finish(h);
}

static int bloom_resize(struct kz_domainset *s, size_t names);

int
kz_domainset_new(struct kz_domainset **out, size_t expect)
{
	struct kz_domainset *s;
	int rc;

	*out = NULL;
	s = kz_calloc(1, sizeof(*s));
	if (!s)
		return kz_error_set(KZ_ENOMEM, "out of memory");
	rc = kz_strset_new(&s->names, expect);
	if (!rc)
		rc = bloom_resize(s, expect);
	if (rc) {
		kz_strset_free(s->names);
		kz_free(s);
		return rc;
	}
	s->psl = psl_latest(NULL);
	s->psl_owned = s->psl != NULL;
	if (!s->psl)
		s->psl = (psl_ctx_t *)psl_builtin();
	*out = s;
	return 0;
}

static inline int
bloom_maybe(const struct kz_domainset *s, uint64_t h)
{
	const uint64_t *blk =
	    s->bloom + (size_t)((h >> 32) % s->bloom_blocks) * 8;
	unsigned b1 = h & 511, b2 = (h >> 9) & 511;

	return (blk[b1 >> 6] >> (b1 & 63) & 1) &&
	    (blk[b2 >> 6] >> (b2 & 63) & 1);
}

static inline void
bloom_set(struct kz_domainset *s, uint64_t h)
{
	uint64_t *blk = s->bloom + (size_t)((h >> 32) % s->bloom_blocks) * 8;
	unsigned b1 = h & 511, b2 = (h >> 9) & 511;

	blk[b1 >> 6] |= 1ULL << (b1 & 63);
	blk[b2 >> 6] |= 1ULL << (b2 & 63);
}

static int
bloom_add_key(void *ctx, const char *key, size_t len, uint32_t id)
{
	bloom_set(ctx, name_hash(key, len));
	return 0;
}

/* Sizes the filter at 16 bits a name and fills it from the names. */
static int
bloom_resize(struct kz_domainset *s, size_t names)
{
	size_t bits = BLOOM_MIN_BITS;
	uint64_t *nb;

	while (bits < names * 16 && bits < BLOOM_MAX_BITS)
		bits <<= 1;
	if (s->bloom && bits / 512 <= s->bloom_blocks)
		return 0;
	nb = kz_calloc(bits / 64, sizeof(uint64_t));
	if (!nb)
		return kz_error_set(KZ_ENOMEM, "out of memory");
	kz_free(s->bloom);
	s->bloom = nb;
	s->bloom_blocks = bits / 512;
	if (kz_strset_count(s->names)) /* reserve() comes first: often empty */
		kz_strset_foreach(s->names, bloom_add_key, s);
	return 0;
}

int
kz_domainset_reserve(struct kz_domainset *s, size_t n, size_t bytes)
{
	int rc = kz_strset_reserve(s->names, n, bytes);

	if (!rc)
		rc = bloom_resize(s, kz_strset_count(s->names) + n);
	return rc;
}

void
kz_domainset_free(struct kz_domainset *s)
{
	if (!s)
		return;
	kz_free(s->bloom);
	kz_strset_free(s->names);
	if (s->psl_owned)
		psl_free(s->psl);
	kz_free(s);
}

int
kz_domainset_is_public_suffix(const struct kz_domainset *s, const char *name)
{
	if (!strchr(name, '.'))
		return 1;
	if (!s->psl)
		return 0;
	return psl_is_public_suffix2(s->psl, name, PSL_TYPE_ANY) != 0;
}

static int
valid_name(const char *s, size_t len)
{
	size_t i, label = 0;

	if (len == 0 || len > KZ_DOMAIN_MAX)
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '.') {
			if (label == 0 || s[i - 1] == '-')
				return 0;
			label = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
			c == '-' || c == '_'))
			return 0;
		if (label == 0 && c == '-')
			return 0;
		if (++label > 63)
			return 0;
	}
	return label > 0 && s[len - 1] != '-';
}

int
kz_domainset_add(struct kz_domainset *s, const char *name, size_t len,
    uint32_t id, uint32_t *existing)
{
	char tmp[KZ_DOMAIN_MAX + 1];

	if (existing)
		*existing = KZ_DOMAINSET_NONE;
	if (!valid_name(name, len)) {
		snprintf(
		    tmp, sizeof(tmp), "%.*s", (int)(len > 80 ? 80 : len), name);
		return kz_error_set(KZ_EINVAL,
		    "'%s' is not a valid lower-case domain name", tmp);
	}
	memcpy(tmp, name, len);
	tmp[len] = '\0';
	if (kz_domainset_is_public_suffix(s, tmp))
		return kz_error_set(KZ_EINVAL,
		    "'%s' is a public suffix, not a domain: give a registrable domain or a name below one",
		    tmp);
	{
		uint64_t h = name_hash(name, len);
		int rc = kz_strset_add_h(s->names, h, name, len, id, existing);

		if (rc)
			return rc;
		bloom_set(s, h);
		if (kz_strset_count(s->names) * 16 > s->bloom_blocks * 512 * 2)
			return bloom_resize(s, kz_strset_count(s->names) * 2);
		return 0;
	}
}

uint32_t
kz_domainset_lookup(const struct kz_domainset *s, const char *host, size_t len,
    size_t *matched_len)
{
	char low[KZ_DOMAIN_MAX + 1];
	uint64_t hs[KZ_DOMAIN_MAX / 2 + 2];
	size_t offs[KZ_DOMAIN_MAX / 2 + 2];
	size_t i, n = 0, dots = 0;
	uint64_t h = 0xcbf29ce484222325ULL;

	if (len && host[len - 1] == '.')
		len--;
	if (len == 0 || len > KZ_DOMAIN_MAX || !kz_strset_count(s->names))
		return KZ_DOMAINSET_NONE;
	/*
	 * Walk backwards, lower-casing into low[] and noting the hash of each
	 * suffix that starts just after a dot, or at the start of the name.
	 */
	for (i = len; i-- > 0;) {
		unsigned char c = (unsigned char)host[i];

		if (c >= 'A' && c <= 'Z')
			c |= 0x20;
		if (c == '.') {
			if (i + 1 == len || host[i + 1] == '.')
				return KZ_DOMAINSET_NONE; /* empty label */
			if (dots++) {
				hs[n] = finish(h);
				offs[n] = i + 1;
				n++;
			}
		}
		low[i] = (char)c;
		h = step(h, c);
	}
	if (!dots)
		return KZ_DOMAINSET_NONE;
	hs[n] = finish(h);
	offs[n] = 0;
	n++;
	/* Longest (most specific) first. */
	for (i = n; i-- > 0;) {
		uint32_t id;

		if (!bloom_maybe(s, hs[i]))
			continue;
		id = kz_strset_get_h(
		    s->names, hs[i], low + offs[i], len - offs[i]);

		if (id != KZ_STRSET_NONE) {
			if (matched_len)
				*matched_len = len - offs[i];
			return id;
		}
	}
	return KZ_DOMAINSET_NONE;
}

size_t
kz_domainset_count(const struct kz_domainset *s)
{
	return kz_strset_count(s->names);
}

size_t
kz_domainset_memory(const struct kz_domainset *s)
{
	return sizeof(*s) + s->bloom_blocks * 64 + kz_strset_memory(s->names);
}
