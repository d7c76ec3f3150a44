/* SPDX-License-Identifier: MIT */
/*
 * The text log formats: Apache/nginx combined, Squid native, BIND query
 * log, Postfix and syslog. Each is a hand-written scanner over the line,
 * strict enough that a line of another format is refused (KZ_LOG_BAD).
 */
#include <stdint.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "format/log_int.h"

static inline int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* The next space-separated token from *pp (runs of spaces skipped). */
static int
token(const char **pp, const char *e, const char **tok, size_t *tlen)
{
	const char *p = *pp, *s;

	while (p < e && *p == ' ')
		p++;
	if (p >= e)
		return -1;
	s = p;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/*
	 * Eight bytes a step: the lowest flagged byte of the zero-byte test
	 * on w ^ spaces is the first space (higher flags may be false).
	 */
	while (e - p >= 8) {
		uint64_t w, m;

		memcpy(&w, p, 8);
		w ^= 0x2020202020202020ULL;
		m = (w - 0x0101010101010101ULL) & ~w & 0x8080808080808080ULL;
		if (m) {
			p += __builtin_ctzll(m) >> 3;
			goto found;
		}
		p += 8;
	}
#endif
	while (p < e && *p != ' ')
		p++;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
found:
#endif
	*tok = s;
	*tlen = (size_t)(p - s);
	*pp = p;
	return 0;
}

/*
 * Fields separated by runs of spaces. Before the first field is taken,
 * the line's 64-byte blocks become masks of where it changes between
 * space and not (bit i of edge[i / 64]: line[i] and line[i - 1] differ,
 * before the line and beyond its end counting as spaces): the edges
 * alternate, a field's start then its end. A field is then the next two
 * set bits, each found by clearing the lowest: the steps from field to
 * field depend on each other by one instruction, not by a shift and a
 * count as when scanning on from a position. Lines of FIELDS_MAX bytes
 * or more are read by token().
 */
#define FIELDS_MAX 256

struct fields {
	const char *line, *p; /* p: where token() goes on, for long lines */
	unsigned len, k;      /* k: the block of b */
	int by_token;
	uint64_t b; /* the edges of block k not yet taken */
	uint64_t edge[FIELDS_MAX / 64];
};

/*
 * The spaces of the 64 bytes at p. May read past the line's end, so only
 * where those bytes lie in p's own page (a read there cannot fault); the
 * caller masks off what lies beyond.
 */
#if defined(__SSE2__)
__attribute__((no_sanitize_address)) static inline uint64_t
spaces64(const char *p)
{
	const __m128i sp = _mm_set1_epi8(' ');
	const __m128i *v = (const __m128i *)(const void *)p;
	uint64_t m0 = (unsigned)_mm_movemask_epi8(
		     _mm_cmpeq_epi8(_mm_loadu_si128(v), sp)),
		 m1 = (unsigned)_mm_movemask_epi8(
		     _mm_cmpeq_epi8(_mm_loadu_si128(v + 1), sp)),
		 m2 = (unsigned)_mm_movemask_epi8(
		     _mm_cmpeq_epi8(_mm_loadu_si128(v + 2), sp)),
		 m3 = (unsigned)_mm_movemask_epi8(
		     _mm_cmpeq_epi8(_mm_loadu_si128(v + 3), sp));

	return m0 | m1 << 16 | m2 << 32 | m3 << 48;
}
#else
static inline uint64_t
spaces64(const char *p)
{
	uint64_t m = 0;
	unsigned k;

	for (k = 0; k < 64; k++)
		m |= (uint64_t)(p[k] == ' ') << k;
	return m;
}
#endif

/* The spaces of the n (< 64) bytes at p, the bits beyond them set. */
static inline uint64_t
space_tail(const char *p, size_t n)
{
	char tmp[64];

#if defined(__SSE2__)
	/* reading on within the page costs less than copying the bytes */
	if (((uintptr_t)p & 4095) <= 4096 - 64)
		return spaces64(p) | ~0ULL << n;
#endif
	memset(tmp, ' ', sizeof(tmp));
	memcpy(tmp, p, n);
	return spaces64(tmp);
}

static inline void
fields_init(struct fields *f, const char *line, size_t len)
{
	uint64_t carry = 1; /* before the line: a space */
	unsigned k;

	f->line = f->p = line;
	f->len = (unsigned)len;
	f->k = 0;
	f->by_token = len >= FIELDS_MAX;
	if (f->by_token)
		return;
#pragma GCC unroll 4
	for (k = 0; k < FIELDS_MAX / 64; k++) {
		size_t at = 64 * (size_t)k;
		uint64_t sp = at >= len ? ~0ULL :
		    len - at >= 64      ? spaces64(line + at) :
					  space_tail(line + at, len - at);

		f->edge[k] = sp ^ (sp << 1 | carry);
		carry = sp >> 63;
	}
	f->b = f->edge[0];
}

/* The lowest edge from block k on, moving k; -1 past the last block. */
static inline int
next_edge(struct fields *f, unsigned *at)
{
	while (!f->b) {
		if (f->k + 1 >= FIELDS_MAX / 64)
			return -1;
		f->b = f->edge[++f->k];
	}
	*at = 64 * f->k + (unsigned)__builtin_ctzll(f->b);
	f->b &= f->b - 1;
	return 0;
}

/* The next field, like token(). */
static inline int
field(struct fields *f, const char **tok, size_t *tlen)
{
	unsigned st, en;

	if (f->by_token)
		return token(&f->p, f->line + f->len, tok, tlen);
	/* an end follows every start: at the line's end at the latest */
	if (next_edge(f, &st) < 0 || st >= f->len || next_edge(f, &en) < 0)
		return -1;
	*tok = f->line + st;
	*tlen = en - st;
	return 0;
}

/*
 * Whether s holds c (short fields: a call to memchr costs more). Eight
 * bytes a step, as in token(): the lowest flagged byte is the first c.
 */
static inline const char *
find_byte(const char *s, size_t len, char c)
{
	size_t i = 0;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	const uint64_t cc = 0x0101010101010101ULL * (unsigned char)c;

	for (; i + 8 <= len; i += 8) {
		uint64_t w, m;

		memcpy(&w, s + i, 8);
		w ^= cc;
		m = (w - 0x0101010101010101ULL) & ~w & 0x8080808080808080ULL;
		if (m)
			return s + i + (__builtin_ctzll(m) >> 3);
	}
#endif
	for (; i < len; i++)
		if (s[i] == c)
			return s + i;
	return NULL;
}

/* "seconds.millis": digits, at most one dot, not first. */
static int
epoch_time(const char *t, size_t len, const char *e)
{
	size_t i;
	int dot = 0;

#if defined(__SSE2__)
	if (len <= 16 && e - t >= 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)t);
		__m128i d = _mm_sub_epi8(x, _mm_set1_epi8('0'));
		unsigned want = (1u << len) - 1;
		unsigned digits = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
				      _mm_min_epu8(d, _mm_set1_epi8(9)), d)) &
		    want;
		unsigned dots = (unsigned)_mm_movemask_epi8(
				    _mm_cmpeq_epi8(x, _mm_set1_epi8('.'))) &
		    want;

		return (digits | dots) == want && !(dots & (dots - 1)) &&
		    !(dots & 1);
	}
#endif
	for (i = 0; i < len; i++) {
		if (t[i] == '.' && !dot && i)
			dot = 1;
		else if (!is_digit(t[i]))
			return 0;
	}
	return 1;
}

/* A request target: absolute URL, host:port (CONNECT) or a path. */
static void
add_target(
    struct kz_log_record *rec, const char *field, const char *t, size_t len)
{
	if (len == 0 || (len == 1 && *t == '-'))
		return;
	if (*t == '/')
		return; /* a path alone names no host */
	log_add(rec, field, t, len, KZ_LV_URL);
}

enum kz_log_status
log_combined(struct kz_log_record *rec, const char *line, size_t len)
{
	const char *p = line, *e = line + len, *tok, *q, *req, *reqe;
	size_t tlen;

	log_reset(rec, KZ_LOG_COMBINED);
	if (token(&p, e, &tok, &tlen) < 0)
		return KZ_LOG_BAD;
	rec->client = tok;
	rec->client_len = (uint32_t)tlen;
	/* ident, user */
	if (token(&p, e, &tok, &tlen) < 0 || token(&p, e, &tok, &tlen) < 0)
		return KZ_LOG_BAD;
	while (p < e && *p == ' ')
		p++;
	if (p >= e || *p != '[')
		return KZ_LOG_BAD;
	q = memchr(p, ']', (size_t)(e - p));
	if (!q || q - p < 20)
		return KZ_LOG_BAD;
	rec->time = p + 1;
	rec->time_len = (uint32_t)(q - p - 1);
	rec->time_kind = KZ_LT_CLF;
	p = q + 1;
	if (e - p < 3 || p[0] != ' ' || p[1] != '"')
		return KZ_LOG_BAD;
	req = p + 2;
	for (reqe = req; reqe < e && *reqe != '"'; reqe++)
		if (*reqe == '\\' && reqe + 1 < e)
			reqe++;
	if (reqe >= e)
		return KZ_LOG_BAD;
	log_add(rec, "client", rec->client, rec->client_len, KZ_LV_HOST);
	/* METHOD target PROTOCOL */
	{
		const char *r = req, *m, *t;
		size_t mlen, tl;

		if (token(&r, reqe, &m, &mlen) == 0 &&
		    token(&r, reqe, &t, &tl) == 0)
			add_target(rec, "url", t, tl);
	}
	p = reqe + 1;
	/* status, bytes */
	if (token(&p, e, &tok, &tlen) < 0 || !is_digit(*tok) ||
	    token(&p, e, &tok, &tlen) < 0)
		return KZ_LOG_OK; /* common log format stops earlier: fine */
	while (p < e && *p == ' ')
		p++;
	if (p < e && *p == '"') {
		const char *r = p + 1, *re;

		for (re = r; re < e && *re != '"'; re++)
			if (*re == '\\' && re + 1 < e)
				re++;
		add_target(rec, "referer", r, (size_t)(re - r));
	}
	return KZ_LOG_OK;
}

enum kz_log_status
log_squid(struct kz_log_record *rec, const char *line, size_t len)
{
	const char *tok, *s;
	struct fields f;
	size_t tlen;

	log_reset(rec, KZ_LOG_SQUID);
	fields_init(&f, line, len);
	/* time: seconds.millis */
	if (field(&f, &tok, &tlen) < 0 || tlen < 3 ||
	    !epoch_time(tok, tlen, line + len))
		return KZ_LOG_BAD;
	rec->time = tok;
	rec->time_len = (uint32_t)tlen;
	rec->time_kind = KZ_LT_EPOCH;
	/* elapsed */
	if (field(&f, &tok, &tlen) < 0 || !(is_digit(*tok) || *tok == '-'))
		return KZ_LOG_BAD;
	if (field(&f, &tok, &tlen) < 0)
		return KZ_LOG_BAD;
	rec->client = tok;
	rec->client_len = (uint32_t)tlen;
	/* code/status */
	if (field(&f, &tok, &tlen) < 0 || !find_byte(tok, tlen, '/'))
		return KZ_LOG_BAD;
	/* bytes, method */
	if (field(&f, &tok, &tlen) < 0 || field(&f, &tok, &tlen) < 0)
		return KZ_LOG_BAD;
	log_add(rec, "client", rec->client, rec->client_len, KZ_LV_HOST);
	if (field(&f, &tok, &tlen) < 0)
		return KZ_LOG_BAD;
	add_target(rec, "url", tok, tlen);
	/* user, hierarchy/peer */
	if (field(&f, &tok, &tlen) < 0 || field(&f, &tok, &tlen) < 0)
		return KZ_LOG_OK;
	s = find_byte(tok, tlen, '/');
	if (s && s + 1 < tok + tlen && !(s[1] == '-' && s + 2 == tok + tlen))
		log_add(rec, "dst", s + 1, (size_t)(tok + tlen - s - 1),
		    KZ_LV_HOST);
	return KZ_LOG_OK;
}

static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

static int
is_month(const char *p)
{
	int i;

	for (i = 0; i < 12; i++)
		if (!memcmp(p, months[i], 3))
			return i + 1;
	return 0;
}

/* "Mmm dd hh:mm:ss" at p (15 bytes). */
static int
bsd_time(const char *p, const char *e)
{
	return e - p >= 15 && is_month(p) && p[3] == ' ' &&
	    (p[4] == ' ' || is_digit(p[4])) && is_digit(p[5]) && p[6] == ' ' &&
	    is_digit(p[7]) && is_digit(p[8]) && p[9] == ':' &&
	    is_digit(p[10]) && p[12] == ':' && is_digit(p[14]);
}

/* "YYYY-MM-DDTHH:MM:SS..." at p; its length up to the next space. */
static size_t
iso_time(const char *p, const char *e)
{
	const char *s = p;

	if (e - p < 19 || !is_digit(p[0]) || !is_digit(p[3]) || p[4] != '-' ||
	    p[7] != '-' || (p[10] != 'T' && p[10] != ' ') || p[13] != ':')
		return 0;
	p += 19;
	while (p < e && *p != ' ')
		p++;
	return (size_t)(p - s);
}

int
log_syslog_header(struct kz_log_record *rec, const char *line, size_t len,
    const char **prog, size_t *proglen, const char **msg)
{
	const char *p = line, *e = line + len, *tok, *host;
	size_t tlen, hlen, n;

	/* <PRI> */
	if (p < e && *p == '<') {
		const char *q =
		    memchr(p, '>', (size_t)(e - p) > 5 ? 5 : (size_t)(e - p));

		if (!q)
			return -1;
		p = q + 1;
	}
	if (e - p > 2 && p[0] == '1' && p[1] == ' ') {
		/* RFC 5424: VERSION TIMESTAMP HOSTNAME APP PROCID MSGID SD MSG
		 */
		p += 2;
		if (token(&p, e, &tok, &tlen) < 0)
			return -1;
		if (iso_time(tok, e)) {
			rec->time = tok;
			rec->time_len = (uint32_t)tlen;
			rec->time_kind = KZ_LT_ISO;
		}
		if (token(&p, e, &host, &hlen) < 0 ||
		    token(&p, e, prog, proglen) < 0 ||
		    token(&p, e, &tok, &tlen) < 0 ||
		    token(&p, e, &tok, &tlen) < 0)
			return -1;
		while (p < e && *p == ' ')
			p++;
		if (p < e && *p == '[') {
			/* structured data: skip to the matching ] */
			while (p < e && *p != ']')
				p++;
			if (p < e)
				p++;
		} else if (p < e && *p == '-') {
			p++;
		}
		while (p < e && *p == ' ')
			p++;
		*msg = p;
		return 0;
	}
	if (bsd_time(p, e)) {
		rec->time = p;
		rec->time_len = 15;
		rec->time_kind = KZ_LT_BSD;
		p += 15;
	} else if ((n = iso_time(p, e)) != 0) {
		rec->time = p;
		rec->time_len = (uint32_t)n;
		rec->time_kind = KZ_LT_ISO;
		p += n;
	} else {
		return -1;
	}
	if (token(&p, e, &host, &hlen) < 0 || token(&p, e, &tok, &tlen) < 0)
		return -1;
	/* prog[pid]: */
	{
		const char *c = memchr(tok, '[', tlen);

		if (tok[tlen - 1] != ':' && !(c && tok[tlen - 1] == ':'))
			return -1;
		*prog = tok;
		*proglen = c ? (size_t)(c - tok) : tlen - 1;
	}
	while (p < e && *p == ' ')
		p++;
	*msg = p;
	return 0;
}

enum kz_log_status
log_syslog(struct kz_log_record *rec, const char *line, size_t len)
{
	const char *prog, *msg;
	size_t plen;

	log_reset(rec, KZ_LOG_SYSLOG);
	if (log_syslog_header(rec, line, len, &prog, &plen, &msg) < 0)
		return KZ_LOG_BAD;
	kz_logline_tokenize(rec, "msg", msg, (size_t)(line + len - msg));
	return KZ_LOG_OK;
}

/* "dd-Mmm-yyyy hh:mm:ss.mmm" at p. */
static int
bind_time(const char *p, const char *e)
{
	return e - p >= 20 && is_digit(p[0]) && is_digit(p[1]) && p[2] == '-' &&
	    is_month(p + 3) && p[6] == '-' && is_digit(p[7]) && p[11] == ' ' &&
	    p[14] == ':' && p[17] == ':';
}

enum kz_log_status
log_bind(struct kz_log_record *rec, const char *line, size_t len)
{
	const char *p = line, *e = line + len, *c, *q, *s;
	const char *prog, *msg;
	size_t plen;

	log_reset(rec, KZ_LOG_BIND);
	if (bind_time(p, e)) {
		const char *te = p + 12;

		while (te < e && *te != ' ')
			te++;
		rec->time = p;
		rec->time_len = (uint32_t)(te - p);
		rec->time_kind = KZ_LT_BIND;
	} else if (log_syslog_header(rec, line, len, &prog, &plen, &msg) < 0) {
		rec->time_kind = KZ_LT_NONE;
	}
	c = memmem(p, len, "client ", 7);
	if (!c)
		return KZ_LOG_BAD;
	c += 7;
	if (c < e && *c == '@') {
		while (c < e && *c != ' ')
			c++;
		while (c < e && *c == ' ')
			c++;
	}
	for (s = c; s < e && *s != '#' && *s != ' ' && *s != ':'; s++)
		;
	/* an IPv6 client has colons: the port follows '#' */
	if (s < e && *s == ':') {
		const char *h = memchr(c, '#', (size_t)(e - c));

		s = h ? h : s;
	}
	if (s == c)
		return KZ_LOG_BAD;
	rec->client = c;
	rec->client_len = (uint32_t)(s - c);
	q = memmem(s, (size_t)(e - s), "query: ", 7);
	if (!q)
		return KZ_LOG_BAD;
	q += 7;
	for (s = q; s < e && *s != ' '; s++)
		;
	log_add(rec, "client", rec->client, rec->client_len, KZ_LV_IP);
	log_add(rec, "query", q, (size_t)(s - q), KZ_LV_HOST);
	return KZ_LOG_OK;
}

/* "name[addr]" ending at the ']' found at b; adds the address. */
static void
postfix_peer(struct kz_log_record *rec, const char *msg, const char *open,
    const char *close)
{
	const char *n = open, *key;
	const char *field = "client";

	while (n > msg && n[-1] != ' ' && n[-1] != '=' && n[-1] != ',')
		n--;
	key = n;
	while (key > msg && key[-1] == '=')
		key--;
	if (key - msg >= 5 && !memcmp(key - 5, "relay", 5))
		field = "relay";
	if (open - n > 0 && !(open - n == 7 && !memcmp(n, "unknown", 7)))
		log_add(rec, field, n, (size_t)(open - n), KZ_LV_HOST);
	if (close - open > 1) {
		const char *a = open + 1;
		size_t alen = (size_t)(close - open - 1);

		if (alen > 5 && !memcmp(a, "IPv6:", 5)) {
			a += 5;
			alen -= 5;
		}
		log_add(rec, field, a, alen, KZ_LV_IP);
		if (!strcmp(field, "client") && !rec->client) {
			rec->client = a;
			rec->client_len = (uint32_t)alen;
		}
	}
}

enum kz_log_status
log_postfix(struct kz_log_record *rec, const char *line, size_t len)
{
	/* clang-format off */
	static const struct { const char *key; const char *field; int kind; } keys[] = {
		{ "from=<", "from", KZ_LV_EMAIL },
		{ "to=<", "to", KZ_LV_EMAIL },
		{ "orig_to=<", "orig_to", KZ_LV_EMAIL },
		{ "helo=<", "helo", KZ_LV_HOST },
	};
	/* clang-format on */
	const char *prog, *msg, *e = line + len, *p;
	size_t plen, k;

	log_reset(rec, KZ_LOG_POSTFIX);
	if (log_syslog_header(rec, line, len, &prog, &plen, &msg) < 0 ||
	    plen < 7 || memcmp(prog, "postfix", 7))
		return KZ_LOG_BAD;
	for (p = msg; p < e; p++) {
		if (*p == '[') {
			const char *c = memchr(p, ']', (size_t)(e - p));

			if (c && c - p <= 46) {
				postfix_peer(rec, msg, p, c);
				p = c;
			}
		} else if (*p == '<' && p > msg) {
			for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
				size_t kl = strlen(keys[k].key);
				const char *c;

				if ((size_t)(p + 1 - msg) < kl ||
				    memcmp(p + 1 - kl, keys[k].key, kl))
					continue;
				/* "to=<" also ends "orig_to=<": prefer the
				 * longer key */
				if (k == 1 && p + 1 - kl > msg &&
				    p[-(ptrdiff_t)kl] == '_')
					continue;
				c = memchr(p, '>', (size_t)(e - p));
				if (c && c > p + 1)
					log_add(rec, keys[k].field, p + 1,
					    (size_t)(c - p - 1),
					    (enum kz_log_kind)keys[k].kind);
				break;
			}
		}
	}
	return KZ_LOG_OK;
}
