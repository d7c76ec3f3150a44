/* SPDX-License-Identifier: MIT */
/*
 * The indicator scanner. One pass cuts the text into runs of characters
 * that can belong to an indicator; a run without a dot, colon, at-sign,
 * bracket form or digit next to a letter is dropped at once, so prose
 * costs a table lookup per byte. Other runs are refanged when needed and
 * scanned for candidates, which the canonicalizers of ioc.c confirm.
 */
#include "extract/extract.h"

#include <stdint.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/alloc.h"
#include "core/error.h"
#include "extract/extract_int.h"

/* Longest run scanned as one; longer runs are cut (base64 blobs ...). */
#define RUN_MAX (1u << 16)

/* Run classes: what a character contributes to its run. */
enum {
	R_ALPHA = 1 << 0,
	R_DIGIT = 1 << 1,
	R_DOT = 1 << 2,
	R_COLON = 1 << 3,
	R_AT = 1 << 4,
	R_BRACK = 1 << 5,
	R_PUNCT = 1 << 6,
	R_WIDE = 1 << 7,   /* fullwidth form or ideographic stop: refang */
	R_LETTER = 1 << 8, /* a non-ASCII letter */
	R_HIGH = 1 << 9    /* a byte from 0x80: decode it */
};

/*
 * Byte classes; 0 ends a run: controls, space, quotes, <, >, `, \\, ^, |
 * and DEL never belong to an indicator. Bytes from 0x80 are decoded.
 */
#define AL R_ALPHA
#define DG R_DIGIT
#define DT R_DOT
#define CO R_COLON
#define AT R_AT
#define BR R_BRACK
#define PU R_PUNCT
#define HI R_HIGH
/* clang-format off */
static const uint16_t cls[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, PU, 0, PU, PU, PU, PU, 0, BR, PU, PU, PU, PU, PU, DT, PU,
	DG, DG, DG, DG, DG, DG, DG, DG, DG, DG, CO, PU, 0, PU, 0, PU,
	AT, AL, AL, AL, AL, AL, AL, AL, AL, AL, AL, AL, AL, AL, AL, AL,
	AL, AL, AL, AL, AL, AL, AL, AL, AL, AL, AL, BR, 0, PU, 0, PU,
	0, AL, AL, AL, AL, AL, AL, AL, AL, AL, AL, AL, AL, AL, AL, AL,
	AL, AL, AL, AL, AL, AL, AL, AL, AL, AL, AL, BR, 0, PU, PU, 0,
	HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI,
	HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI,
	HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI,
	HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI,
	HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI,
	HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI,
	HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI,
	HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI,
};
/* clang-format on */
#undef AL
#undef DG
#undef DT
#undef CO
#undef AT
#undef BR
#undef PU
#undef HI


/*
 * Values found and not yet looked up: each one's slot is fetched into the
 * cache when it is found and read when the queue is full, so that the
 * miss overlaps the scan instead of stalling it. The queue is worked off
 * in order, which keeps the items in order of first appearance.
 */
#define QUEUE_LEN  16
#define QUEUE_TEXT 4096 /* bytes of queued values before a flush */

struct pending {
	uint64_t key;
	size_t start, end;
	uint32_t off, len; /* of the value in ctx.qval */
	enum kz_ioc_type type;
};

struct ctx {
	struct kz_extract_result *r;
	const unsigned char *text;
	size_t len;
	unsigned flags;
	unsigned types; /* bit t set: type t wanted */
	struct kz_buf val;
	char *nbuf;
	uint32_t *map;
	struct pending q[QUEUE_LEN];
	size_t nq;
	struct kz_buf qval;
};

/* --- result storage ------------------------------------------------------ */

/*
 * The de-duplication table: open addressing with linear probing over
 * 16-byte slots that hold a 64-bit key, where the value is and how many
 * more times it was seen. The values live one after the other in one
 * arena, each behind a header with its item index, type and length,
 * 8-byte aligned. With hundreds of thousands of values neither the table
 * nor the arena fits the cache and each place read is a miss, so a value
 * seen before costs one slot and, to confirm it, one arena entry; an
 * IPv4 address, the value logs repeat most, is its own key and costs the
 * slot alone. Growing reads only the slots. The items get their values in
 * one walk over the arena when the scan ends, and their counts from the
 * slots that counted.
 */
struct kz_extract_slot {
	uint64_t key; /* IPV4_KEY | address, or the hash without that bit */
	uint32_t ref; /* offset of the entry in the arena / 8, + 1; 0: empty */
	uint32_t extra; /* occurrences after the first, mod 2^32 */
};

#define IPV4_KEY (1ULL << 63)

struct entry {
	uint32_t idx; /* of the item */
	uint32_t key; /* length << 4 | type */
};

/* The arena is addressed with 32-bit offsets. */
#define ARENA_MAX ((size_t)UINT32_MAX)

/* Longest value the table can name (the key holds its length). */
#define VALUE_MAX ((size_t)UINT32_MAX >> 4)

void
kz_extract_result_init(struct kz_extract_result *r)
{
	memset(r, 0, sizeof(*r));
}

static void
result_clear(struct kz_extract_result *r)
{
	r->n = 0;
	r->truncated = 0;
	r->arena_len = 0;
	if (r->slots)
		memset(r->slots, 0, r->nslots * sizeof(*r->slots));
}

void
kz_extract_result_release(struct kz_extract_result *r)
{
	kz_free(r->items);
	kz_free(r->slots);
	kz_free(r->arena);
	kz_extract_result_init(r);
}

static size_t
entry_size(size_t n)
{
	return (sizeof(struct entry) + n + 1 + 7) & ~(size_t)7;
}

static struct entry *
entry_at(const struct kz_extract_result *r, uint32_t ref)
{
	return (struct entry *)(void *)(r->arena + ((size_t)(ref - 1) << 3));
}

static uint64_t
load64(const char *s)
{
	uint64_t w;

	memcpy(&w, s, sizeof(w));
	return w;
}

static uint64_t
load32(const char *s)
{
	uint32_t w;

	memcpy(&w, s, sizeof(w));
	return w;
}

static uint64_t
mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	return h ^ (h >> 33);
}

/* Eight bytes at a time; the tail as two overlapping loads. */
static uint64_t
hash_value(enum kz_ioc_type t, const char *s, size_t n)
{
	uint64_t h = ((uint64_t)n << 8 | (uint64_t)t) * 0x9e3779b97f4a7c15ULL;
	size_t i = 0;

	for (; n - i > 8; i += 8)
		h = (h ^ load64(s + i)) * 0x9fb21c651e98df25ULL ^ (h >> 29);
	if (n >= 8)
		h ^= load64(s + n - 8);
	else if (n >= 4)
		h ^= load32(s) << 32 | load32(s + n - 4);
	else if (n > 0)
		h ^= (uint64_t)(unsigned char)s[0] << 16 |
		    (uint64_t)(unsigned char)s[n / 2] << 8 |
		    (unsigned char)s[n - 1];
	return mix(h) & ~IPV4_KEY;
}

/*
 * An IPv4 address in canonical form ("192.0.2.1") as IPV4_KEY | address
 * in *key; -1 for any other spelling, which is hashed instead.
 */
static int
ipv4_key(const char *s, size_t n, uint64_t *key)
{
	uint64_t a = 0;
	unsigned v = 0, digits = 0, parts = 0;

	if (n < 7 || n > 15)
		return -1;
	for (size_t i = 0; i <= n; i++) {
		unsigned c = i < n ? (unsigned char)s[i] : '.';

		if (c == '.') {
			if (!digits || v > 255 || ++parts > 4)
				return -1;
			a = a << 8 | v;
			v = 0;
			digits = 0;
		} else if (c - '0' < 10 && (digits == 0 || v != 0)) {
			v = v * 10 + (c - '0');
			digits++;
		} else {
			return -1;
		}
	}
	if (parts != 4)
		return -1;
	*key = IPV4_KEY | a;
	return 0;
}

static uint64_t
value_key(enum kz_ioc_type t, const char *s, size_t n)
{
	uint64_t key;

	if (t == KZ_IOC_IPV4 && ipv4_key(s, n, &key) == 0)
		return key;
	return hash_value(t, s, n);
}

/* Where a key's probe starts: a hash is spread already, an address not. */
static size_t
key_home(uint64_t key)
{
	return (size_t)(key & IPV4_KEY ? mix(key) : key);
}

static uint32_t
slot_key(enum kz_ioc_type t, size_t n)
{
	return (uint32_t)(n << 4) | (uint32_t)t;
}

/* The slot of the value with that key, or the empty slot for it. */
static struct kz_extract_slot *
find_slot(const struct kz_extract_result *r, enum kz_ioc_type t, const char *s,
    size_t n, uint64_t key)
{
	size_t mask = r->nslots - 1, i = key_home(key) & mask;
	uint32_t ek = slot_key(t, n);

	for (;; i = (i + 1) & mask) {
		struct kz_extract_slot *sl = &r->slots[i];
		const struct entry *e;

		if (!sl->ref)
			return sl;
		if (sl->key != key)
			continue;
		if (key & IPV4_KEY)
			return sl; /* the key is the value */
		e = entry_at(r, sl->ref);
		if (e->key == ek && memcmp(e + 1, s, n) == 0)
			return sl;
	}
}

static int
grow_slots(struct kz_extract_result *r)
{
	size_t nn = r->nslots ? r->nslots * 2 : 1024;
	struct kz_extract_slot *old = r->slots;
	size_t oldn = r->nslots;

	r->slots = kz_calloc(nn, sizeof(*r->slots));
	if (!r->slots) {
		r->slots = old;
		return kz_error_set(KZ_ENOMEM, "out of memory");
	}
	r->nslots = nn;
	for (size_t i = 0; i < oldn; i++) {
		size_t k;

		if (!old[i].ref)
			continue;
		k = key_home(old[i].key) & (nn - 1);
		while (r->slots[k].ref)
			k = (k + 1) & (nn - 1);
		r->slots[k] = old[i];
	}
	kz_free(old);
	return 0;
}

/*
 * Appends an entry for the value s[0..n) of type t, item idx, to the
 * arena; 0, or KZ_ENOMEM. *ref names it.
 */
static int
store_value(struct kz_extract_result *r, enum kz_ioc_type t, const char *s,
    size_t n, size_t idx, uint32_t *ref)
{
	size_t need = entry_size(n);
	struct entry *e;

	if (r->arena_alloc - r->arena_len < need) {
		size_t na = r->arena_alloc ? r->arena_alloc : 65536;
		char *p;

		while (na - r->arena_len < need)
			na *= 2;
		if (na > ARENA_MAX)
			na = ARENA_MAX;
		if (na - r->arena_len < need)
			return KZ_ENOMEM;
		p = kz_realloc(r->arena, na);
		if (!p)
			return kz_error_set(KZ_ENOMEM, "out of memory");
		r->arena = p;
		r->arena_alloc = na;
	}
	e = (struct entry *)(void *)(r->arena + r->arena_len);
	e->idx = (uint32_t)idx;
	e->key = slot_key(t, n);
	memcpy(e + 1, s, n);
	((char *)(e + 1))[n] = '\0';
	*ref = (uint32_t)(r->arena_len >> 3) + 1;
	r->arena_len += need;
	return 0;
}

/*
 * Adds the value s[0..n) as an item of type t found at [start, end); key
 * is its value_key() unless every occurrence is kept.
 */
static int
add_item(struct ctx *cx, enum kz_ioc_type t, const char *s, size_t n,
    uint64_t key, size_t start, size_t end)
{
	struct kz_extract_result *r = cx->r;
	struct kz_extract_item *it;
	struct kz_extract_slot *slot = NULL;
	uint32_t ref = 0;
	int rc;

	if (!(cx->flags & KZ_EXTRACT_ALL)) {
		/* at most half full */
		if ((r->n + 1) * 2 > r->nslots && grow_slots(r))
			return KZ_ENOMEM;
		slot = find_slot(r, t, s, n, key);
		if (slot->ref) {
			if (++slot->extra == 0) /* carry */
				r->items[entry_at(r, slot->ref)->idx].count +=
				    (size_t)UINT32_MAX + 1;
			return 0;
		}
	}
	if (r->n >= KZ_EXTRACT_MAX_ITEMS) {
		r->truncated = 1;
		return 0;
	}
	if (r->n == r->alloc) {
		size_t na = r->alloc ? r->alloc * 2 : 64;
		struct kz_extract_item *ni =
		    kz_realloc(r->items, na * sizeof(*ni));

		if (!ni)
			return kz_error_set(KZ_ENOMEM, "out of memory");
		r->items = ni;
		r->alloc = na;
	}
	rc = store_value(r, t, s, n, r->n, &ref);
	if (rc == KZ_ENOMEM && r->arena_alloc == ARENA_MAX) {
		r->truncated = 1; /* 4 GiB of distinct values */
		return 0;
	}
	if (rc)
		return rc;
	it = &r->items[r->n];
	it->type = t;
	it->value = NULL; /* set by sync_items() */
	it->len = n;
	it->start = start;
	it->end = end;
	it->count = 1;
	r->n++;
	if (slot) {
		slot->key = key;
		slot->ref = ref;
		slot->extra = 0;
	}
	return 0;
}

/* Looks up the queued values in order; 0, or KZ_ENOMEM. */
static int
flush_queue(struct ctx *cx)
{
	int rc = 0;

	for (size_t i = 0; i < cx->nq && !rc; i++) {
		const struct pending *p = &cx->q[i];

		rc = add_item(cx, p->type, cx->qval.ptr + p->off, p->len,
		    p->key, p->start, p->end);
	}
	cx->nq = 0;
	kz_buf_reset(&cx->qval);
	return rc;
}

/* Adds the value in cx->val as an item of type t found at [start, end). */
static int
queue_item(struct ctx *cx, enum kz_ioc_type t, size_t start, size_t end)
{
	const struct kz_extract_result *r = cx->r;
	struct pending *p;
	size_t n = cx->val.len;
	int rc;

	if (cx->val.err)
		return cx->val.err;
	if (cx->flags & KZ_EXTRACT_ALL)
		return add_item(cx, t, cx->val.ptr, n, 0, start, end);
	if (cx->nq == QUEUE_LEN || cx->qval.len > QUEUE_TEXT) {
		rc = flush_queue(cx);
		if (rc)
			return rc;
	}
	p = &cx->q[cx->nq];
	p->key = value_key(t, cx->val.ptr, n);
	p->start = start;
	p->end = end;
	p->off = (uint32_t)cx->qval.len;
	p->len = (uint32_t)n;
	p->type = t;
	kz_buf_add(&cx->qval, cx->val.ptr, n);
	if (cx->qval.err)
		return cx->qval.err;
	cx->nq++;
	if (r->nslots)
		__builtin_prefetch(
		    &r->slots[key_home(p->key) & (r->nslots - 1)], 1);
	return 0;
}

/*
 * Points the items at their values (the entries are in the order of the
 * items) and adds to their counts what the slots counted. The slots are
 * emptied of counts, so that this can run once per scan only.
 */
static void
sync_items(struct kz_extract_result *r)
{
	size_t off = 0;

	for (size_t i = 0; i < r->n; i++) {
		r->items[i].value = r->arena + off + sizeof(struct entry);
		off += entry_size(r->items[i].len);
	}
	for (size_t i = 0; i < r->nslots; i++) {
		struct kz_extract_slot *sl = &r->slots[i];

		if (sl->extra) {
			r->items[entry_at(r, sl->ref)->idx].count += sl->extra;
			sl->extra = 0;
		}
	}
}

const struct kz_extract_item *
kz_extract_find(
    const struct kz_extract_result *r, enum kz_ioc_type type, const char *value)
{
	size_t n = strlen(value);

	if (r->nslots && !(r->flags & KZ_EXTRACT_ALL) && n <= VALUE_MAX) {
		struct kz_extract_slot *slot =
		    find_slot(r, type, value, n, value_key(type, value, n));

		return slot->ref ? &r->items[entry_at(r, slot->ref)->idx] :
				   NULL;
	}
	for (size_t i = 0; i < r->n; i++)
		if (r->items[i].type == type && r->items[i].len == n &&
		    memcmp(r->items[i].value, value, n) == 0)
			return &r->items[i];
	return NULL;
}

size_t
kz_extract_count(const struct kz_extract_result *r, enum kz_ioc_type t)
{
	size_t k = 0;

	for (size_t i = 0; i < r->n; i++)
		k += r->items[i].type == t;
	return k;
}

/* --- character classes --------------------------------------------------- */

static int
is_alpha(unsigned c)
{
	return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

static int
is_digit(unsigned c)
{
	return c - '0' < 10;
}

static int
is_alnum(unsigned c)
{
	return is_alpha(c) || is_digit(c);
}

static int
is_hex(unsigned c)
{
	return is_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

static int
is_host_ascii(unsigned c)
{
	return is_alnum(c) || c == '-' || c == '_';
}

/* A fullwidth letter or digit (U+FF10..19, FF21..3A, FF41..5A) at p. */
static int
wide_alnum(const unsigned char *p)
{
	if (p[0] != 0xef)
		return 0;
	if (p[1] == 0xbc)
		return (p[2] >= 0x90 && p[2] <= 0x99) ||
		    (p[2] >= 0xa1 && p[2] <= 0xba);
	return p[1] == 0xbd && p[2] >= 0x81 && p[2] <= 0x9a;
}

static int
letter_cp(uint32_t cp)
{
	/* clang-format off */
	static const uint32_t ranges[][2] = {
		{ 0x00c0, 0x00d6 }, { 0x00d8, 0x00f6 }, { 0x00f8, 0x02af },
		{ 0x0370, 0x03ff }, { 0x0400, 0x052f }, { 0x0530, 0x058f },
		{ 0x05d0, 0x05ea }, { 0x0620, 0x064a }, { 0x0900, 0x0dff },
		{ 0x0e01, 0x0e3a }, { 0x0e40, 0x0e4e }, { 0x1e00, 0x1fff },
		{ 0x3005, 0x3007 }, { 0x3041, 0x309f }, { 0x30a1, 0x30fa },
		{ 0x30fc, 0x30ff }, { 0x3400, 0x4dbf }, { 0x4e00, 0x9fff },
		{ 0xac00, 0xd7a3 }, { 0xf900, 0xfaff }, { 0xff66, 0xff9f },
		{ 0x20000, 0x3134f },
	};
	/* clang-format on */

	for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++)
		if (cp >= ranges[i][0] && cp <= ranges[i][1])
			return 1;
	return 0;
}

/*
 * Class of the non-ASCII character at p[i]; 0 when it ends a run. *adv is
 * its length (1 for a malformed byte).
 */
static unsigned
wide_class(const unsigned char *p, size_t i, size_t len, size_t *adv)
{
	unsigned c = p[i];
	uint32_t cp;

	*adv = 1;
	if (c >= 0xe4 && c <= 0xe9) {
		/* U+4000..U+9FFF: CJK ideographs, the bulk of Japanese text */
		if (i + 2 < len && (p[i + 1] & 0xc0) == 0x80 &&
		    (p[i + 2] & 0xc0) == 0x80) {
			*adv = 3;
			cp = ((c & 0x0f) << 12) | ((p[i + 1] & 0x3fu) << 6) |
			    (p[i + 2] & 0x3fu);
			return cp >= 0x4e00 || cp <= 0x4dbf ? R_LETTER : 0;
		}
		return 0;
	}
	if (c >= 0xc2 && c < 0xe0) {
		if (i + 1 >= len || (p[i + 1] & 0xc0) != 0x80)
			return 0;
		*adv = 2;
		cp = ((c & 0x1f) << 6) | (p[i + 1] & 0x3fu);
		return letter_cp(cp) ? R_LETTER : 0;
	}
	if (c >= 0xe0 && c < 0xf0) {
		if (i + 2 >= len || (p[i + 1] & 0xc0) != 0x80 ||
		    (p[i + 2] & 0xc0) != 0x80)
			return 0;
		*adv = 3;
		cp = ((c & 0x0f) << 12) | ((p[i + 1] & 0x3fu) << 6) |
		    (p[i + 2] & 0x3fu);
		if (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		if (cp == 0x3002 || cp == 0xff0e || cp == 0xff61) {
			/* A dot only between ASCII-like letters or digits. */
			int before =
			    (i >= 1 && p[i - 1] < 0x80 && is_alnum(p[i - 1])) ||
			    (i >= 3 && wide_alnum(p + i - 3));
			int after = (i + 3 < len && is_alnum(p[i + 3])) ||
			    (i + 5 < len && wide_alnum(p + i + 3));

			return before && after ? R_DOT | R_WIDE : 0;
		}
		if (cp >= 0xff01 && cp <= 0xff5e) {
			unsigned k = cls[cp - 0xfee0];

			return k ? k | R_WIDE : 0;
		}
		return letter_cp(cp) ? R_LETTER : 0;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (i + 3 >= len || (p[i + 1] & 0xc0) != 0x80 ||
		    (p[i + 2] & 0xc0) != 0x80 || (p[i + 3] & 0xc0) != 0x80)
			return 0;
		*adv = 4;
		cp = ((c & 0x07) << 18) | ((p[i + 1] & 0x3fu) << 12) |
		    ((p[i + 2] & 0x3fu) << 6) | (p[i + 3] & 0x3fu);
		return letter_cp(cp) ? R_LETTER : 0;
	}
	return 0;
}

/*
 * The common case of Japanese text, inline: kana (U+3041..U+30FF but
 * U+30A0 and U+30FB) and CJK ideographs (U+3400..U+4DBF,
 * U+4E00..U+9FFF) are letters. 0 sends the character to wide_class().
 */
static inline unsigned
kana_kanji(const unsigned char *p, size_t i, size_t len)
{
	unsigned c = p[i];
	uint32_t cp;

	if (c < 0xe3 || c > 0xe9 || len - i < 3 || (p[i + 1] & 0xc0) != 0x80 ||
	    (p[i + 2] & 0xc0) != 0x80)
		return 0;
	cp =
	    ((c & 0x0f) << 12) | ((p[i + 1] & 0x3fu) << 6) | (p[i + 2] & 0x3fu);
	if (cp >= 0x4e00 || (cp >= 0x3400 && cp <= 0x4dbf) ||
	    (cp >= 0x3041 && cp <= 0x30ff && cp != 0x30a0 && cp != 0x30fb))
		return R_LETTER;
	return 0;
}

/* --- candidates within a run -------------------------------------------- */

struct run {
	const unsigned char *v; /* refanged view */
	size_t m;
	const uint32_t *map; /* NULL: v is the text itself */
	size_t base;         /* offset of the run in the text */
	unsigned f;
	int defanged;
};

static int
want(const struct ctx *cx, enum kz_ioc_type t)
{
	return (cx->types >> t) & 1;
}

static int
emit(struct ctx *cx, const struct run *rn, enum kz_ioc_type t, size_t vs,
    size_t ve)
{
	size_t s = rn->map ? rn->map[vs] : vs;
	size_t e = rn->map ? rn->map[ve] : ve;

	return queue_item(cx, t, rn->base + s, rn->base + e);
}

/*
 * End of the host name starting at q: labels joined by dots, each all
 * ASCII or all non-ASCII letters. *labels counts them.
 */
static size_t
host_end(const unsigned char *v, size_t q, size_t m, int *labels)
{
	size_t i = q, good = q;

	*labels = 0;
	for (;;) {
		size_t ls = i;

		if (i < m && v[i] >= 0x80) {
			while (i < m && v[i] >= 0x80)
				i++;
			if (i < m && is_host_ascii(v[i]))
				break; /* a change of script inside a label */
		} else {
			while (i < m && is_host_ascii(v[i]))
				i++;
		}
		if (i == ls)
			break;
		good = i;
		(*labels)++;
		if (i + 1 < m && v[i] == '.' &&
		    (is_host_ascii(v[i + 1]) || v[i + 1] >= 0x80)) {
			i++;
			continue;
		}
		break;
	}
	return good;
}

static int
try_hostlike(
    struct ctx *cx, const struct run *rn, size_t q, size_t e, int labels)
{
	const unsigned char *v = rn->v;
	size_t n = e - q, dots = 0, i;
	int digits_only = 1, ascii = 1;

	if (labels == 1 && n != 32 && n != 40 && n != 64 &&
	    (v[q] | 0x20) != 'c' && (v[q] | 0x20) != 'a')
		return 0; /* the common case: a plain word */
	for (i = q; i < e; i++) {
		if (v[i] == '.')
			dots++;
		else if (!is_digit(v[i]))
			digits_only = 0;
		if (v[i] >= 0x80)
			ascii = 0;
	}
	kz_buf_reset(&cx->val);
	if (dots == 0) {
		if (!ascii)
			return 0;
		if ((n == 32 || n == 40 || n == 64)) {
			enum kz_ioc_type t = n == 32 ? KZ_IOC_MD5 :
			    n == 40                  ? KZ_IOC_SHA1 :
						       KZ_IOC_SHA256;

			if (want(cx, t) &&
			    kz_ioc_canon_hash(
				&cx->val, (const char *)v + q, n, n) == 0)
				return emit(cx, rn, t, q, e) ? -1 : 1;
			return 0;
		}
		if (n >= 13 && (v[q] | 0x20) == 'c' && v[q + 3] == '-') {
			if (want(cx, KZ_IOC_CVE) &&
			    kz_ioc_canon_cve(
				&cx->val, (const char *)v + q, n) == 0)
				return emit(cx, rn, KZ_IOC_CVE, q, e) ? -1 : 1;
			return 0;
		}
		if (n >= 3 && (v[q] | 0x20) == 'a' &&
		    (v[q + 1] | 0x20) == 's' &&
		    (is_digit(v[q + 2]) ||
			((v[q + 2] | 0x20) == 'n' && n > 3 &&
			    is_digit(v[q + 3])))) {
			if (want(cx, KZ_IOC_ASN) &&
			    kz_ioc_canon_asn(
				&cx->val, (const char *)v + q, n) == 0)
				return emit(cx, rn, KZ_IOC_ASN, q, e) ? -1 : 1;
		}
		return 0;
	}
	if (digits_only) {
		size_t ce = e;

		if (dots != 3)
			return 0;
		/* a prefix length after the address makes it a cidr */
		if (e + 1 < rn->m && v[e] == '/' && is_digit(v[e + 1])) {
			ce = e + 1;
			while (ce < rn->m && is_digit(v[ce]) && ce - e <= 3)
				ce++;
			if (ce < rn->m &&
			    (is_alnum(v[ce]) || v[ce] == '.' || v[ce] == '/'))
				ce = e;
			if (ce > e && want(cx, KZ_IOC_CIDR) &&
			    kz_ioc_canon_cidr(
				&cx->val, (const char *)v + q, ce - q) == 0)
				return emit(cx, rn, KZ_IOC_CIDR, q, ce) ? -1 :
									  1;
			kz_buf_reset(&cx->val);
		}
		if (want(cx, KZ_IOC_IPV4) &&
		    kz_ioc_canon_ipv4(&cx->val, (const char *)v + q, n) == 0)
			return emit(cx, rn, KZ_IOC_IPV4, q, e) ? -1 : 1;
		return 0;
	}
	if (!want(cx, KZ_IOC_DOMAIN))
		return 0;
	if (labels == 2 && !rn->defanged) {
		size_t t = e;

		while (t > q && v[t - 1] != '.')
			t--;
		if (kz_ioc_tld_is_file_ext((const char *)v + t, e - t))
			return 0;
	}
	if (kz_ioc_canon_domain(&cx->val, (const char *)v + q, n) == 0)
		return emit(cx, rn, KZ_IOC_DOMAIN, q, e) ? -1 : 1;
	return 0;
}

/* As try_hostlike, and without a last non-ASCII label when that fails:
 * "example.com.詳細は" holds example.com. */
static int
try_host(struct ctx *cx, const struct run *rn, size_t q, size_t e, int labels)
{
	int rc = try_hostlike(cx, rn, q, e, labels);
	size_t t = e;

	if (rc != 0 || labels <= 2)
		return rc;
	while (t > q && rn->v[t - 1] != '.')
		t--;
	/* a sentence may start right after the dot: "example.com.Then" */
	if (rn->v[t] >= 0x80 || (rn->v[t] >= 'A' && rn->v[t] <= 'Z'))
		rc = try_hostlike(cx, rn, q, t - 1, labels - 1);
	return rc;
}

static int
url_path_char(unsigned c)
{
	return c > 0x20 && c < 0x7f && c != '"' && c != '<' && c != '>' &&
	    c != '`' && c != '\\' && c != '^' && c != '|' && c != '{' &&
	    c != '}' && c != '\'';
}

/* A URL whose scheme is v[q..k) and "://" at k; its end, or 0. */
static int
try_url(struct ctx *cx, const struct run *rn, size_t q, size_t k, size_t *endp)
{
	const unsigned char *v = rn->v;
	size_t m = rn->m, a = k + 3, h = a, he, e, i;
	int labels;

	if (!kz_ioc_scheme((const char *)v + q, k - q))
		return 0;
	for (i = a; i < m && url_path_char(v[i]) && v[i] != '/' &&
	     v[i] != '?' && v[i] != '#';
	     i++)
		if (v[i] == '@')
			h = i + 1;
	if (h < m && v[h] == '[') {
		for (he = h + 1; he < m && he - h < 48 && v[he] != ']'; he++)
			;
		if (he >= m || v[he] != ']')
			return 0;
		he++;
	} else {
		he = host_end(v, h, m, &labels);
		if (he == h)
			return 0;
	}
	e = he;
	if (e + 1 < m && v[e] == ':' && is_digit(v[e + 1]))
		for (e++; e < m && is_digit(v[e]); e++)
			;
	if (e < m && (v[e] == '/' || v[e] == '?' || v[e] == '#')) {
		int depth[3] = { 0, 0, 0 };
		size_t ps = e;

		while (e < m && url_path_char(v[e]))
			e++;
		/* trailing punctuation and unmatched closing brackets */
		for (i = ps; i < e; i++) {
			depth[0] += v[i] == '(';
			depth[1] += v[i] == '[';
			depth[2] += v[i] == '{';
		}
		for (i = ps; i < e; i++) {
			depth[0] -= v[i] == ')';
			depth[1] -= v[i] == ']';
			depth[2] -= v[i] == '}';
		}
		while (e > ps + 1) {
			unsigned c = v[e - 1];

			if (strchr(".,;:!?*", (int)c)) {
				e--;
			} else if (c == ')' && depth[0] < 0) {
				depth[0]++;
				e--;
			} else if (c == ']' && depth[1] < 0) {
				depth[1]++;
				e--;
			} else {
				break;
			}
		}
	}
	if (e - q > KZ_IOC_URL_MAX)
		return 0;
	kz_buf_reset(&cx->val);
	if (kz_ioc_canon_url(&cx->val, (const char *)v + q, e - q))
		return 0;
	*endp = e;
	return emit(cx, rn, KZ_IOC_URL, q, e) ? -1 : 1;
}

static int
email_local_char(unsigned c)
{
	return is_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' ||
	    c == '-';
}

static int
try_email(struct ctx *cx, const struct run *rn, size_t q, size_t *endp)
{
	const unsigned char *v = rn->v;
	size_t j = q, e;
	int labels;

	while (j < rn->m && email_local_char(v[j]) && j - q < 65)
		j++;
	if (j >= rn->m || v[j] != '@' || j == q)
		return 0;
	e = host_end(v, j + 1, rn->m, &labels);
	if (labels < 2)
		return 0;
	kz_buf_reset(&cx->val);
	if (kz_ioc_canon_email(&cx->val, (const char *)v + q, e - q))
		return 0;
	*endp = e;
	return emit(cx, rn, KZ_IOC_EMAIL, q, e) ? -1 : 1;
}

static int
try_ipv6(struct ctx *cx, const struct run *rn, size_t q, size_t *endp)
{
	const unsigned char *v = rn->v;
	size_t j = q, colons = 0, groups = 0, glen = 0, e;
	int dbl = 0, strong = 0, gdigit = 0;

	while (j < rn->m && j - q < 64 &&
	    (is_hex(v[j]) || v[j] == ':' || v[j] == '.')) {
		if (v[j] == ':') {
			colons++;
			if (j > q && v[j - 1] == ':')
				dbl = 1;
			if (glen)
				groups++;
			if (glen >= 3 && gdigit)
				strong = 1;
			glen = 0;
			gdigit = 0;
		} else {
			glen++;
			gdigit |= is_digit(v[j]) || v[j] == '.';
		}
		j++;
	}
	if (glen) {
		groups++;
		if (glen >= 3 && gdigit)
			strong = 1;
	}
	if (j < rn->m && is_alnum(v[j]))
		return 0;
	e = j;
	while (e > q &&
	    (v[e - 1] == '.' || (v[e - 1] == ':' && e >= 2 && v[e - 2] != ':')))
		e--;
	if (colons < 2 || !(dbl || colons == 7) || !(groups >= 3 || strong))
		return 0;
	kz_buf_reset(&cx->val);
	if (e + 1 < rn->m && v[e] == '/' && is_digit(v[e + 1]) &&
	    want(cx, KZ_IOC_CIDR)) {
		size_t ce = e + 1;

		while (ce < rn->m && is_digit(v[ce]) && ce - e <= 4)
			ce++;
		if (!(ce < rn->m && is_alnum(v[ce])) &&
		    kz_ioc_canon_cidr(&cx->val, (const char *)v + q, ce - q) ==
			0) {
			*endp = ce;
			return emit(cx, rn, KZ_IOC_CIDR, q, ce) ? -1 : 1;
		}
		kz_buf_reset(&cx->val);
	}
	if (!want(cx, KZ_IOC_IPV6) ||
	    kz_ioc_canon_ipv6(&cx->val, (const char *)v + q, e - q))
		return 0;
	*endp = e;
	return emit(cx, rn, KZ_IOC_IPV6, q, e) ? -1 : 1;
}

/*
 * A run without dot, colon or at-sign can only hold hashes, CVE ids and
 * AS numbers: words of letters, digits, '-' and '_'.
 */
static int
scan_words(struct ctx *cx, const struct run *rn)
{
	const unsigned char *v = rn->v;
	size_t m = rn->m, q = 0;

	while (q < m) {
		size_t e = q;

		if (!is_alnum(v[q])) {
			q++;
			continue;
		}
		while (e < m && is_host_ascii(v[e]))
			e++;
		if (try_hostlike(cx, rn, q, e, 1) < 0)
			return -1;
		q = e;
	}
	return 0;
}

/* The next "://" in v[from..m), or NULL. */
static const unsigned char *
find_sep(const unsigned char *v, size_t from, size_t m)
{
	while (from + 3 <= m) {
		const unsigned char *c = memchr(v + from, ':', m - from - 2);

		if (!c)
			return NULL;
		if (c[1] == '/' && c[2] == '/')
			return c;
		from = (size_t)(c - v) + 1;
	}
	return NULL;
}

static int
scan_view(struct ctx *cx, const struct run *rn)
{
	const unsigned char *v = rn->v;
	size_t m = rn->m, q = 0, url_at = SIZE_MAX;
	int rc;

	if ((rn->f & R_COLON) && want(cx, KZ_IOC_URL)) {
		const unsigned char *u = find_sep(v, 0, m);

		url_at = u ? (size_t)(u - v) : SIZE_MAX;
	}
	while (q < m) {
		unsigned c = v[q];
		size_t e = q, i;
		int labels;

		if (c >= 0x80) {
			/* non-ASCII letters: an IDN label when a dot follows */
			for (i = q; i < m && v[i] >= 0x80; i++)
				;
			if (i + 1 < m && v[i] == '.' &&
			    (v[i + 1] >= 0x80 || is_alnum(v[i + 1]))) {
				e = host_end(v, q, m, &labels);
				if (e > i) {
					rc = try_host(cx, rn, q, e, labels);
					if (rc < 0)
						return -1;
					q = e;
					continue;
				}
			}
			q = i;
			continue;
		}
		if (!is_alnum(c)) {
			if (c == ':' && q + 1 < m && v[q + 1] == ':' &&
			    (rn->f & R_COLON) && (q == 0 || v[q - 1] != ':')) {
				rc = try_ipv6(cx, rn, q, &e);
				if (rc < 0)
					return -1;
				if (rc > 0) {
					q = e;
					continue;
				}
			}
			q++;
			continue;
		}
		if (url_at != SIZE_MAX && url_at < q) {
			const unsigned char *u = find_sep(v, q, m);

			url_at = u ? (size_t)(u - v) : SIZE_MAX;
		}
		if (url_at != SIZE_MAX && url_at - q <= 5) {
			for (i = q;
			     i < url_at && (is_alpha(v[i]) || v[i] == '*'); i++)
				;
			if (i == url_at) {
				rc = try_url(cx, rn, q, url_at, &e);
				if (rc < 0)
					return -1;
				if (rc > 0) {
					q = e;
					continue;
				}
			}
		}
		if ((rn->f & R_AT) && want(cx, KZ_IOC_EMAIL)) {
			rc = try_email(cx, rn, q, &e);
			if (rc < 0)
				return -1;
			if (rc > 0) {
				q = e;
				continue;
			}
		}
		if ((rn->f & R_COLON) && is_hex(c) &&
		    (want(cx, KZ_IOC_IPV6) || want(cx, KZ_IOC_CIDR))) {
			rc = try_ipv6(cx, rn, q, &e);
			if (rc < 0)
				return -1;
			if (rc > 0) {
				q = e;
				continue;
			}
		}
		e = host_end(v, q, m, &labels);
		if (e == q) {
			q++;
			continue;
		}
		rc = try_host(cx, rn, q, e, labels);
		if (rc < 0)
			return -1;
		q = e;
	}
	return 0;
}

/* Whether a run holds something like "[.]" or "(dot)" to refang. */
static int
has_bracket_form(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i + 2 < n; i++) {
		unsigned close = p[i] == '[' ? ']' :
		    p[i] == '('              ? ')' :
		    p[i] == '{'              ? '}' :
					       0;

		if (!close)
			continue;
		for (size_t k = i + 2; k < n && k <= i + 5; k++)
			if (p[k] == close)
				return 1;
	}
	return 0;
}

static int
scan_run(struct ctx *cx, size_t start, size_t end, unsigned f)
{
	struct run rn;

	rn.base = start;
	rn.f = f;
	rn.defanged = 0;
	if ((f & R_WIDE) ||
	    ((f & R_BRACK) &&
		has_bracket_form(cx->text + start, end - start))) {
		if (!cx->nbuf) {
			cx->nbuf = kz_malloc(RUN_MAX + 16);
			cx->map = kz_malloc((RUN_MAX + 16) * sizeof(*cx->map));
			if (!cx->nbuf || !cx->map)
				return kz_error_set(KZ_ENOMEM, "out of memory");
		}
		rn.m = kz_ioc_refang(cx->nbuf, cx->map,
		    (const char *)cx->text + start, end - start, &rn.defanged);
		rn.v = (const unsigned char *)cx->nbuf;
		rn.map = cx->map;
		/* what the refanged text holds now */
		for (size_t i = 0; i < rn.m; i++)
			if (rn.v[i] < 0x80)
				rn.f |= cls[rn.v[i]];
	} else {
		rn.v = cx->text + start;
		rn.m = end - start;
		rn.map = NULL;
	}
	if (!(rn.f & (R_DOT | R_COLON | R_AT)) ? scan_words(cx, &rn) :
						 scan_view(cx, &rn))
		return kz_error_code() ? kz_error_code() : KZ_ENOMEM;
	return 0;
}

#if defined(__SSE2__)
/*
 * Prose: 16 bytes of ASCII letters and white space hold only runs of
 * letters, which never hold an indicator. Returns how many bytes can be
 * skipped (up to and including the last space), or 0.
 */
static size_t
skip_prose(const unsigned char *p)
{
	__m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
	__m128i lo = _mm_or_si128(x, _mm_set1_epi8(0x20));
	__m128i letter =
	    _mm_cmplt_epi8(_mm_add_epi8(lo, _mm_set1_epi8((char)(128 - 'a'))),
		_mm_set1_epi8((char)(-128 + 26)));
	__m128i sp =
	    _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(' ')),
			     _mm_cmpeq_epi8(x, _mm_set1_epi8('\n'))),
		_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('\t')),
		    _mm_cmpeq_epi8(x, _mm_set1_epi8('\r'))));
	unsigned spaces = (unsigned)_mm_movemask_epi8(sp);

	if (!spaces ||
	    (unsigned)_mm_movemask_epi8(_mm_or_si128(letter, sp)) != 0xffff)
		return 0;
	return (size_t)(32 - __builtin_clz(spaces));
}
#endif

static int
run_wanted(unsigned f, size_t n)
{
	if (n < 3)
		return 0;
	if (f & (R_DOT | R_COLON | R_AT))
		return 1;
	if ((f & R_DIGIT) && (f & R_ALPHA))
		return 1;                      /* hash, CVE id, AS number */
	return (f & R_BRACK) && (f & R_ALPHA); /* example[dot]com */
}

int
kz_extract(
    struct kz_extract_result *out, const char *text, size_t len, unsigned flags)
{
	const unsigned char *p = (const unsigned char *)text;
	struct ctx cx;
	size_t i = 0;
	int rc = 0, rc2;

	result_clear(out);
	out->flags = flags;
	memset(&cx, 0, sizeof(cx));
	cx.r = out;
	cx.text = p;
	cx.len = len;
	cx.flags = flags;
	cx.types = (flags >> 8) & ((1u << KZ_IOC_NTYPES) - 1);
	if (!cx.types)
		cx.types = (1u << KZ_IOC_NTYPES) - 1;
	kz_buf_init(&cx.val, KZ_IOC_URL_MAX * 4);
	kz_buf_init(&cx.qval, QUEUE_TEXT + KZ_IOC_URL_MAX * 4);
	while (i < len) {
		size_t start, stop, adv = 1;
		unsigned f = 0, k;

#if defined(__SSE2__)
		if (len - i >= 16) {
			size_t skip = skip_prose(p + i);

			if (skip) {
				i += skip;
				continue;
			}
		}
#endif
		/* skip what cannot start a run */
		while (i < len && cls[p[i]] == 0)
			i++;
		start = i;
		stop = len - i > RUN_MAX ? i + RUN_MAX : len;
		while (i < stop) {
			k = cls[p[i]];
			if (k & R_HIGH) {
				k = kana_kanji(p, i, len);
				if (k) {
					i += 3;
					f |= k;
					continue;
				}
				k = wide_class(p, i, len, &adv);
				if (!k)
					break;
				i += adv;
			} else if (!k) {
				break;
			} else {
				i++;
			}
			f |= k;
		}
		if (i == start) {
			if (i < len)
				i += adv;
			continue;
		}
		if (run_wanted(f, i - start)) {
			rc = scan_run(&cx, start, i, f);
			if (rc)
				goto done;
		}
	}
	rc = 0;
done:
	/* what was found before a failure is kept too */
	rc2 = flush_queue(&cx);
	if (!rc)
		rc = rc2;
	sync_items(out);
	kz_buf_release(&cx.val);
	kz_buf_release(&cx.qval);
	kz_free(cx.nbuf);
	kz_free(cx.map);
	return rc;
}
