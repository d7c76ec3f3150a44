/* SPDX-License-Identifier: MIT */
/*
 * Domain matching by hashing every parent suffix of the query. The hash
 * is built from the end of a name, eight bytes a step, so the suffixes of
 * one name share most of the work; each is then one probe into a string
 * set. The single-label suffix is never probed: every TLD is a public
 * suffix and those are refused at load. A blocked Bloom filter (one cache
 * line a probe, sized to stay in cache) answers most misses before the
 * table, which at a million names lives in main memory. Bulk loads queue
 * names for a few adds so that the slot each goes to can be fetched in
 * the meantime.
 */
#include "match/domainset.h"

#include <libpsl.h>
#include <stdio.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/alloc.h"
#include "core/error.h"
#include "match/match_int.h"
#include "match/strset.h"

#define BLOOM_MIN_BITS (1u << 16)
#define BLOOM_MAX_BITS (1u << 27)
#define QUEUE_LEN      16
#define SEED           0x9e3779b97f4a7c15ULL

/* A name waiting to be added (kz_domainset_add_queued). */
struct queued {
	uint64_t h;
	uint32_t id;
	uint32_t len;
	char name[KZ_DOMAIN_MAX];
};

struct kz_domainset {
	struct kz_strset *names;
	uint64_t *bloom;     /* blocks of 512 bits */
	size_t bloom_blocks; /* a power of two */
	void *bloom_mem;     /* what was allocated for it */
	psl_ctx_t *psl;
	int psl_owned;
	struct queued *queue; /* a ring of QUEUE_LEN, allocated when used */
	unsigned q_head, q_n;
	void (*dup)(void *ctx, uint32_t kept, uint32_t other);
	void *dup_ctx;
};

/*
 * The hash: whole 8-byte words taken backwards from the end of the name,
 * then the 1 to 7 bytes left at its start, then the length. Words are
 * read as little-endian numbers on any machine.
 */
static inline uint64_t
load_le64(const char *p)
{
	uint64_t w;

	memcpy(&w, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	w = __builtin_bswap64(w);
#endif
	return w;
}

static inline uint64_t
wstep(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0xff51afd7ed558ccdULL;
	return h ^ (h >> 29);
}

static inline uint64_t
finish(uint64_t h, size_t len)
{
	h ^= (uint64_t)len * 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 32;
	h *= 0xd6e8feb86659fd93ULL;
	h ^= h >> 32;
	return h;
}

/* The n (< 8) bytes at p as a little-endian number. */
static inline uint64_t
partial(const char *p, size_t n)
{
	uint64_t w = 0;

	while (n--)
		w = w << 8 | (unsigned char)p[n];
	return w;
}

static uint64_t
name_hash(const char *s, size_t len)
{
	uint64_t h = SEED, w;
	size_t n = len;

	for (; n >= 8; n -= 8) {
		w = load_le64(s + n - 8);
		h = wstep(h, w);
	}
	if (n)
		h = wstep(h, partial(s, n));
	return finish(h, len);
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

/* The filter block for h: a mask, not a division, picks it. */
static inline const uint64_t *
bloom_block(const struct kz_domainset *s, uint64_t h)
{
	return s->bloom + (size_t)((h >> 32) & (s->bloom_blocks - 1)) * 8;
}

static inline int
bloom_maybe(const struct kz_domainset *s, uint64_t h)
{
	const uint64_t *blk = bloom_block(s, h);
	unsigned b1 = h & 511, b2 = (h >> 9) & 511;

	return (blk[b1 >> 6] >> (b1 & 63) & 1) &&
	    (blk[b2 >> 6] >> (b2 & 63) & 1);
}

static inline void
bloom_set(struct kz_domainset *s, uint64_t h)
{
	uint64_t *blk = (uint64_t *)bloom_block(s, h);
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

/*
 * Sizes the filter at 32 bits a name and fills it from the names. A
 * filter of 2 MiB or more starts on a 2 MiB boundary and asks for huge
 * pages: each probe lands on a random page, and a page walk for each
 * costs as much as the probe.
 */
static int
bloom_resize(struct kz_domainset *s, size_t names)
{
	size_t bits = BLOOM_MIN_BITS, bytes, pad;
	uint64_t *nb;
	void *mem;

	while (bits < names * 32 && bits < BLOOM_MAX_BITS)
		bits <<= 1;
	if (s->bloom && bits / 512 <= s->bloom_blocks)
		return 0;
	bytes = bits / 8;
	pad = bytes >= MATCH_HUGE_PAGE ? MATCH_HUGE_PAGE : 0;
	mem = kz_calloc(bytes + pad, 1);
	if (!mem)
		return kz_error_set(KZ_ENOMEM, "out of memory");
	nb = mem;
	if (pad) {
		nb = (uint64_t *)(((uintptr_t)mem + pad - 1) &
		    ~(uintptr_t)(pad - 1));
		match_advise_huge(nb, bytes);
	}
	kz_free(s->bloom_mem);
	s->bloom_mem = mem;
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
	kz_free(s->bloom_mem);
	kz_free(s->queue);
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

/* Whether name may be added: KZ_EINVAL naming it when not. */
static int
check_name(const struct kz_domainset *s, const char *name, size_t len)
{
	char tmp[KZ_DOMAIN_MAX + 1];

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
	return 0;
}

static int
insert(struct kz_domainset *s, uint64_t h, const char *name, size_t len,
    uint32_t id, uint32_t *existing)
{
	int rc = kz_strset_add_h(s->names, h, name, len, id, existing);

	if (rc)
		return rc;
	bloom_set(s, h);
	if (kz_strset_count(s->names) * 16 > s->bloom_blocks * 512)
		return bloom_resize(s, kz_strset_count(s->names) * 2);
	return 0;
}

/* Adds the oldest queued name. */
static int
insert_queued(struct kz_domainset *s)
{
	struct queued *q = &s->queue[s->q_head];
	uint32_t existing;
	int rc;

	s->q_head = (s->q_head + 1) % QUEUE_LEN;
	s->q_n--;
	rc = insert(s, q->h, q->name, q->len, q->id, &existing);
	if (rc == KZ_EEXISTS) {
		if (s->dup)
			s->dup(s->dup_ctx, existing, q->id);
		rc = 0;
	}
	return rc;
}

int
kz_domainset_flush(struct kz_domainset *s)
{
	int rc = 0;

	while (s->q_n && !rc)
		rc = insert_queued(s);
	return rc;
}

int
kz_domainset_add(struct kz_domainset *s, const char *name, size_t len,
    uint32_t id, uint32_t *existing)
{
	int rc;

	if (existing)
		*existing = KZ_DOMAINSET_NONE;
	rc = check_name(s, name, len);
	if (!rc)
		rc = kz_domainset_flush(s);
	if (!rc)
		rc = insert(s, name_hash(name, len), name, len, id, existing);
	return rc;
}

int
kz_domainset_add_queued(struct kz_domainset *s, const char *name, size_t len,
    uint32_t id, void (*dup)(void *ctx, uint32_t kept, uint32_t other),
    void *ctx)
{
	struct queued *q;
	int rc = check_name(s, name, len);

	if (rc)
		return rc;
	if (!s->queue) {
		s->queue = kz_malloc(QUEUE_LEN * sizeof(*s->queue));
		if (!s->queue)
			return kz_error_set(KZ_ENOMEM, "out of memory");
	}
	s->dup = dup;
	s->dup_ctx = ctx;
	if (s->q_n == QUEUE_LEN) {
		rc = insert_queued(s);
		if (rc)
			return rc;
	}
	q = &s->queue[(s->q_head + s->q_n) % QUEUE_LEN];
	q->h = name_hash(name, len);
	q->id = id;
	q->len = (uint32_t)len;
	memcpy(q->name, name, len);
	s->q_n++;
	/* by the time it is added, these are in cache */
	kz_strset_prefetch(s->names, q->h);
	__builtin_prefetch(bloom_block(s, q->h));
	return 0;
}

/* Each byte 'A' to 'Z' of w lower-cased; the others stay. */
static inline uint64_t
lower8(uint64_t w)
{
	const uint64_t hi = 0x8080808080808080ULL, low7 = 0x7f7f7f7f7f7f7f7fULL;
	uint64_t x = w & low7;
	uint64_t ge_a = (x + 0x3f3f3f3f3f3f3f3fULL) & hi; /* >= 'A' */
	uint64_t gt_z = (x + 0x2525252525252525ULL) & hi; /* > 'Z' */

	return w | ((ge_a & ~gt_z & ~w) >> 2);
}

/* 0x80 in each byte of w that is zero, and nothing else. */
static inline uint64_t
zero_bytes(uint64_t w)
{
	const uint64_t low7 = 0x7f7f7f7f7f7f7f7fULL;

	return ~(((w & low7) + low7) | w | low7);
}

/*
 * Reads host (len bytes, 0 < len <= KZ_DOMAIN_MAX) lower-cased as words
 * aligned to its end: w[k] holds the bytes from len - 8k on (k from 1 to
 * (len + 7) / 8), the last one padded with zeros in front of the name.
 * Copies the name lower-cased into low and notes where its dots are, in
 * order. Returns their number. Words stay in registers: reading back
 * what a byte copy just stored would stall.
 */
static size_t
lower_words(uint64_t *w, char *low, uint8_t *dots, const char *host, size_t len)
{
	size_t nw = (len + 7) / 8, rest = len % 8, n = 0, k;

	for (k = nw; k >= 1; k--) {
		uint64_t x, z;
		size_t at;

		if (k * 8 <= len) {
			x = load_le64(host + len - 8 * k);
			at = len - 8 * k;
		} else {
			/* the first, partial word: never read before host */
			x = len >= 8 ? load_le64(host) : partial(host, rest);
			x = (x & ((1ULL << (8 * rest)) - 1))
			    << (8 * (8 - rest));
			at = 0;
		}
		x = lower8(x);
		w[k] = x;
		/* the padding is zeros, never a dot */
		for (z = zero_bytes(x ^ 0x2e2e2e2e2e2e2e2eULL); z; z &= z - 1)
			dots[n++] = (uint8_t)(len - 8 * k +
			    (size_t)__builtin_ctzll(z) / 8);
		/*
		 * Whole words, first to last: the first word's bytes beyond
		 * the name's first ones are overwritten by the next word.
		 */
		x = k * 8 <= len ? x : x >> (8 * (8 - rest));
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
		x = __builtin_bswap64(x);
#endif
		memcpy(low + at, &x, 8);
	}
	return n;
}

/* Where the lower-cased name starts in q->low. */
#define QLOW(q) ((q)->low + 32)

/* The hash of the suffix of m bytes, from the words and their chain. */
static inline uint64_t
suffix_hash(const uint64_t *chain, const uint64_t *w, size_t m)
{
	size_t rest = m % 8;
	uint64_t h = chain[m / 8];

	/* a suffix's first bytes are the top of the word they are in */
	if (rest)
		h = wstep(h, w[m / 8 + 1] >> (8 * (8 - rest)));
	return finish(h, m);
}

#if defined(__SSE2__)
/*
 * The 32 bytes that end at host + len (len <= 32) into *a and *b, when
 * they lie in one page: then reading the bytes before host cannot fault
 * (they are masked off). 0 when they do not.
 */
__attribute__((no_sanitize_address)) static inline int
load_tail32(__m128i *a, __m128i *b, const char *host, size_t len)
{
	uintptr_t first = (uintptr_t)host + len - 32, last = first + 31;

	if ((first ^ last) >> 12)
		return 0;
	*a = _mm_loadu_si128((const __m128i *)(const void *)(host + len - 32));
	*b = _mm_loadu_si128((const __m128i *)(const void *)(host + len - 16));
	return 1;
}

/*
 * Names of up to 32 bytes, most of them, in a 32-byte window that ends
 * with the name: the bytes before it are zeroed, which makes the four
 * words the hash reads, and every compare sees the whole name at once.
 * No loop runs by a byte or a dot, which a name's shape would mispredict.
 * -1 when the window cannot be read (then the general way runs).
 */
static int
query_init_short(const struct kz_domainset *s, struct kz_domainset_query *q,
    const char *host, size_t len)
{
	/* keep[len + j] is 0xff when window byte j is in the name */
	static const uint8_t keep[64] = { [32 ... 63] = 0xff };
	const __m128i dot = _mm_set1_epi8('.');
	const __m128i up_off = _mm_set1_epi8((char)(0x80 - 'A'));
	const __m128i up_max = _mm_set1_epi8((char)(-128 + 26));
	const __m128i bit5 = _mm_set1_epi8(0x20);
	uint64_t w[6], chain[5];
	unsigned dm, first, d;
	size_t k;
	__m128i a, b;

	if (!load_tail32(&a, &b, host, len))
		return -1;
	a = _mm_and_si128(
	    a, _mm_loadu_si128((const __m128i *)(const void *)(keep + len)));
	b = _mm_and_si128(b,
	    _mm_loadu_si128((const __m128i *)(const void *)(keep + len + 16)));
	/* 'A' to 'Z' become 'a' to 'z' */
	a = _mm_or_si128(a,
	    _mm_and_si128(
		_mm_cmplt_epi8(_mm_add_epi8(a, up_off), up_max), bit5));
	b = _mm_or_si128(b,
	    _mm_and_si128(
		_mm_cmplt_epi8(_mm_add_epi8(b, up_off), up_max), bit5));
	_mm_storeu_si128((__m128i *)(void *)(QLOW(q) + len - 32), a);
	_mm_storeu_si128((__m128i *)(void *)(QLOW(q) + len - 16), b);
	/* bit j: a dot at window byte j, name byte j - (32 - len) */
	dm = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(a, dot)) |
	    (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(b, dot)) << 16;
	first = 32 - (unsigned)len;
	/* one label, or an empty one: last, or between two dots */
	if (!dm || (dm >> 31) || (dm & dm >> 1))
		return 0;
	w[0] = 0;
	w[1] = (uint64_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(b, b));
	w[2] = (uint64_t)_mm_cvtsi128_si64(b);
	w[3] = (uint64_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(a, a));
	w[4] = (uint64_t)_mm_cvtsi128_si64(a);
	w[5] = 0;
	chain[0] = SEED;
#pragma GCC unroll 4
	for (k = 1; k <= 4; k++)
		chain[k] = wstep(chain[k - 1], w[k]);
	q->len = len;
	q->offs[0] = 0;
	q->hs[0] = suffix_hash(chain, w, len);
	__builtin_prefetch(bloom_block(s, q->hs[0]));
	q->n = 1;
	/* after each dot but the last: a single label is never an entry */
	for (d = dm & ~(1u << (31 - __builtin_clz(dm))); d; d &= d - 1) {
		unsigned j = (unsigned)__builtin_ctz(d) + 1;

		q->offs[q->n] = (uint8_t)(j - first);
		q->hs[q->n] = suffix_hash(chain, w, 32 - j);
		/* the filter blocks are far apart: ask for all at once */
		__builtin_prefetch(bloom_block(s, q->hs[q->n]));
		q->n++;
	}
	return 1;
}
#endif

int
kz_domainset_query_init(const struct kz_domainset *s,
    struct kz_domainset_query *q, const char *host, size_t len)
{
	uint64_t chain[KZ_DOMAIN_MAX / 8 + 2], w[KZ_DOMAIN_MAX / 8 + 2];
	uint8_t dots[KZ_DOMAIN_MAX + 8];
	size_t i, nd;

	q->n = 0;
	if (len && host[len - 1] == '.')
		len--;
	if (len == 0 || len > KZ_DOMAIN_MAX || !kz_strset_count(s->names))
		return 0;
#if defined(__SSE2__)
	if (len <= 32) {
		int rc = query_init_short(s, q, host, len);

		if (rc >= 0)
			return rc;
	}
#endif
	nd = lower_words(w, QLOW(q), dots, host, len);
	if (!nd)
		return 0;
	for (i = 0; i < nd; i++) /* an empty label matches nothing */
		if (dots[i] + 1u == len ||
		    (i + 1 < nd && dots[i + 1] == dots[i] + 1))
			return 0;
	/*
	 * The suffixes, longest (most specific) first: the whole name, then
	 * after each dot but the last (a single label is never an entry).
	 */
	q->len = len;
	q->offs[q->n++] = 0;
	for (i = 0; i + 1 < nd; i++)
		q->offs[q->n++] = (uint8_t)(dots[i] + 1);
	chain[0] = SEED;
	for (i = 1; i <= len / 8; i++)
		chain[i] = wstep(chain[i - 1], w[i]);
	for (i = 0; i < q->n; i++) {
		q->hs[i] = suffix_hash(chain, w, len - q->offs[i]);
		/* the filter blocks are far apart: ask for all at once */
		__builtin_prefetch(bloom_block(s, q->hs[i]));
	}
	return 1;
}

uint32_t
kz_domainset_query_run(const struct kz_domainset *s,
    const struct kz_domainset_query *q, size_t *matched_len)
{
	unsigned i;

	for (i = 0; i < q->n; i++) {
		uint32_t id;

		if (!bloom_maybe(s, q->hs[i]))
			continue;
		id = kz_strset_get_h(s->names, q->hs[i], QLOW(q) + q->offs[i],
		    q->len - q->offs[i]);
		if (id != KZ_STRSET_NONE) {
			if (matched_len)
				*matched_len = q->len - q->offs[i];
			return id;
		}
	}
	return KZ_DOMAINSET_NONE;
}

uint32_t
kz_domainset_lookup(const struct kz_domainset *s, const char *host, size_t len,
    size_t *matched_len)
{
	struct kz_domainset_query q;

	if (!kz_domainset_query_init(s, &q, host, len))
		return KZ_DOMAINSET_NONE;
	return kz_domainset_query_run(s, &q, matched_len);
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
