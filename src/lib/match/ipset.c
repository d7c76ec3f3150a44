/* SPDX-License-Identifier: MIT */
/*
 * Longest-prefix match by flattening nested prefixes into disjoint
 * intervals, each carrying the id of the most specific prefix covering it.
 * IPv4 adds a 64K-entry index on the top 16 bits so a lookup is one index
 * read and a short binary search; measured faster than a trie at 1M.
 */
#include "match/ipset.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#include <tmmintrin.h>
#endif

#include "core/alloc.h"
#include "core/error.h"
#include "match/match_int.h"

typedef unsigned __int128 u128;

/* Prefixes as added; v4 kept in 16 bytes, v6 in 32. */
struct pfx4 {
	uint32_t start;
	uint32_t id;
	uint32_t seq; /* order of addition, to keep the first on ties */
	uint8_t plen;
};

struct pfx6 {
	u128 start;
	uint32_t id;
	uint32_t seq;
	uint8_t plen;
};

struct iv4 {
	uint32_t start;
	uint32_t end;
	uint32_t id;
};

struct iv6 {
	u128 start;
	u128 end;
	uint32_t id;
};

struct plist {
	void *v;
	size_t n;
	size_t cap;
	int v6;
};

struct kz_ipset {
	struct plist p4, p6;
	uint32_t seq;
	struct iv4 *iv4;
	size_t n4;
	uint32_t *idx4; /* 65537 entries: first interval starting >= hi<<16 */
	uint64_t
	    cover16[1024]; /* bit h: some interval meets h<<16 .. +0xffff */
	struct iv6 *iv6;
	size_t n6;
};

int
kz_ipset_new(struct kz_ipset **out)
{
	*out = kz_calloc(1, sizeof(**out));
	if (!*out)
		return kz_error_set(KZ_ENOMEM, "out of memory");
	(*out)->p6.v6 = 1;
	return 0;
}

void
kz_ipset_free(struct kz_ipset *s)
{
	if (!s)
		return;
	kz_free(s->p4.v);
	kz_free(s->p6.v);
	kz_free(s->iv4);
	kz_free(s->idx4);
	kz_free(s->iv6);
	kz_free(s);
}

static size_t
esize(const struct plist *l)
{
	return l->v6 ? sizeof(struct pfx6) : sizeof(struct pfx4);
}

static int
plist_push(struct plist *l, const void *p)
{
	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 256;
		void *nv = kz_realloc(l->v, ncap * esize(l));

		if (!nv)
			return kz_error_set(KZ_ENOMEM, "out of memory");
		match_advise_huge(nv, ncap * esize(l));
		l->v = nv;
		l->cap = ncap;
	}
	memcpy((char *)l->v + l->n * esize(l), p, esize(l));
	l->n++;
	return 0;
}

static u128
host_mask(unsigned plen, unsigned bits)
{
	if (plen >= bits)
		return 0;
	if (bits - plen == 128)
		return ~(u128)0;
	return (((u128)1) << (bits - plen)) - 1;
}

int
kz_ipset_add4(struct kz_ipset *s, uint32_t addr, unsigned plen, uint32_t id)
{
	struct pfx4 p;

	if (plen > 32)
		return kz_error_set(KZ_EINVAL,
		    "prefix length '%u' is out of range (0 to 32)", plen);
	p.start = (uint32_t)((u128)addr & ~host_mask(plen, 32));
	p.id = id;
	p.seq = s->seq++;
	p.plen = (uint8_t)plen;
	return plist_push(&s->p4, &p);
}

static u128
load128(const uint8_t a[16])
{
	u128 v = 0;
	int i;

	for (i = 0; i < 16; i++)
		v = (v << 8) | a[i];
	return v;
}

int
kz_ipset_add6(
    struct kz_ipset *s, const uint8_t addr[16], unsigned plen, uint32_t id)
{
	struct pfx6 p;

	if (plen > 128)
		return kz_error_set(KZ_EINVAL,
		    "prefix length '%u' is out of range (0 to 128)", plen);
	memset(&p, 0, sizeof(p));
	p.start = load128(addr) & ~host_mask(plen, 128);
	p.id = id;
	p.seq = s->seq++;
	p.plen = (uint8_t)plen;
	return plist_push(&s->p6, &p);
}

#if defined(__SSE2__)
/*
 * The (7 to 15) bytes of the text at s in a vector, zeros after them.
 * Loads stay inside s: two 8-byte loads that may overlap.
 */
static inline __m128i
load_inside16(const char *s, size_t len)
{
	uint64_t lo, hi;

	if (len >= 8) {
		memcpy(&lo, s, 8);
		memcpy(&hi, s + len - 8, 8);
		hi = len > 8 ? hi >> (8 * (16 - len)) : 0;
	} else {
		uint32_t a, b;

		memcpy(&a, s, 4);
		memcpy(&b, s + len - 4, 4);
		lo = a | (uint64_t)b << (8 * (len - 4));
		hi = 0;
	}
	return _mm_set_epi64x((long long)hi, (long long)lo);
}

/*
 * The same, but reading on past s + len when that stays in s's page,
 * where a read cannot fault (the bytes there are never used).
 */
__attribute__((no_sanitize_address)) static inline __m128i
load_upto16(const char *s, size_t len)
{
	if (((uintptr_t)s & 4095) <= 4096 - 16)
		return _mm_loadu_si128((const __m128i *)(const void *)s);
	return load_inside16(s, len);
}

/*
 * The bytes of x (the text, len bytes) less '0' into *t and the mask of
 * its dots into *dots. -1 when one of the len bytes is neither a digit
 * nor a dot.
 */
static inline int
quad_bytes(__m128i x, size_t len, __m128i *t, unsigned *dots)
{
	unsigned want = (1u << len) - 1, digits;

	*t = _mm_sub_epi8(x, _mm_set1_epi8('0'));
	*dots =
	    (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8('.'))) &
	    want;
	digits = (unsigned)_mm_movemask_epi8(
	    _mm_cmpeq_epi8(_mm_min_epu8(*t, _mm_set1_epi8(9)), *t));
	return ((*dots | digits) & want) == want ? 0 : -1;
}

/*
 * Every log line has addresses, and a byte loop mispredicts on the length
 * of each octet. Here the (at most 15) bytes go into one vector: a
 * compare each finds the dots and the digits, the dots' positions give
 * the octets, and each octet's value comes without branching on its
 * length. This is the way for a machine without SSSE3 (parse4_ssse3()
 * below).
 */
int
match_ip_parse4_sse2(uint32_t *out, const char *s, size_t len)
{
	uint8_t d[24];
	unsigned dots, start[4], n[4], k;
	uint32_t v = 0;
	__m128i t;

	if (len < 7 || len > 15 ||
	    quad_bytes(load_inside16(s, len), len, &t, &dots))
		return -1;
	_mm_storeu_si128((__m128i *)(void *)d, t);
	memset(d + 16, 0, 8);
	start[0] = 0;
	for (k = 0; k < 3; k++) {
		unsigned dot;

		if (!dots)
			return -1;
		dot = (unsigned)__builtin_ctz(dots);

		n[k] = dot - start[k];
		start[k + 1] = dot + 1;
		dots &= dots - 1;
	}
	if (dots) /* a fourth dot */
		return -1;
	n[3] = (unsigned)len - start[3];
	for (k = 0; k < 4; k++) {
		/* place values of the digits of a 1-, 2- or 3-digit octet */
		static const uint8_t mul[16][3] = { { 0, 0, 0 }, { 1, 0, 0 },
			{ 10, 1, 0 }, { 100, 10, 1 } };
		const uint8_t *p = d + start[k], *m = mul[n[k]];
		unsigned o = p[0] * m[0] + p[1] * m[1] + p[2] * m[2];

		/* 1 to 3 digits, no leading zero, at most 255 */
		if (n[k] - 1 > 2 || (n[k] > 1 && !p[0]) || o > 255)
			return -1;
		v = v << 8 | o;
	}
	*out = v;
	return 0;
}

/*
 * With SSSE3 the four octets at once. The dots' positions name the
 * lengths of the first three octets (a table of the 27 ways), the length
 * of the text the last; a shuffle picked by the four lengths (3^4 = 81
 * patterns) puts each octet's digits right-aligned in four bytes
 * [hundreds, tens, ones, 0], and two multiply-adds make the values. An
 * octet of three digits is at least 100 and one of two at least 10, or
 * it had a leading zero; none is over 255.
 */
struct quad_pattern {
	int8_t shuf[16];
	int32_t min[4];
};

#define QP_BYTE(st, n, j) ((j) >= 3 - (n) ? (st) + (j) - (3 - (n)) : -128)
#define QP_OCTET(st, n)                                                        \
	QP_BYTE(st, n, 0), QP_BYTE(st, n, 1), QP_BYTE(st, n, 2), -128
#define QP_MIN(n) ((n) == 3 ? 100 : (n) == 2 ? 10 : 0)
#define QP(a, b, c, d)                                                         \
	{                                                                      \
		{ QP_OCTET(0, a), QP_OCTET((a) + 1, b),                        \
			QP_OCTET((a) + (b) + 2, c),                            \
			QP_OCTET((a) + (b) + (c) + 3, d) },                    \
		{                                                              \
			QP_MIN(a), QP_MIN(b), QP_MIN(c), QP_MIN(d)             \
		}                                                              \
	}
#define QP4(a, b, c) QP(a, b, c, 1), QP(a, b, c, 2), QP(a, b, c, 3)
#define QP3(a, b)    QP4(a, b, 1), QP4(a, b, 2), QP4(a, b, 3)
#define QP2(a)       QP3(a, 1), QP3(a, 2), QP3(a, 3)

static const struct quad_pattern quad_patterns[81]
    __attribute__((aligned(16))) = { QP2(1), QP2(2), QP2(3) };

/*
 * By the mask of the dots (bit i: a dot at s[i]; the third is at 11 at
 * most), 1 + the row of quad_patterns for the lengths of the first three
 * octets; 0 when the dots make no dotted quad.
 */
#define QD_MASK(a, b, c)                                                       \
	(1u << (a) | 1u << ((a) + 1 + (b)) | 1u << ((a) + (b) + (c) + 2))
#define QD(a, b, c) [QD_MASK(a, b, c)] = ((a)-1) * 9 + ((b)-1) * 3 + (c)
#define QD3(a, b)   QD(a, b, 1), QD(a, b, 2), QD(a, b, 3)
#define QD2(a)      QD3(a, 1), QD3(a, 2), QD3(a, 3)

static const uint8_t quad_dots[4096] = { QD2(1), QD2(2), QD2(3) };

__attribute__((target("ssse3"))) static int
parse4_ssse3(uint32_t *out, const char *s, size_t len)
{
	const struct quad_pattern *pat;
	unsigned dots, row, n3;
	__m128i t, v;

	if (len < 7 || len > 15 ||
	    quad_bytes(load_upto16(s, len), len, &t, &dots) || dots >= 4096)
		return -1;
	row = quad_dots[dots];
	/* the last octet: from after the third dot to the end */
	n3 = (unsigned)len - (32u - (unsigned)__builtin_clz(dots | 1));
	if (!row || n3 - 1 > 2)
		return -1;
	pat = &quad_patterns[(row - 1) * 3 + n3 - 1];
	t = _mm_shuffle_epi8(
	    t, _mm_load_si128((const __m128i *)(const void *)pat->shuf));
	v = _mm_maddubs_epi16(t,
	    _mm_setr_epi8(
		100, 10, 1, 0, 100, 10, 1, 0, 100, 10, 1, 0, 100, 10, 1, 0));
	v = _mm_madd_epi16(v, _mm_set1_epi16(1));
	if (_mm_movemask_epi8(_mm_or_si128(
		_mm_cmplt_epi32(
		    v, _mm_load_si128((const __m128i *)(const void *)pat->min)),
		_mm_cmpgt_epi32(v, _mm_set1_epi32(255)))))
		return -1;
	v = _mm_packs_epi32(v, v);
	v = _mm_packus_epi16(v, v);
	*out = __builtin_bswap32((uint32_t)_mm_cvtsi128_si32(v));
	return 0;
}

int
kz_ip_parse4(uint32_t *out, const char *s, size_t len)
{
#if !defined(__SSSE3__)
	if (!__builtin_cpu_supports("ssse3"))
		return match_ip_parse4_sse2(out, s, len);
#endif
	return parse4_ssse3(out, s, len);
}
#else
int
kz_ip_parse4(uint32_t *out, const char *s, size_t len)
{
	uint32_t v = 0;
	unsigned part = 0, digits = 0, dots = 0;
	size_t i;

	if (len < 7 || len > 15)
		return -1;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= '0' && c <= '9') {
			if (digits == 1 && part == 0)
				return -1; /* leading zero */
			part = part * 10 + (c - '0');
			if (part > 255 || ++digits > 3)
				return -1;
		} else if (c == '.') {
			if (!digits || ++dots > 3)
				return -1;
			v = (v << 8) | part;
			part = 0;
			digits = 0;
		} else {
			return -1;
		}
	}
	if (dots != 3 || !digits)
		return -1;
	*out = (v << 8) | part;
	return 0;
}
#endif

int
kz_ip_parse6(uint8_t out[16], const char *s, size_t len)
{
	char tmp[64];
	size_t i;
	int colons = 0;

	if (len < 2 || len > 45)
		return -1;
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (c == ':')
			colons++;
		else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
			     (c >= 'A' && c <= 'F') || c == '.'))
			return -1;
	}
	if (colons < 2)
		return -1;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	return inet_pton(AF_INET6, tmp, out) == 1 ? 0 : -1;
}

int
kz_ip_parse_prefix(int *family, uint8_t addr[16], unsigned *plen,
    int *host_bits, const char *s, size_t len)
{
	const char *slash = memchr(s, '/', len);
	size_t alen = slash ? (size_t)(slash - s) : len;
	unsigned bits, pl;
	uint32_t a4;
	u128 v, hm;

	if (kz_ip_parse4(&a4, s, alen) == 0) {
		uint32_t a = htonl(a4);

		memcpy(addr, &a, 4);
		memset(addr + 4, 0, 12);
		*family = 4;
		bits = 32;
	} else if (kz_ip_parse6(addr, s, alen) == 0) {
		*family = 6;
		bits = 128;
	} else {
		return -1;
	}
	pl = bits;
	if (slash) {
		const char *p = slash + 1, *e = s + len;

		if (p == e || e - p > 3)
			return -1;
		pl = 0;
		for (; p < e; p++) {
			if (*p < '0' || *p > '9')
				return -1;
			pl = pl * 10 + (unsigned)(*p - '0');
		}
		if (pl > bits || (slash[1] == '0' && len - alen > 2))
			return -1;
	}
	*plen = pl;
	if (bits == 32) {
		uint32_t a;

		memcpy(&a, addr, 4);
		v = ntohl(a);
	} else {
		v = load128(addr);
	}
	hm = host_mask(pl, bits);
	*host_bits = (v & hm) != 0;
	return 0;
}

int
kz_ipset_add_str(struct kz_ipset *s, const char *text, size_t len, uint32_t id)
{
	uint8_t a[16];
	unsigned plen;
	int fam, hb;

	if (kz_ip_parse_prefix(&fam, a, &plen, &hb, text, len) < 0) {
		char tmp[64];

		snprintf(
		    tmp, sizeof(tmp), "%.*s", (int)(len > 60 ? 60 : len), text);
		return kz_error_set(
		    KZ_EINVAL, "'%s' is not an IP address or CIDR block", tmp);
	}
	if (fam == 4) {
		uint32_t v;

		memcpy(&v, a, 4);
		return kz_ipset_add4(s, ntohl(v), plen, id);
	}
	return kz_ipset_add6(s, a, plen, id);
}

static int
cmp_pfx4(const void *a, const void *b)
{
	const struct pfx4 *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->plen != y->plen)
		return x->plen < y->plen ? -1 : 1; /* wider first */
	return x->seq < y->seq ? -1 : (x->seq > y->seq);
}

static int
cmp_pfx6(const void *a, const void *b)
{
	const struct pfx6 *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->plen != y->plen)
		return x->plen < y->plen ? -1 : 1;
	return x->seq < y->seq ? -1 : (x->seq > y->seq);
}

/*
 * Sorts IPv4 prefixes like cmp_pfx4 with a stable LSD radix sort on
 * (start, plen): entries are pushed in seq order (a rebuilt list keeps
 * its sorted, older part first), so stability orders ties by seq. Three
 * passes of 13 bits over a 38-bit key; a pass whose digit is the same
 * everywhere is skipped. Small lists, or no memory, fall back to qsort.
 */
#define RADIX_BITS 13
#define RADIX_N    (1u << RADIX_BITS)

static inline uint64_t
pfx4_key(const struct pfx4 *p)
{
	return (uint64_t)p->start << 6 | p->plen;
}

static void
sort_pfx4(struct pfx4 *v, size_t n)
{
	uint32_t(*cnt)[RADIX_N];
	struct pfx4 *tmp, *src = v, *dst;
	size_t i;
	unsigned pass;

	if (n < 2048 || !(tmp = kz_malloc(n * sizeof(*tmp)))) {
		qsort(v, n, sizeof(*v), cmp_pfx4);
		return;
	}
	match_advise_huge(tmp, n * sizeof(*tmp));
	cnt = kz_calloc(3, sizeof(*cnt));
	if (!cnt) {
		kz_free(tmp);
		qsort(v, n, sizeof(*v), cmp_pfx4);
		return;
	}
	for (i = 0; i < n; i++) {
		uint64_t k = pfx4_key(&v[i]);

		cnt[0][k & (RADIX_N - 1)]++;
		cnt[1][(k >> RADIX_BITS) & (RADIX_N - 1)]++;
		cnt[2][(k >> (2 * RADIX_BITS)) & (RADIX_N - 1)]++;
	}
	dst = tmp;
	for (pass = 0; pass < 3; pass++) {
		uint32_t *c = cnt[pass], sum = 0;
		unsigned shift = pass * RADIX_BITS, d;

		for (d = 0; d < RADIX_N; d++) {
			uint32_t x = c[d];

			if (x == n)
				break; /* one digit value: order unchanged */
			c[d] = sum;
			sum += x;
		}
		if (d < RADIX_N)
			continue;
		for (i = 0; i < n; i++) {
			unsigned dig = (unsigned)(pfx4_key(&src[i]) >> shift) &
			    (RADIX_N - 1);

			dst[c[dig]++] = src[i];
		}
		dst = src;
		src = src == v ? tmp : v;
	}
	if (src != v)
		memcpy(v, src, n * sizeof(*v));
	kz_free(cnt);
	kz_free(tmp);
}

/* One prefix of either list, widened. */
struct pview {
	u128 start, end;
	uint32_t id;
	unsigned plen;
};

static void
pget(const struct plist *l, size_t i, struct pview *o)
{
	if (l->v6) {
		const struct pfx6 *p = (const struct pfx6 *)l->v + i;

		o->start = p->start;
		o->end = p->start | host_mask(p->plen, 128);
		o->id = p->id;
		o->plen = p->plen;
	} else {
		const struct pfx4 *p = (const struct pfx4 *)l->v + i;

		o->start = p->start;
		o->end = p->start | host_mask(p->plen, 32);
		o->id = p->id;
		o->plen = p->plen;
	}
}

/* Output intervals, straight into the family's final array. */
struct ivout {
	int v6;
	struct iv4 *a4;
	struct iv6 *a6;
	size_t n, cap;
	u128 last_end;
	uint32_t last_id;
};

static int
emit(struct ivout *o, u128 a, u128 b, uint32_t id)
{
	if (o->n && o->last_id == id && o->last_end + 1 == a) {
		/* adjacent, same id: merge */
		if (o->v6)
			o->a6[o->n - 1].end = b;
		else
			o->a4[o->n - 1].end = (uint32_t)b;
		o->last_end = b;
		return 0;
	}
	if (o->n == o->cap) {
		size_t ncap = o->cap ? o->cap * 2 : 256;
		void *nv;

		if (o->v6)
			nv = kz_realloc(o->a6, ncap * sizeof(struct iv6));
		else
			nv = kz_realloc(o->a4, ncap * sizeof(struct iv4));
		if (!nv)
			return kz_error_set(KZ_ENOMEM, "out of memory");
		match_advise_huge(nv,
		    ncap * (o->v6 ? sizeof(struct iv6) : sizeof(struct iv4)));
		if (o->v6)
			o->a6 = nv;
		else
			o->a4 = nv;
		o->cap = ncap;
	}
	if (o->v6) {
		o->a6[o->n].start = a;
		o->a6[o->n].end = b;
		o->a6[o->n].id = id;
	} else {
		o->a4[o->n].start = (uint32_t)a;
		o->a4[o->n].end = (uint32_t)b;
		o->a4[o->n].id = id;
	}
	o->last_end = b;
	o->last_id = id;
	o->n++;
	return 0;
}

/*
 * Sorted prefixes either nest or are disjoint. A stack of the open ones
 * gives, between two boundaries, the innermost (longest) prefix.
 */
static int
flatten(struct plist *l, struct ivout *o,
    void (*dup)(void *ctx, uint32_t kept, uint32_t other), void *ctx)
{
	struct pview stack[130], p, q;
	size_t sp = 0, i, w = 0, es = esize(l);
	u128 cur = 0;
	int done = 0, rc = 0;

	if (!l->n)
		return 0;
	if (l->v6)
		qsort(l->v, l->n, es, cmp_pfx6);
	else
		sort_pfx4(l->v, l->n);
	/* Drop repeated prefixes, keeping the first added. */
	for (i = 0; i < l->n; i++) {
		pget(l, i, &p);
		if (w) {
			pget(l, w - 1, &q);
			if (q.start == p.start && q.plen == p.plen) {
				if (dup)
					dup(ctx, q.id, p.id);
				continue;
			}
		}
		if (w != i)
			memcpy(
			    (char *)l->v + w * es, (char *)l->v + i * es, es);
		w++;
	}
	l->n = w;
	for (i = 0; i <= l->n && !rc; i++) {
		int last = i == l->n;

		if (!last)
			pget(l, i, &p);
		while (sp && (last || stack[sp - 1].end < p.start)) {
			struct pview *t = &stack[--sp];

			if (!done && cur <= t->end)
				rc = emit(o, cur, t->end, t->id);
			if (rc)
				break;
			if (t->end == ~(u128)0)
				done = 1;
			else if (!done && cur <= t->end)
				cur = t->end + 1;
		}
		if (last || rc)
			break;
		if (sp && cur < p.start)
			rc = emit(o, cur, p.start - 1, stack[sp - 1].id);
		cur = p.start;
		done = 0;
		stack[sp++] = p;
	}
	return rc;
}

int
kz_ipset_build(struct kz_ipset *s,
    void (*dup)(void *ctx, uint32_t kept, uint32_t other), void *ctx)
{
	struct ivout o4 = { 0 }, o6 = { 0 };
	size_t i, j;
	int rc;

	kz_free(s->iv4);
	kz_free(s->idx4);
	kz_free(s->iv6);
	s->iv4 = NULL;
	s->idx4 = NULL;
	s->iv6 = NULL;
	s->n4 = s->n6 = 0;
	o6.v6 = 1;
	rc = flatten(&s->p4, &o4, dup, ctx);
	if (!rc)
		rc = flatten(&s->p6, &o6, dup, ctx);
	if (!rc) {
		s->idx4 = kz_malloc(65537 * sizeof(uint32_t));
		if (!s->idx4)
			rc = kz_error_set(KZ_ENOMEM, "out of memory");
	}
	if (rc) {
		kz_free(o4.a4);
		kz_free(o6.a6);
		kz_free(s->idx4);
		s->idx4 = NULL;
		return rc;
	}
	s->iv4 = o4.a4;
	s->n4 = o4.n;
	s->iv6 = o6.a6;
	s->n6 = o6.n;
	memset(s->cover16, 0, sizeof(s->cover16));
	for (i = 0; i < s->n4; i++) {
		for (j = s->iv4[i].start >> 16; j <= (s->iv4[i].end >> 16); j++)
			s->cover16[j >> 6] |= 1ULL << (j & 63);
	}
	for (i = 0, j = 0; i <= 65536; i++) {
		uint64_t lo = (uint64_t)i << 16;

		while (j < s->n4 && s->iv4[j].start < lo)
			j++;
		s->idx4[i] = (uint32_t)j;
	}
	return 0;
}

uint32_t
kz_ipset_lookup4(const struct kz_ipset *s, uint32_t addr)
{
	size_t lo, hi, h = addr >> 16;

	if (!s->n4 || !s->idx4 || !(s->cover16[h >> 6] >> (h & 63) & 1))
		return KZ_IPSET_NONE;
	/* The answer is the last interval starting at or before addr. */
	lo = s->idx4[h];
	hi = s->idx4[h + 1];
	if (lo)
		lo--;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->iv4[mid].start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return KZ_IPSET_NONE;
	lo--;
	if (s->iv4[lo].start <= addr && addr <= s->iv4[lo].end)
		return s->iv4[lo].id;
	return KZ_IPSET_NONE;
}

void
kz_ipset_prefetch4(const struct kz_ipset *s, uint32_t addr)
{
	size_t h = addr >> 16;

	/*
	 * Only what the lookup will read: measured in a virtual machine, a
	 * prefetch of a page nothing loads can cost more than a miss.
	 */
	if (s->idx4 && (s->cover16[h >> 6] >> (h & 63) & 1))
		__builtin_prefetch(&s->idx4[h]);
}

uint32_t
kz_ipset_lookup6(const struct kz_ipset *s, const uint8_t addr[16])
{
	u128 a = load128(addr);
	size_t lo = 0, hi = s->n6;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->iv6[mid].start <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return KZ_IPSET_NONE;
	lo--;
	if (a <= s->iv6[lo].end)
		return s->iv6[lo].id;
	return KZ_IPSET_NONE;
}

size_t
kz_ipset_count(const struct kz_ipset *s)
{
	return s->p4.n + s->p6.n;
}

size_t
kz_ipset_intervals(const struct kz_ipset *s)
{
	return s->n4 + s->n6;
}

size_t
kz_ipset_memory(const struct kz_ipset *s)
{
	return sizeof(*s) + s->p4.cap * sizeof(struct pfx4) +
	    s->p6.cap * sizeof(struct pfx6) + s->n4 * sizeof(struct iv4) +
	    (s->idx4 ? 65537 * 4 : 0) + s->n6 * sizeof(struct iv6);
}
