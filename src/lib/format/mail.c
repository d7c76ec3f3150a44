/* SPDX-License-Identifier: MIT */
/*
 * The mail parser: GMime 3 reads the structure, this file turns what it
 * finds into a struct kz_mail. Charset conversion (with the detection of
 * the Japanese charsets), encoded-words, HTML to text, attachment typing
 * and delivery status notifications are done here.
 */
#include "format/mail.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gmime/gmime.h>
#include <sodium.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/json.h"
#include "core/strutil.h"

#define MAX_WARNINGS 100
#define MAX_ADDRS    1000
#define MAX_REFS     500
#define MAX_RCPTS    1000
#define WARN_MAX     512    /* bytes of one warning */
#define HEAD_MAX     0x9000 /* room for the ISO 9660 signature */
#define CHUNK        16384
#define REPL         "\xEF\xBF\xBD"

/* State of one kz_mail_parse() call. */
struct ctx {
	struct kz_mail_limits lim;
	GMimeParserOptions *opts;
	struct kz_mail *cur; /* where GMime's warnings go */
	unsigned nparts;     /* over the whole mail */
	int parts_full;
	size_t cut;          /* bytes read when the mail was cut, else 0 */
	int err;             /* sticky, KZ_ENOMEM */
	unsigned gmime_seen; /* GMime warning codes already reported */
};

/* State while one kz_mail (the top one or a forwarded one) is built. */
struct build {
	struct kz_mail *m;
	struct kz_buf text;
	struct kz_buf html;
	int has_html;
	unsigned part; /* last part number given */
	int dsn; /* inside multipart/report; report-type=delivery-status */
	unsigned level;
};

static void fill_mail(struct ctx *c, struct kz_mail *m, GMimeMessage *msg,
    unsigned depth, unsigned level);
static void walk_part(struct ctx *c, struct build *bd, GMimeObject *o,
    unsigned depth, int text_ok);

/* ---- memory ---------------------------------------------------------- */

static void
oom(struct ctx *c)
{
	if (!c->err)
		c->err = kz_error_set(KZ_ENOMEM, "out of memory");
}

/* Grows arr (n used elements of elsz) so that one more fits. */
static void *
push_grow(struct ctx *c, void *arr, size_t n, size_t elsz)
{
	void *p;

	if (c->err)
		return arr;
	if (n != 0 && (n & (n - 1)) != 0)
		return arr;
	if (n > ((size_t)-1) / 4 / elsz) {
		oom(c);
		return arr;
	}
	p = kz_realloc(arr, (n ? 2 * n : 1) * elsz);
	if (!p) {
		oom(c);
		return arr;
	}
	return p;
}

#define PUSH(c, arr, n)                                                        \
	((arr) = push_grow((c), (arr), (n), sizeof(*(arr))), (c)->err == 0)

static char *
dup_str(struct ctx *c, const char *s)
{
	char *d;

	if (!s || c->err)
		return NULL;
	d = kz_strdup(s);
	if (!d)
		oom(c);
	return d;
}

static void
hex_sha256(char out[65], const unsigned char h[crypto_hash_sha256_BYTES])
{
	static const char hx[] = "0123456789abcdef";

	for (size_t i = 0; i < crypto_hash_sha256_BYTES; i++) {
		out[2 * i] = hx[h[i] >> 4];
		out[2 * i + 1] = hx[h[i] & 15];
	}
	out[64] = '\0';
}

/* ---- UTF-8 ----------------------------------------------------------- */

/* Length of the well-formed UTF-8 sequence at s (n bytes there), or 0. */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];

	if (c < 0x80)
		return 1;
	if (c < 0xC2)
		return 0;
	if (c < 0xE0)
		return n >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 0;
	if (c < 0xF0) {
		if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
			return 0;
		if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] >= 0xA0))
			return 0;
		return 3;
	}
	if (c < 0xF5) {
		if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 ||
		    (s[3] & 0xC0) != 0x80)
			return 0;
		if ((c == 0xF0 && s[1] < 0x90) || (c == 0xF4 && s[1] >= 0x90))
			return 0;
		return 4;
	}
	return 0;
}

/* The code point of the sequence of length k at s. */
static unsigned long
utf8_cp(const unsigned char *s, size_t k)
{
	switch (k) {
	case 1:
		return s[0];
	case 2:
		return ((unsigned long)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
	case 3:
		return ((unsigned long)(s[0] & 0x0F) << 12) |
		    ((unsigned long)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
	default:
		return ((unsigned long)(s[0] & 0x07) << 18) |
		    ((unsigned long)(s[1] & 0x3F) << 12) |
		    ((unsigned long)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
	}
}

static void
add_cp(struct kz_buf *b, unsigned long cp)
{
	char u[4];

	if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
		kz_buf_add(b, REPL, 3);
	} else if (cp < 0x80) {
		kz_buf_addc(b, (char)cp);
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3F));
		kz_buf_add(b, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		kz_buf_add(b, u, 3);
	} else {
		u[0] = (char)(0xF0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (char)(0x80 | (cp & 0x3F));
		kz_buf_add(b, u, 4);
	}
}

/*
 * Appends s[0..len) to b as well-formed, NUL-free UTF-8: each byte that
 * does not start a valid sequence, and each NUL, becomes U+FFFD. Returns
 * the number of bytes replaced.
 */
static size_t
add_utf8_fixed(struct kz_buf *b, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, start = 0, bad = 0;

	while (i < len) {
		size_t k;

		if (p[i] >= 0x20 && p[i] < 0x80) {
			i++;
			continue;
		}
		k = p[i] ? utf8_seq(p + i, len - i) : 0;
		if (k) {
			i += k;
			continue;
		}
		kz_buf_add(b, s + start, i - start);
		kz_buf_add(b, REPL, 3);
		bad++;
		start = ++i;
	}
	kz_buf_add(b, s + start, i - start);
	return bad;
}

/* A copy of s[0..len) made valid UTF-8. */
static char *
dup_fixed(struct ctx *c, const char *s, size_t len)
{
	struct kz_buf b = KZ_BUF_INIT((size_t)-1 / 2);
	char *r;

	if (c->err)
		return NULL;
	add_utf8_fixed(&b, s, len);
	if (b.err) {
		kz_buf_release(&b);
		oom(c);
		return NULL;
	}
	r = kz_buf_detach(&b, NULL);
	if (!r)
		oom(c);
	return r;
}

static char *
dup_fixeds(struct ctx *c, const char *s)
{
	return s ? dup_fixed(c, s, strlen(s)) : NULL;
}

/* Cuts a UTF-8 buffer at most at max bytes, on a character boundary. */
static size_t
utf8_cut(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	return max;
}

/* ---- warnings -------------------------------------------------------- */

static void warn(struct ctx *c, struct kz_mail *m, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
warn(struct ctx *c, struct kz_mail *m, const char *fmt, ...)
{
	char tmp[WARN_MAX];
	va_list ap;
	char *s;

	if (c->err || m->n_warnings >= MAX_WARNINGS)
		return;
	if (m->n_warnings == MAX_WARNINGS - 1)
		snprintf(tmp, sizeof(tmp), "more problems found, not listed");
	else {
		va_start(ap, fmt);
		vsnprintf(tmp, sizeof(tmp), fmt, ap);
		va_end(ap);
	}
	/* A cut in the middle of a character is mended by dup_fixeds. */
	s = dup_fixeds(c, tmp);
	if (!s)
		return;
	if (!PUSH(c, m->warnings, m->n_warnings)) {
		kz_free(s);
		return;
	}
	m->warnings[m->n_warnings++] = s;
}

/* A short, printable, valid UTF-8 rendering of untrusted text. */
static const char *
clip(char out[80], const char *s)
{
	size_t n = 0;

	if (!s)
		s = "";
	for (; *s && n < 60; s++) {
		unsigned char ch = (unsigned char)*s;

		out[n++] = ch < 0x20 || ch == 0x7F ? '?' : (char)ch;
	}
	if (*s && n >= 3) {
		n = utf8_cut(out, n, n - 3);
		memcpy(out + n, "...", 3);
		n += 3;
	}
	out[n] = '\0';
	return out;
}

/* ---- charsets -------------------------------------------------------- */

enum cs_family {
	CS_NONE, /* nothing useful declared */
	CS_ASCII,
	CS_UTF8,
	CS_JIS,
	CS_SJIS,
	CS_EUC,
	CS_LATIN,
	CS_OTHER,
};

/* What a conversion did, for the warnings. */
struct conv {
	const char *used; /* the charset the text was read as */
	int unknown;      /* the declared charset is unknown */
	int mismatch;     /* the declared charset does not fit the bytes */
	int undeclared;   /* 8-bit or ISO-2022-JP text with none declared */
	size_t bad;       /* bytes replaced with U+FFFD */
};

/* clang-format off */
static const struct { const char *name; enum cs_family fam; } cs_alias[] = {
	{ "iso-2022-jp", CS_JIS }, { "iso-2022-jp-1", CS_JIS },
	{ "iso-2022-jp-2", CS_JIS }, { "iso-2022-jp-3", CS_JIS },
	{ "iso-2022-jp-ms", CS_JIS }, { "csiso2022jp", CS_JIS },
	{ "iso2022jp", CS_JIS }, { "x-iso-2022-jp", CS_JIS }, { "jis", CS_JIS },
	{ "shift_jis", CS_SJIS }, { "shift-jis", CS_SJIS }, { "sjis", CS_SJIS },
	{ "x-sjis", CS_SJIS }, { "ms_kanji", CS_SJIS }, { "csshiftjis", CS_SJIS },
	{ "windows-31j", CS_SJIS }, { "cp932", CS_SJIS }, { "ms932", CS_SJIS },
	{ "x-ms-cp932", CS_SJIS }, { "shift_jisx0213", CS_SJIS },
	{ "shift_jis-2004", CS_SJIS }, { "x-mac-japanese", CS_SJIS },
	{ "euc-jp", CS_EUC }, { "eucjp", CS_EUC }, { "x-euc-jp", CS_EUC },
	{ "x-euc", CS_EUC }, { "ujis", CS_EUC }, { "cseucpkdfmtjapanese", CS_EUC },
	{ "euc-jp-ms", CS_EUC }, { "eucjp-ms", CS_EUC }, { "eucjp-win", CS_EUC },
	{ "cp51932", CS_EUC }, { "euc-jis-2004", CS_EUC },
	{ "utf-8", CS_UTF8 }, { "utf8", CS_UTF8 }, { "x-utf-8", CS_UTF8 },
	{ "unicode-1-1-utf-8", CS_UTF8 },
	{ "us-ascii", CS_ASCII }, { "ascii", CS_ASCII },
	{ "ansi_x3.4-1968", CS_ASCII }, { "iso646-us", CS_ASCII },
	{ "us", CS_ASCII },
	{ "", CS_NONE }, { "unknown-8bit", CS_NONE }, { "x-unknown", CS_NONE },
	{ "unknown", CS_NONE }, { "x-user-defined", CS_NONE },
	{ "default", CS_NONE }, { "7bit", CS_NONE }, { "8bit", CS_NONE },
	{ "none", CS_NONE },
};
/* clang-format on */

/* Lower-cases and trims a declared charset into out. */
static enum cs_family
charset_family(char out[64], const char *cs)
{
	size_t n = 0;

	out[0] = '\0';
	if (!cs)
		return CS_NONE;
	while (*cs == ' ' || *cs == '\t' || *cs == '"' || *cs == '\'')
		cs++;
	for (; *cs && n < 63; cs++) {
		unsigned char ch = (unsigned char)*cs;

		if (ch == '"' || ch == '\'' || ch == ' ' || ch == '\t' ||
		    ch == ';')
			break;
		out[n++] = (char)tolower(ch);
	}
	out[n] = '\0';
	for (size_t i = 0; i < sizeof(cs_alias) / sizeof(cs_alias[0]); i++)
		if (strcmp(out, cs_alias[i].name) == 0)
			return cs_alias[i].fam;
	if (strncmp(out, "iso-8859-", 9) == 0 ||
	    strncmp(out, "iso8859-", 8) == 0 ||
	    strncmp(out, "windows-125", 11) == 0 ||
	    strncmp(out, "cp125", 5) == 0 || strncmp(out, "latin", 5) == 0)
		return CS_LATIN;
	return CS_OTHER;
}

static int
has_8bit(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 1;
	return 0;
}

/* Whether s has an ISO-2022-JP designation (ESC $ B, ESC $ @, ESC ( I ...) */
static int
has_jis_esc(const char *s, size_t len)
{
	const char *p = s, *end = s + len;

	while ((p = memchr(p, 0x1B, (size_t)(end - p))) && end - p >= 3) {
		if ((p[1] == '$' &&
			(p[2] == 'B' || p[2] == '@' || p[2] == '(')) ||
		    (p[1] == '(' && (p[2] == 'J' || p[2] == 'I')))
			return 1;
		p++;
	}
	return 0;
}

/*
 * Opening a converter loads a gconv module; a few are kept per thread so
 * that a mail does not pay for that on each part.
 */
#define ICONV_CACHE 6

struct iconv_cache {
	char name[ICONV_CACHE][64];
	iconv_t cd[ICONV_CACHE];
	unsigned next;
};

static pthread_key_t iconv_key;
static pthread_once_t iconv_once = PTHREAD_ONCE_INIT;
static _Thread_local struct iconv_cache *iconv_tls;

static void
iconv_cache_free(void *arg)
{
	struct iconv_cache *ic = arg;

	for (int i = 0; i < ICONV_CACHE; i++)
		if (ic->name[i][0])
			iconv_close(ic->cd[i]);
	free(ic);
}

static void
iconv_key_init(void)
{
	pthread_key_create(&iconv_key, iconv_cache_free);
}

/* A converter from `from` to UTF-8 in its initial state, or (iconv_t)-1. */
static iconv_t
iconv_get(const char *from)
{
	struct iconv_cache *ic = iconv_tls;
	iconv_t cd;
	unsigned i;

	if (!ic) {
		pthread_once(&iconv_once, iconv_key_init);
		/* Plain calloc: a failed test allocation must not bite here. */
		if ((ic = calloc(1, sizeof(*ic)))) {
			iconv_tls = ic;
			pthread_setspecific(iconv_key, ic);
		}
	}
	for (i = 0; ic && i < ICONV_CACHE; i++) {
		if (strcmp(ic->name[i], from) == 0) {
			iconv(ic->cd[i], NULL, NULL, NULL, NULL);
			return ic->cd[i];
		}
	}
	cd = iconv_open("UTF-8", from);
	if (cd == (iconv_t)-1 || !ic || strlen(from) >= 64)
		return cd;
	i = ic->next++ % ICONV_CACHE;
	if (ic->name[i][0])
		iconv_close(ic->cd[i]);
	snprintf(ic->name[i], sizeof(ic->name[i]), "%s", from);
	ic->cd[i] = cd;
	return cd;
}

/* Gives back what iconv_get() handed out. */
static void
iconv_put(iconv_t cd)
{
	struct iconv_cache *ic = iconv_tls;

	for (int i = 0; ic && i < ICONV_CACHE; i++)
		if (ic->name[i][0] && ic->cd[i] == cd)
			return;
	iconv_close(cd);
}

/*
 * Converts from charset `from` to UTF-8 (made NUL-free) onto b. With
 * strict, stops at the first bad byte and returns (size_t)-1, leaving b as
 * it was; otherwise each bad byte becomes U+FFFD and the count of them is
 * returned. (size_t)-2 when iconv does not know the charset.
 */
static size_t
iconv_add(
    struct kz_buf *b, const char *from, const char *s, size_t len, int strict)
{
	char out[4096];
	size_t start = b->len, bad = 0;
	char *in = (char *)s;
	size_t inleft = len;
	iconv_t cd = iconv_get(from);

	if (cd == (iconv_t)-1)
		return (size_t)-2;
	while (inleft > 0 && !b->err) {
		char *o = out;
		size_t oleft = sizeof(out);
		size_t r = iconv(cd, &in, &inleft, &o, &oleft);
		int e = errno;

		bad += add_utf8_fixed(b, out, sizeof(out) - oleft);
		if (r != (size_t)-1)
			break;
		if (e == E2BIG)
			continue;
		if (strict) {
			kz_buf_truncate(b, start);
			bad = (size_t)-1;
			goto done;
		}
		kz_buf_add(b, REPL, 3);
		bad++;
		if (e == EINVAL) /* incomplete at the end */
			break;
		in++;
		inleft--;
	}
	{
		char *o = out;
		size_t oleft = sizeof(out);

		iconv(cd, NULL, NULL, &o, &oleft);
		bad += add_utf8_fixed(b, out, sizeof(out) - oleft);
	}
	if (strict && bad) { /* NUL bytes */
		kz_buf_truncate(b, start);
		bad = (size_t)-1;
	}
done:
	iconv_put(cd);
	return bad;
}

/*
 * ISO-2022-JP as mailers write it, into Shift_JIS bytes for CP932: this
 * keeps the NEC and IBM extensions (①, ㈱ ...) that Windows mailers put
 * in JIS rows 13 and 89-92 and that iconv's ISO-2022-JP refuses.
 */
static void
jis_to_sjis(struct kz_buf *out, const unsigned char *s, size_t len)
{
	enum { ASCII, KANJI, KANA, OTHER } st = ASCII;

	for (size_t i = 0; i < len && !out->err; i++) {
		unsigned char ch = s[i];

		if (ch == 0x1B && i + 2 < len) {
			const unsigned char *e = s + i + 1;

			if (e[0] == '$' && (e[1] == 'B' || e[1] == '@')) {
				st = KANJI;
				i += 2;
			} else if (e[0] == '$' && e[1] == '(' && i + 3 < len) {
				st = e[2] == 'Q' || e[2] == 'O' ? KANJI : OTHER;
				i += 3;
			} else if (e[0] == '(' &&
			    (e[1] == 'B' || e[1] == 'J')) {
				st = ASCII;
				i += 2;
			} else if (e[0] == '(' && e[1] == 'I') {
				st = KANA;
				i += 2;
			} else {
				kz_buf_addc(out, (char)0xFF);
			}
			continue;
		}
		if (ch == 0x0E || ch == 0x0F) {
			st = ch == 0x0E ? KANA : ASCII;
			continue;
		}
		if (ch == '\n' || ch == '\r') {
			st = ASCII;
			kz_buf_addc(out, (char)ch);
			continue;
		}
		if (ch >= 0x80) {
			kz_buf_addc(out, (char)0xFF);
			continue;
		}
		if (st == KANA && ch >= 0x21 && ch <= 0x5F) {
			kz_buf_addc(out, (char)(ch + 0x80));
		} else if ((st == KANJI || st == OTHER) && ch >= 0x21 &&
		    ch <= 0x7E) {
			unsigned char j2 = i + 1 < len ? s[i + 1] : 0;
			char p[2];

			if (st == OTHER || j2 < 0x21 || j2 > 0x7E) {
				kz_buf_addc(out, (char)0xFF);
				if (j2 >= 0x21 && j2 <= 0x7E)
					i++;
				continue;
			}
			p[0] = (char)(((ch - 0x21) >> 1) + 0x81);
			if ((unsigned char)p[0] > 0x9F)
				p[0] = (char)(p[0] + 0x40);
			if (ch & 1)
				p[1] = (char)(j2 + 0x1F + (j2 >= 0x60));
			else
				p[1] = (char)(j2 + 0x7E);
			kz_buf_add(out, p, 2);
			i++;
		} else {
			kz_buf_addc(out, (char)ch);
		}
	}
}

/* ISO-2022-JP onto b; returns the count of replaced bytes. */
static size_t
jis_add(struct kz_buf *b, const char *s, size_t len)
{
	struct kz_buf t = KZ_BUF_INIT(b->cap);
	size_t bad;

	bad = iconv_add(b, "ISO-2022-JP-2", s, len, 1);
	if (bad == 0)
		return 0;
	jis_to_sjis(&t, (const unsigned char *)s, len);
	if (t.err) {
		b->err = t.err;
		return 0;
	}
	bad = iconv_add(b, "CP932", t.ptr, t.len, 0);
	kz_buf_release(&t);
	return bad == (size_t)-2 ? 0 : bad;
}

/*
 * How Japanese a UTF-8 text looks: kana and kanji count for it, half-width
 * katakana and private-use characters (what EUC-JP read as CP932, or the
 * reverse, turns into) against it.
 */
static long
ja_score(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	long score = 0;

	for (size_t i = 0; i < len;) {
		size_t k = utf8_seq(p + i, len - i);
		unsigned long cp;

		if (!k) {
			i++;
			score -= 5;
			continue;
		}
		cp = utf8_cp(p + i, k);
		i += k;
		if ((cp >= 0x3000 && cp <= 0x30FF) ||
		    (cp >= 0x4E00 && cp <= 0x9FFF) ||
		    (cp >= 0xFF01 && cp <= 0xFF5E))
			score += 2;
		else if (cp >= 0xFF61 && cp <= 0xFF9F)
			score -= 3;
		else if ((cp >= 0xE000 && cp <= 0xF8FF) || cp == 0xFFFD)
			score -= 5;
		else if (cp >= 0x80 && cp < 0x3000)
			score -= 1;
	}
	return score;
}

/*
 * Reads s in the first charset that reads it without a bad byte:
 * ISO-2022-JP by its escapes, US-ASCII, UTF-8, then EUC-JP or CP932 (the
 * more Japanese looking when both do). Returns the charset, or NULL with b
 * untouched when none does.
 */
static const char *
detect_clean(struct kz_buf *b, const char *s, size_t len)
{
	struct kz_buf e = KZ_BUF_INIT(b->cap), w = KZ_BUF_INIT(b->cap);
	const char *used = NULL;
	size_t be, bw;

	if (!has_8bit(s, len)) {
		if (has_jis_esc(s, len)) {
			struct kz_buf t = KZ_BUF_INIT(b->cap);

			if (jis_add(&t, s, len) == 0) {
				kz_buf_add(b, t.ptr, t.len);
				used = "iso-2022-jp";
			}
			kz_buf_release(&t);
			return used;
		}
		if (memchr(s, '\0', len))
			return NULL;
		kz_buf_add(b, s, len);
		return "us-ascii";
	}
	if (kz_utf8_valid(s, len) && !memchr(s, '\0', len)) {
		kz_buf_add(b, s, len);
		return "utf-8";
	}
	be = iconv_add(&e, "EUC-JP-MS", s, len, 1);
	bw = iconv_add(&w, "CP932", s, len, 1);
	if (be == 0 && bw == 0) {
		if (ja_score(e.ptr, e.len) > ja_score(w.ptr, w.len)) {
			kz_buf_add(b, e.ptr, e.len);
			used = "euc-jp";
		} else {
			kz_buf_add(b, w.ptr, w.len);
			used = "cp932";
		}
	} else if (be == 0) {
		kz_buf_add(b, e.ptr, e.len);
		used = "euc-jp";
	} else if (bw == 0) {
		kz_buf_add(b, w.ptr, w.len);
		used = "cp932";
	}
	if (e.err || w.err)
		b->err = e.err ? e.err : w.err;
	kz_buf_release(&e);
	kz_buf_release(&w);
	return used;
}

/*
 * Reads s in charset fam (iconv name cs for CS_LATIN and CS_OTHER) with
 * U+FFFD for bad bytes; for CS_NONE the one of UTF-8, EUC-JP and CP932
 * with the fewest. Returns the charset used.
 */
static const char *
lossy_add(struct kz_buf *b, const char *s, size_t len, enum cs_family fam,
    const char *cs, size_t *bad)
{
	struct kz_buf t = KZ_BUF_INIT(b->cap);
	size_t bu, be, bw;

	switch (fam) {
	case CS_UTF8:
		*bad = add_utf8_fixed(b, s, len);
		return "utf-8";
	case CS_JIS:
		*bad = jis_add(b, s, len);
		return "iso-2022-jp";
	case CS_SJIS:
		*bad = iconv_add(b, "CP932", s, len, 0);
		return "cp932";
	case CS_EUC:
		*bad = iconv_add(b, "EUC-JP-MS", s, len, 0);
		return "euc-jp";
	case CS_LATIN:
	case CS_OTHER:
		*bad = iconv_add(b, cs, s, len, 0);
		if (*bad != (size_t)-2)
			return cs;
		break;
	default:
		break;
	}
	bu = add_utf8_fixed(&t, s, len);
	kz_buf_reset(&t);
	be = iconv_add(&t, "EUC-JP-MS", s, len, 0);
	kz_buf_reset(&t);
	bw = iconv_add(&t, "CP932", s, len, 0);
	kz_buf_release(&t);
	if (bu <= bw && bu <= be) {
		*bad = add_utf8_fixed(b, s, len);
		return "utf-8";
	}
	if (bw <= be) {
		*bad = iconv_add(b, "CP932", s, len, 0);
		return "cp932";
	}
	*bad = iconv_add(b, "EUC-JP-MS", s, len, 0);
	return "euc-jp";
}

/* Reads text of unknown charset; returns the charset used. */
static const char *
detect_add(struct kz_buf *b, const char *s, size_t len, size_t *bad)
{
	const char *used = detect_clean(b, s, len);

	*bad = 0;
	return used ? used : lossy_add(b, s, len, CS_NONE, NULL, bad);
}

/*
 * Reads s as Japanese when its bytes say so though something else was
 * declared: strict EUC-JP or CP932 that scores clearly Japanese.
 */
static const char *
try_japanese(struct kz_buf *b, const char *s, size_t len)
{
	static const char *const cands[][2] = {
		{ "EUC-JP-MS", "euc-jp" },
		{ "CP932", "cp932" },
	};
	struct kz_buf t = KZ_BUF_INIT(b->cap);
	const char *used = NULL;
	size_t high = 0;

	for (size_t i = 0; i < len; i++)
		high += (unsigned char)s[i] >= 0x80;
	if (high < 4)
		return NULL;
	for (size_t i = 0; i < 2 && !used; i++) {
		kz_buf_reset(&t);
		if (iconv_add(&t, cands[i][0], s, len, 1) != 0)
			continue;
		if (ja_score(t.ptr, t.len) >= (long)high / 2) {
			kz_buf_add(b, t.ptr, t.len);
			used = cands[i][1];
		}
	}
	kz_buf_release(&t);
	return used;
}

static int
iconv_knows(const char *cs)
{
	iconv_t cd = iconv_get(cs);

	if (cd == (iconv_t)-1)
		return 0;
	iconv_put(cd);
	return 1;
}

/*
 * Appends s[0..len), in the declared charset (NULL for none), to b as
 * UTF-8: the declared charset when it reads the bytes cleanly, else the
 * detected one, else the declared one with U+FFFD for bad bytes. Never
 * fails but for b->err; cv says what was done.
 */
static void
to_utf8(struct kz_buf *b, const char *s, size_t len, const char *declared,
    struct conv *cv)
{
	char cs[64];
	enum cs_family fam = charset_family(cs, declared);
	int eight = has_8bit(s, len), jis = !eight && has_jis_esc(s, len);
	const char *name = NULL;

	memset(cv, 0, sizeof(*cv));
	if ((fam == CS_LATIN || fam == CS_OTHER) && !iconv_knows(cs)) {
		cv->unknown = 1;
		fam = CS_NONE;
	}
	switch (fam) {
	case CS_NONE:
	case CS_ASCII:
		cv->used = detect_add(b, s, len, &cv->bad);
		if (strcmp(cv->used, "us-ascii") != 0 && !cv->unknown) {
			if (fam == CS_NONE)
				cv->undeclared = 1;
			else
				cv->mismatch = 1;
		}
		return;
	case CS_UTF8:
		name = "utf-8";
		if (!jis && kz_utf8_valid(s, len)) {
			cv->used = name;
			cv->bad = add_utf8_fixed(b, s, len);
			return;
		}
		break;
	case CS_JIS:
		name = "iso-2022-jp";
		if (!eight) {
			cv->used = name;
			cv->bad = jis_add(b, s, len);
			return;
		}
		break;
	case CS_SJIS:
	case CS_EUC:
		name = fam == CS_SJIS ? "cp932" : "euc-jp";
		if (!jis &&
		    (!eight ||
			iconv_add(b, fam == CS_SJIS ? "CP932" : "EUC-JP-MS", s,
			    len, 1) == 0)) {
			cv->used = name;
			if (!eight)
				cv->bad = add_utf8_fixed(b, s, len);
			return;
		}
		break;
	case CS_LATIN:
	case CS_OTHER:
		name = declared;
		if (!eight && !jis) {
			cv->used = "us-ascii";
			cv->bad = add_utf8_fixed(b, s, len);
			return;
		}
		/* A Latin charset reads any byte: ask whether it is Japanese.
		 */
		if (eight && (cv->used = try_japanese(b, s, len))) {
			cv->mismatch = 1;
			return;
		}
		if (eight && fam == CS_LATIN && kz_utf8_valid(s, len)) {
			cv->used = "utf-8";
			cv->mismatch = 1;
			cv->bad = add_utf8_fixed(b, s, len);
			return;
		}
		if (!jis && iconv_add(b, cs, s, len, 1) == 0) {
			cv->used = declared;
			return;
		}
		break;
	}
	/* The declared charset does not read it cleanly. */
	if ((cv->used = detect_clean(b, s, len))) {
		cv->mismatch = 1;
		return;
	}
	cv->used = lossy_add(b, s, len, fam, cs, &cv->bad);
	if (cv->used == cs)
		cv->used = name;
}

/* Adds the warnings a conversion earned, labelled "part 3" or the like. */
static void
conv_warn(struct ctx *c, struct kz_mail *m, const char *label,
    const char *declared, const struct conv *cv)
{
	char t[80];

	if (cv->unknown)
		warn(c, m, "%s: unknown charset '%s', decoded as %s", label,
		    clip(t, declared), cv->used);
	else if (cv->mismatch)
		warn(c, m,
		    "%s: text is not in the declared charset '%s', "
		    "decoded as %s",
		    label, clip(t, declared), cv->used);
	else if (cv->undeclared)
		warn(c, m, "%s: no charset declared, decoded as %s", label,
		    cv->used);
	if (cv->bad)
		warn(c, m,
		    "%s: %zu bytes could not be decoded as %s, "
		    "replaced with U+FFFD",
		    label, cv->bad, cv->used);
}

/* ---- header values --------------------------------------------------- */

/* Unfolds a raw header value onto b and trims it. */
static void
unfold(struct kz_buf *b, const char *raw)
{
	size_t start = b->len;

	for (const char *p = raw; *p; p++) {
		if (*p == '\r' || *p == '\n')
			continue;
		kz_buf_addc(b, *p);
	}
	while (b->len > start &&
	    (b->ptr[b->len - 1] == ' ' || b->ptr[b->len - 1] == '\t'))
		kz_buf_truncate(b, b->len - 1);
	{
		size_t lead = 0;

		while (start + lead < b->len &&
		    (b->ptr[start + lead] == ' ' ||
			b->ptr[start + lead] == '\t'))
			lead++;
		if (lead) {
			memmove(b->ptr + start, b->ptr + start + lead,
			    b->len - start - lead);
			kz_buf_truncate(b, b->len - lead);
		}
	}
}

static int
b64_val(unsigned char ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 26;
	if (ch >= '0' && ch <= '9')
		return ch - '0' + 52;
	if (ch == '+')
		return 62;
	if (ch == '/')
		return 63;
	return -1;
}

static int
hex_val(unsigned char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch = (unsigned char)tolower(ch);
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

/* The payload of one encoded-word, B or Q, onto b. */
static void
ew_decode(struct kz_buf *b, char enc, const char *s, size_t len)
{
	if (enc == 'b' || enc == 'B') {
		unsigned long acc = 0;
		int bits = 0;

		for (size_t i = 0; i < len; i++) {
			int v = b64_val((unsigned char)s[i]);

			if (v < 0)
				continue;
			acc = (acc << 6) | (unsigned long)v;
			bits += 6;
			if (bits >= 8) {
				bits -= 8;
				kz_buf_addc(b, (char)((acc >> bits) & 0xFF));
			}
		}
		return;
	}
	for (size_t i = 0; i < len; i++) {
		int hi, lo;

		if (s[i] == '_') {
			kz_buf_addc(b, ' ');
		} else if (s[i] == '=' && i + 2 < len &&
		    (hi = hex_val((unsigned char)s[i + 1])) >= 0 &&
		    (lo = hex_val((unsigned char)s[i + 2])) >= 0) {
			kz_buf_addc(b, (char)(hi * 16 + lo));
			i += 2;
		} else {
			kz_buf_addc(b, s[i]);
		}
	}
}

/*
 * Finds an encoded-word =?charset?X?text?= at s; sets its parts and returns
 * its length, or 0.
 */
static size_t
ew_parse(const char *s, size_t len, const char **cs, size_t *cslen, char *enc,
    const char **txt, size_t *txtlen)
{
	size_t i = 2, j;

	if (len < 8 || s[0] != '=' || s[1] != '?')
		return 0;
	while (i < len && i < 66 && s[i] != '?' && s[i] != ' ' && s[i] != '\t')
		i++;
	if (i == 2 || i + 3 >= len || s[i] != '?' || s[i + 2] != '?')
		return 0;
	*cs = s + 2;
	*cslen = i - 2;
	*enc = s[i + 1];
	if (!strchr("bBqQ", *enc))
		return 0;
	j = i + 3;
	while (j + 1 < len && !(s[j] == '?' && s[j + 1] == '=')) {
		if (s[j] == ' ' || s[j] == '\t')
			return 0;
		j++;
	}
	if (j + 1 >= len)
		return 0;
	*txt = s + i + 3;
	*txtlen = j - (i + 3);
	return j + 2;
}

/*
 * Converts the joined payload of adjacent encoded-words onto out. In an
 * address header (quote set) the text becomes a quoted-string, so that
 * GMime reads the display name without decoding it again (and badly: it
 * does not know the CP932 extensions of ISO-2022-JP).
 */
static void
ew_flush(struct ctx *c, struct kz_mail *m, struct kz_buf *out,
    struct kz_buf *pend, const char *cs, const char *label, int quote, int inq)
{
	struct kz_buf t = KZ_BUF_INIT(out->cap);
	struct conv cv;

	if (!pend->len)
		return;
	to_utf8(&t, pend->ptr, pend->len, cs, &cv);
	if (label)
		conv_warn(c, m, label, cs, &cv);
	if (quote && !inq)
		kz_buf_addc(out, '"');
	for (size_t i = 0; i < t.len; i++) {
		if (quote && (t.ptr[i] == '"' || t.ptr[i] == '\\'))
			kz_buf_addc(out, '\\');
		kz_buf_addc(out, t.ptr[i]);
	}
	if (quote && !inq)
		kz_buf_addc(out, '"');
	if (t.err)
		out->err = t.err;
	kz_buf_release(&t);
	kz_buf_reset(pend);
}

/*
 * Decodes the encoded-words of s (valid UTF-8 apart from them) onto out.
 * Adjacent words of one charset are joined before conversion, so that a
 * character split across two words survives. label NULL: no warnings.
 */
static void
ew_text(struct ctx *c, struct kz_mail *m, struct kz_buf *out, const char *s,
    size_t len, const char *label, int quote)
{
	struct kz_buf pend = KZ_BUF_INIT(out->cap);
	char pcs[64] = "";
	size_t pos = 0, lit = 0;
	int after_word = 0, inq = 0;

	for (;;) {
		const char *q =
		    pos < len ? memchr(s + pos, '=', len - pos) : NULL;
		const char *cs = NULL, *txt = NULL;
		size_t cslen = 0, txtlen = 0, wl = 0;
		char enc = 0;
		int blank = 1;

		while (q &&
		    !(wl = ew_parse(q, (size_t)(s + len - q), &cs, &cslen, &enc,
			  &txt, &txtlen)))
			q = q + 1 < s + len ?
			    memchr(q + 1, '=', (size_t)(s + len - q - 1)) :
			    NULL;
		if (!q)
			q = s + len;
		for (const char *p = s + lit; p < q; p++)
			if (*p != ' ' && *p != '\t')
				blank = 0;
		if (!after_word || !blank || !wl) {
			ew_flush(c, m, out, &pend, pcs, label, quote, inq);
			for (const char *p = s + lit; p < q; p++) {
				if (*p == '\\' && p + 1 < q) {
					p++;
					continue;
				}
				if (*p == '"')
					inq = !inq;
			}
			kz_buf_add(out, s + lit, (size_t)(q - (s + lit)));
		}
		if (!wl)
			break;
		{
			char ncs[64];
			size_t n = cslen < 63 ? cslen : 63;
			char *star;

			memcpy(ncs, cs, n);
			ncs[n] = '\0';
			if ((star = strchr(ncs, '*'))) /* RFC 2231 language */
				*star = '\0';
			if (pend.len && strcasecmp(ncs, pcs) != 0)
				ew_flush(
				    c, m, out, &pend, pcs, label, quote, inq);
			memcpy(pcs, ncs, strlen(ncs) + 1);
		}
		ew_decode(&pend, enc, txt, txtlen);
		pos = lit = (size_t)(q - s) + wl;
		after_word = 1;
	}
	if (pend.err)
		out->err = pend.err;
	kz_buf_release(&pend);
}

/*
 * A header value as text: unfolded, 8-bit or ISO-2022-JP bytes read in
 * the detected charset, encoded-words decoded when decode is set (2: as
 * quoted-strings for an address header, without warnings), control
 * characters made spaces. Returns a new string, or NULL (c->err set).
 */
static char *
header_text(struct ctx *c, struct kz_mail *m, const char *raw,
    const char *label, int decode)
{
	struct kz_buf u = KZ_BUF_INIT(c->lim.max_size + 1024);
	struct kz_buf v = KZ_BUF_INIT(c->lim.max_size * 3 + 1024);
	char *r = NULL;

	if (c->err)
		return NULL;
	unfold(&u, raw ? raw : "");
	if (has_8bit(u.ptr, u.len) || has_jis_esc(u.ptr, u.len)) {
		struct conv cv;

		to_utf8(&v, u.ptr, u.len, NULL, &cv);
		if (decode == 1)
			conv_warn(c, m, label, NULL, &cv);
		kz_buf_reset(&u);
		kz_buf_add(&u, v.ptr, v.len);
		kz_buf_reset(&v);
	}
	if (decode && memmem(u.ptr, u.len, "=?", 2))
		ew_text(c, m, &v, u.ptr, u.len, decode == 2 ? NULL : label,
		    decode == 2);
	else
		add_utf8_fixed(&v, u.ptr, u.len);
	for (size_t i = 0; i < v.len; i++)
		if ((unsigned char)v.ptr[i] < 0x20 || v.ptr[i] == 0x7F)
			v.ptr[i] = ' ';
	if (u.err || v.err)
		oom(c);
	else if (!(r = kz_buf_detach(&v, NULL)))
		oom(c);
	kz_buf_release(&u);
	kz_buf_release(&v);
	return r;
}

/* ---- HTML to text ---------------------------------------------------- */

/* clang-format off */
static const struct { const char *name; unsigned long cp; } entities[] = {
	{ "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' },
	{ "apos", '\'' }, { "nbsp", ' ' }, { "copy", 0xA9 }, { "reg", 0xAE },
	{ "trade", 0x2122 }, { "yen", 0xA5 }, { "euro", 0x20AC },
	{ "pound", 0xA3 }, { "cent", 0xA2 }, { "hellip", 0x2026 },
	{ "mdash", 0x2014 }, { "ndash", 0x2013 }, { "laquo", 0xAB },
	{ "raquo", 0xBB }, { "lsquo", 0x2018 }, { "rsquo", 0x2019 },
	{ "ldquo", 0x201C }, { "rdquo", 0x201D }, { "middot", 0xB7 },
	{ "bull", 0x2022 }, { "times", 0xD7 }, { "divide", 0xF7 },
	{ "deg", 0xB0 }, { "plusmn", 0xB1 }, { "sect", 0xA7 }, { "para", 0xB6 },
	{ "ensp", ' ' }, { "emsp", ' ' }, { "thinsp", ' ' }, { "larr", 0x2190 },
	{ "rarr", 0x2192 }, { "uarr", 0x2191 }, { "darr", 0x2193 },
	{ "hearts", 0x2665 }, { "star", 0x2606 }, { "check", 0x2713 },
	{ "shy", 0 }, { "zwnj", 0 }, { "zwj", 0 }, { "lrm", 0 }, { "rlm", 0 },
};

/* Tags that end a line of text. */
static const char *const block_tags[] = {
	"br", "p", "div", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6",
	"table", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "hr",
	"title", "center", "section", "article", "header", "footer", "nav",
	"address", "form", "fieldset", "tbody", "thead", "tfoot", "caption",
	"body", "html", "head", NULL,
};
/* clang-format on */

/*
 * Decodes the entity at s (s[0] == '&'); appends it and returns its
 * length, or 0 when s holds no entity.
 */
static size_t
html_entity(struct kz_buf *b, const char *s, size_t len)
{
	size_t i = 1;
	char name[12];

	if (len > 2 && s[1] == '#') {
		unsigned long cp = 0;
		int hex = s[2] == 'x' || s[2] == 'X', digits = 0;

		i = hex ? 3 : 2;
		for (; i < len && digits < 8; i++, digits++) {
			int v = hex ?
			    hex_val((unsigned char)s[i]) :
			    (isdigit((unsigned char)s[i]) ? s[i] - '0' : -1);

			if (v < 0)
				break;
			cp = cp * (hex ? 16 : 10) + (unsigned long)v;
		}
		if (!digits)
			return 0;
		add_cp(b, cp);
		return i < len && s[i] == ';' ? i + 1 : i;
	}
	while (i < len && i < 11 && isalnum((unsigned char)s[i]))
		i++;
	if (i == 1 || i >= len || s[i] != ';')
		return 0;
	memcpy(name, s + 1, i - 1);
	name[i - 1] = '\0';
	for (size_t k = 0; k < sizeof(entities) / sizeof(entities[0]); k++) {
		if (strcmp(entities[k].name, name) == 0) {
			if (entities[k].cp)
				add_cp(b, entities[k].cp);
			return i + 1;
		}
	}
	return 0;
}

/* Text with entities decoded (an attribute value). */
static void
html_add_decoded(struct kz_buf *b, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		size_t k;

		if (s[i] == '&' && (k = html_entity(b, s + i, len - i))) {
			i += k - 1;
			continue;
		}
		if (s[i] == '\n' || s[i] == '\r' || s[i] == '\t')
			continue;
		kz_buf_addc(b, s[i]);
	}
}

/* Finds ci (lower case) in s[0..len) ignoring case; offset or len. */
static size_t
find_ci(const char *s, size_t len, const char *ci)
{
	size_t n = strlen(ci);

	for (size_t i = 0; i + n <= len; i++)
		if (strncasecmp(s + i, ci, n) == 0)
			return i;
	return len;
}

struct html_state {
	struct kz_buf *b;
	int space;      /* a space is owed before the next word */
	int pre;        /* inside <pre> */
	size_t a_start; /* where the text of the current <a> began */
	char *href;     /* of the current <a>, kz_malloc'd */
};

static void
html_newline(struct html_state *h)
{
	struct kz_buf *b = h->b;

	while (b->len && b->ptr[b->len - 1] == ' ')
		kz_buf_truncate(b, b->len - 1);
	if (b->len >= 2 && b->ptr[b->len - 1] == '\n' &&
	    b->ptr[b->len - 2] == '\n')
		return;
	if (b->len)
		kz_buf_addc(b, '\n');
	h->space = 0;
}

static void
html_url(struct html_state *h, const char *url)
{
	if (!url[0])
		return;
	if (h->b->len && h->b->ptr[h->b->len - 1] != '\n')
		kz_buf_addc(h->b, ' ');
	kz_buf_addf(h->b, "<%s>", url);
	h->space = 1;
}

/*
 * Reads one tag at s (s[0] == '<'), acts on it and returns its length.
 * *skip is set to "script" or "style" when their content must be skipped.
 */
static size_t
html_tag(struct html_state *h, const char *s, size_t len, const char **skip)
{
	char tag[16], aname[16];
	size_t i = 1, n = 0;
	int closing = 0;
	struct kz_buf url = KZ_BUF_INIT(8192), refresh = KZ_BUF_INIT(8192);
	int is_refresh = 0;

	*skip = NULL;
	if (i < len && s[i] == '/') {
		closing = 1;
		i++;
	}
	while (i < len && (isalnum((unsigned char)s[i])) && n < sizeof(tag) - 1)
		tag[n++] = (char)tolower((unsigned char)s[i++]);
	tag[n] = '\0';
	while (i < len && isalnum((unsigned char)s[i]))
		i++;
	/* attributes */
	while (i < len && s[i] != '>') {
		size_t an = 0, vs, ve;

		if (isspace((unsigned char)s[i]) || s[i] == '/') {
			i++;
			continue;
		}
		while (i < len && !isspace((unsigned char)s[i]) &&
		    s[i] != '=' && s[i] != '>') {
			if (an < sizeof(aname) - 1)
				aname[an++] =
				    (char)tolower((unsigned char)s[i]);
			i++;
		}
		aname[an] = '\0';
		while (i < len && isspace((unsigned char)s[i]))
			i++;
		if (i >= len || s[i] != '=')
			continue;
		i++;
		while (i < len && isspace((unsigned char)s[i]))
			i++;
		if (i < len && (s[i] == '"' || s[i] == '\'')) {
			const char *e = memchr(s + i + 1, s[i], len - i - 1);

			vs = i + 1;
			ve = e ? (size_t)(e - s) : len;
			i = e ? ve + 1 : len;
		} else {
			vs = i;
			while (i < len && !isspace((unsigned char)s[i]) &&
			    s[i] != '>')
				i++;
			ve = i;
		}
		if (closing)
			continue;
		if ((strcmp(aname, "href") == 0 &&
			(strcmp(tag, "a") == 0 || strcmp(tag, "area") == 0)) ||
		    (strcmp(aname, "src") == 0 &&
			(strcmp(tag, "img") == 0 ||
			    strcmp(tag, "iframe") == 0 ||
			    strcmp(tag, "frame") == 0 ||
			    strcmp(tag, "script") == 0)) ||
		    (strcmp(aname, "action") == 0 &&
			strcmp(tag, "form") == 0)) {
			kz_buf_reset(&url);
			html_add_decoded(&url, s + vs, ve - vs);
		} else if (strcmp(tag, "meta") == 0 &&
		    strcmp(aname, "http-equiv") == 0) {
			is_refresh = find_ci(s + vs, ve - vs, "refresh") == 0;
		} else if (strcmp(tag, "meta") == 0 &&
		    strcmp(aname, "content") == 0) {
			kz_buf_reset(&refresh);
			html_add_decoded(&refresh, s + vs, ve - vs);
		}
	}
	if (i < len)
		i++;
	if (url.err)
		kz_buf_reset(&url);
	if (strcmp(tag, "a") == 0) {
		if (closing && h->href) {
			size_t tl = h->b->len - h->a_start;

			/* Keep the target unless the text already says it. */
			if (!memmem(h->b->ptr + h->a_start, tl, h->href,
				strlen(h->href)))
				html_url(h, h->href);
			kz_free(h->href);
			h->href = NULL;
		} else if (!closing) {
			kz_free(h->href);
			h->href = url.len ? kz_strdup(url.ptr) : NULL;
			h->a_start = h->b->len;
		}
	} else if (!closing && url.len) {
		html_url(h, url.ptr);
	}
	if (is_refresh && refresh.len) {
		size_t at = find_ci(refresh.ptr, refresh.len, "url=");

		if (at < refresh.len) {
			size_t u = at + 4;

			while (
			    u < refresh.len && strchr("'\" ", refresh.ptr[u]))
				u++;
			kz_buf_truncate(
			    &refresh, u + strcspn(refresh.ptr + u, "'\" "));
			html_url(h, refresh.ptr + u);
		}
	}
	if (!closing &&
	    (strcmp(tag, "script") == 0 || strcmp(tag, "style") == 0))
		*skip = strcmp(tag, "script") == 0 ? "</script" : "</style";
	if (strcmp(tag, "pre") == 0)
		h->pre = !closing;
	if (strcmp(tag, "td") == 0 || strcmp(tag, "th") == 0)
		h->space = 1;
	for (size_t k = 0; block_tags[k]; k++)
		if (strcmp(tag, block_tags[k]) == 0)
			html_newline(h);
	kz_buf_release(&url);
	kz_buf_release(&refresh);
	return i;
}

/* Turns UTF-8 HTML into text onto b. */
static void
html_to_text(struct kz_buf *b, const char *s, size_t len)
{
	struct html_state h = { b, 0, 0, 0, NULL };
	size_t start = b->len;

	for (size_t i = 0; i < len && !b->err;) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '<' && i + 1 < len &&
		    (isalpha((unsigned char)s[i + 1]) || s[i + 1] == '/')) {
			const char *skip;

			if (h.space && b->len > start &&
			    b->ptr[b->len - 1] != '\n')
				kz_buf_addc(b, ' ');
			h.space = 0;
			i += html_tag(&h, s + i, len - i, &skip);
			if (skip) {
				size_t e = find_ci(s + i, len - i, skip);
				const char *gt;

				i += e;
				gt = i < len ? memchr(s + i, '>', len - i) :
					       NULL;
				i = gt ? (size_t)(gt - s) + 1 : len;
			}
			continue;
		}
		if (ch == '<' && i + 3 < len &&
		    strncmp(s + i, "<!--", 4) == 0) {
			size_t e = find_ci(s + i + 4, len - i - 4, "-->");

			i += 4 + e + 3;
			continue;
		}
		if (ch == '<' && i + 1 < len &&
		    (s[i + 1] == '!' || s[i + 1] == '?')) {
			const char *gt = memchr(s + i, '>', len - i);

			i = gt ? (size_t)(gt - s) + 1 : len;
			continue;
		}
		if (!h.pre &&
		    (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r')) {
			h.space = 1;
			i++;
			continue;
		}
		if (h.space && b->len > start && b->ptr[b->len - 1] != '\n')
			kz_buf_addc(b, ' ');
		h.space = 0;
		if (ch == '&') {
			size_t k = html_entity(b, s + i, len - i);

			if (k) {
				i += k;
				continue;
			}
		}
		if (ch != '\r')
			kz_buf_addc(b, (char)ch);
		i++;
	}
	if (h.href) {
		html_url(&h, h.href);
		kz_free(h.href);
	}
	while (b->len > start &&
	    (b->ptr[b->len - 1] == '\n' || b->ptr[b->len - 1] == ' '))
		kz_buf_truncate(b, b->len - 1);
}

/* The charset a <meta> of the HTML declares, into out; NULL if none. */
static const char *
html_meta_charset(char out[64], const char *s, size_t len)
{
	size_t lim = len < 4096 ? len : 4096, at = 0, n = 0;

	while ((at += find_ci(s + at, lim - at, "charset")) < lim) {
		size_t i = at + 7;

		while (i < lim && (s[i] == ' ' || s[i] == '='))
			i += 1;
		if (i > at + 7 && s[i - 1] == '=') {
			while (i < lim && (s[i] == '"' || s[i] == '\''))
				i++;
			while (i < lim && n < 63 &&
			    (isalnum((unsigned char)s[i]) ||
				(s[i] && strchr("-_.:", s[i]))))
				out[n++] = s[i++];
			out[n] = '\0';
			return n ? out : NULL;
		}
		at += 7;
	}
	return NULL;
}

/* ---- attachment types ------------------------------------------------ */

/*
 * Length of the header field name that starts the line at s ("Subject"
 * in "Subject: x"), 0 when the line is no header line.
 */
static size_t
header_name_len(const char *s, size_t n)
{
	size_t i = 0, name;

	while (i < n && i < 998 && (unsigned char)s[i] > 32 &&
	    (unsigned char)s[i] < 127 && s[i] != ':')
		i++;
	name = i;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return name > 0 && i < n && s[i] == ':' ? name : 0;
}

/* Whether p starts like a mail: header lines, two of them usual ones. */
static int
looks_rfc822(const char *p, size_t n)
{
	static const char *const known[] = { "from", "received", "message-id",
		"subject", "return-path", "date", "to", "mime-version",
		"delivered-to", "reply-to", "content-type", "x-mailer", NULL };
	size_t i = 0, lines = 0, hits = 0;

	if (n > 5 && memcmp(p, "From ", 5) == 0) {
		const char *nl = memchr(p, '\n', n);

		if (!nl)
			return 0;
		i = (size_t)(nl - p) + 1;
	}
	while (i < n && lines < 100) {
		const char *nl;
		size_t nm;

		if (p[i] == '\r' || p[i] == '\n')
			break;
		if (p[i] == ' ' || p[i] == '\t') {
			if (!lines)
				return 0;
		} else if ((nm = header_name_len(p + i, n - i))) {
			for (size_t k = 0; known[k]; k++)
				if (strlen(known[k]) == nm &&
				    strncasecmp(p + i, known[k], nm) == 0)
					hits++;
		} else {
			return 0;
		}
		lines++;
		nl = memchr(p + i, '\n', n - i);
		if (!nl)
			break;
		i = (size_t)(nl - p) + 1;
	}
	return hits >= 2;
}

const char *
kz_mail_magic(const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t head = len < HEAD_MAX ? len : HEAD_MAX, ctl = 0, i = 0;

#define HAS(off, lit)                                                          \
	(len >= (size_t)(off) + sizeof(lit) - 1 &&                             \
	    memcmp(p + (off), lit, sizeof(lit) - 1) == 0)

	if (!len)
		return "empty";
	if (HAS(0, "PK\x03\x04")) {
		size_t nl = len >= 30 ? (size_t)(p[26] | p[27] << 8) : 0;
		static const char *const ox[] = { "[Content_Types].xml",
			"_rels/", "word/", "xl/", "ppt/", "docProps/", NULL };

		for (size_t k = 0; ox[k] && 30 + nl <= len; k++)
			if (nl >= strlen(ox[k]) &&
			    memcmp(p + 30, ox[k], strlen(ox[k])) == 0)
				return "ooxml";
		return "zip";
	}
	if (HAS(0, "PK\x05\x06") || HAS(0, "PK\x07\x08"))
		return "zip";
	if (HAS(0, "\x1F\x8B"))
		return "gzip";
	if (HAS(0, "BZh") && len > 3 && p[3] >= '1' && p[3] <= '9')
		return "bzip2";
	if (HAS(0, "7z\xBC\xAF\x27\x1C"))
		return "7z";
	if (HAS(0, "Rar!\x1A\x07"))
		return "rar";
	if (HAS(0,
		"\xFD"
		"7zXZ"))
		return "xz";
	if (memmem(p, len < 1024 ? len : 1024, "%PDF-", 5))
		return "pdf";
	if (HAS(0, "\x89PNG\r\n\x1A\n"))
		return "png";
	if (HAS(0, "\xFF\xD8\xFF"))
		return "jpeg";
	if (HAS(0, "GIF87a") || HAS(0, "GIF89a"))
		return "gif";
	if (HAS(0, "BM") && len >= 26 && p[15] == 0 && p[16] == 0 &&
	    p[17] == 0 &&
	    (p[14] == 12 || p[14] == 40 || p[14] == 56 || p[14] == 108 ||
		p[14] == 124))
		return "bmp";
	if (HAS(0, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"))
		return "ole";
	if (HAS(0, "{\\rtf"))
		return "rtf";
	if (HAS(0, "MZ")) {
		if (len >= 0x40) {
			size_t pe = (size_t)p[0x3C] | (size_t)p[0x3D] << 8 |
			    (size_t)p[0x3E] << 16 | (size_t)p[0x3F] << 24;

			if (pe < len && len - pe >= 4 &&
			    memcmp(p + pe, "PE\0\0", 4) == 0)
				return "pe";
		}
		return "mz";
	}
	if (HAS(0,
		"\x7F"
		"ELF"))
		return "elf";
	if (HAS(0, "\xFE\xED\xFA\xCE") || HAS(0, "\xCE\xFA\xED\xFE") ||
	    HAS(0, "\xFE\xED\xFA\xCF") || HAS(0, "\xCF\xFA\xED\xFE"))
		return "macho";
	if (HAS(0, "\x4C\0\0\0\x01\x14\x02\0"))
		return "lnk";
	if (HAS(0x8001, "CD001"))
		return "iso";
	if (HAS(0, "\xEF\xBB\xBF"))
		i = 3;
	while (i < head && isspace(p[i]))
		i++;
	if (find_ci((const char *)p + i, head - i, "<!doctype html") == 0 ||
	    find_ci((const char *)p + i, head - i, "<html") == 0 ||
	    find_ci((const char *)p + i, head - i, "<head") == 0)
		return "html";
	if (looks_rfc822((const char *)p, head))
		return "rfc822";
	for (i = 0; i < head; i++) {
		if (p[i] == 0)
			return "data";
		if (p[i] < 0x20 && !strchr("\t\n\r\f\x1B", p[i]))
			ctl++;
	}
	return ctl * 50 <= head ? "text" : "data";
#undef HAS
}

/* ---- delivery status notifications ----------------------------------- */

struct dsn_rcpt {
	char rcpt[320];
	char action[32];
	char status[32];
	char diag[512];
};

static void
set_field(char *dst, size_t dstsz, const char *v)
{
	const char *semi;

	/* "rfc822; user@example.jp" and "smtp; 550 ..." keep the value. */
	if ((semi = strchr(v, ';')) && semi - v < 16)
		v = semi + 1;
	while (*v == ' ' || *v == '\t')
		v++;
	snprintf(dst, dstsz, "%s", v);
}

static void
dsn_commit(struct ctx *c, struct kz_mail *m, struct dsn_rcpt *r)
{
	int failed;
	char *s;

	if (!r->rcpt[0] && !r->action[0] && !r->status[0])
		return;
	failed = r->action[0] ? strcasecmp(r->action, "failed") == 0 :
				r->status[0] == '5';
	if (failed || !m->bounce_action) {
		if (failed && !m->is_bounce) {
			kz_free(m->bounce_action);
			kz_free(m->bounce_status);
			kz_free(m->bounce_diagnostic);
			m->bounce_action = m->bounce_status = NULL;
			m->bounce_diagnostic = NULL;
		}
		if (!m->bounce_action) {
			m->bounce_action = dup_fixeds(c,
			    r->action[0] ? kz_ascii_lower(r->action) :
					   "failed");
			m->bounce_status =
			    r->status[0] ? dup_fixeds(c, r->status) : NULL;
			m->bounce_diagnostic =
			    r->diag[0] ? dup_fixeds(c, r->diag) : NULL;
		}
	}
	if (failed) {
		m->is_bounce = 1;
		if (r->rcpt[0] && m->n_bounce_recipients < MAX_RCPTS &&
		    (s = dup_fixeds(c, r->rcpt))) {
			if (PUSH(c, m->bounce_recipients,
				m->n_bounce_recipients))
				m->bounce_recipients[m->n_bounce_recipients++] =
				    s;
			else
				kz_free(s);
		}
	}
	memset(r, 0, sizeof(*r));
}

/*
 * Reads the header blocks of s, calling fn(arg, name, value) for each
 * unfolded field and fn(arg, NULL, NULL) after each block.
 */
static void
fields_each(const char *s, size_t len,
    void (*fn)(void *arg, const char *name, const char *value), void *arg)
{
	char name[64] = "";
	char value[1024];
	size_t vn = 0, i = 0;

	while (i <= len) {
		const char *nl = i < len ? memchr(s + i, '\n', len - i) : NULL;
		size_t e = nl ? (size_t)(nl - s) : len, l = e - i, nm;
		const char *line = s + i;

		if (l && line[l - 1] == '\r')
			l--;
		if (l && (line[0] == ' ' || line[0] == '\t') && name[0]) {
			for (size_t k = 0; k < l && vn < sizeof(value) - 1; k++)
				value[vn++] = line[k];
		} else {
			if (name[0]) {
				value[vn] = '\0';
				fn(arg, name, value);
				name[0] = '\0';
			}
			if (l == 0) {
				fn(arg, NULL, NULL);
			} else if ((nm = header_name_len(line, l))) {
				const char *v = memchr(line, ':', l) + 1;
				size_t vl = l - (size_t)(v - line);

				snprintf(
				    name, sizeof(name), "%.*s", (int)nm, line);
				while (vl && (*v == ' ' || *v == '\t')) {
					v++;
					vl--;
				}
				vn = vl < sizeof(value) - 1 ? vl :
							      sizeof(value) - 1;
				memcpy(value, v, vn);
			}
		}
		i = e + 1;
	}
	if (name[0]) {
		value[vn] = '\0';
		fn(arg, name, value);
	}
	fn(arg, NULL, NULL);
}

struct dsn_walk {
	struct ctx *c;
	struct kz_mail *m;
	struct dsn_rcpt r;
};

static void
dsn_field(void *arg, const char *name, const char *value)
{
	struct dsn_walk *w = arg;

	if (!name) {
		dsn_commit(w->c, w->m, &w->r);
		return;
	}
	if (strcasecmp(name, "Final-Recipient") == 0 ||
	    (strcasecmp(name, "Original-Recipient") == 0 && !w->r.rcpt[0]))
		set_field(w->r.rcpt, sizeof(w->r.rcpt), value);
	else if (strcasecmp(name, "Action") == 0)
		set_field(w->r.action, sizeof(w->r.action), value);
	else if (strcasecmp(name, "Status") == 0) {
		set_field(w->r.status, sizeof(w->r.status), value);
		w->r.status[strcspn(w->r.status, " \t(")] = '\0';
	} else if (strcasecmp(name, "Diagnostic-Code") == 0)
		set_field(w->r.diag, sizeof(w->r.diag), value);
}

static void
msgid_field(void *arg, const char *name, const char *value)
{
	char **out = arg;

	if (name && !*out && strcasecmp(name, "Message-ID") == 0) {
		char *id = g_mime_utils_decode_message_id(value);

		if (id && *id)
			*out = kz_strdup(id);
		g_free(id);
	}
}

/* ---- parts ----------------------------------------------------------- */

/* Feeds the decoded content of part to fn, chunk by chunk. */
static void
read_content(
    GMimePart *part, void (*fn)(void *arg, const char *p, size_t n), void *arg)
{
	GMimeDataWrapper *w = g_mime_part_get_content(part);
	GMimeStream *src, *f;
	GMimeContentEncoding enc;
	char buf[CHUNK];
	ssize_t n;

	if (!w || !(src = g_mime_data_wrapper_get_stream(w)))
		return;
	enc = g_mime_data_wrapper_get_encoding(w);
	g_mime_stream_reset(src);
	f = g_mime_stream_filter_new(src);
	if (enc == GMIME_CONTENT_ENCODING_BASE64 ||
	    enc == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE ||
	    enc == GMIME_CONTENT_ENCODING_UUENCODE) {
		GMimeFilter *dec = g_mime_filter_basic_new(enc, FALSE);

		g_mime_stream_filter_add(GMIME_STREAM_FILTER(f), dec);
		g_object_unref(dec);
	}
	while ((n = g_mime_stream_read(f, buf, sizeof(buf))) > 0)
		fn(arg, buf, (size_t)n);
	g_object_unref(f);
}

/* Whether the mail was cut at the size limit inside this part. */
static int
part_cut(struct ctx *c, GMimePart *part)
{
	GMimeDataWrapper *w = g_mime_part_get_content(part);
	GMimeStream *s = w ? g_mime_data_wrapper_get_stream(w) : NULL;

	if (!c->cut || !s)
		return 0;
	return s->bound_end < 0 || (size_t)s->bound_end + 2 >= c->cut;
}

struct text_sink {
	struct kz_buf b;
	size_t total;
};

static void
text_chunk(void *arg, const char *p, size_t n)
{
	struct text_sink *t = arg;
	size_t room = t->b.cap - t->b.len;

	t->total += n;
	kz_buf_add(&t->b, p, n < room ? n : room);
}

struct att_sink {
	crypto_hash_sha256_state sha;
	size_t size;
	struct kz_buf head;
	struct kz_buf data;
	int keep; /* 1 keep the data, 0 not, -1 not decided yet */
	int dropped;
};

static void
att_chunk(void *arg, const char *p, size_t n)
{
	struct att_sink *a = arg;
	size_t room = a->head.cap - a->head.len;

	crypto_hash_sha256_update(&a->sha, (const unsigned char *)p, n);
	a->size += n;
	kz_buf_add(&a->head, p, n < room ? n : room);
	if (a->keep < 0)
		a->keep = looks_rfc822(a->head.ptr, a->head.len);
	if (a->keep && !a->dropped) {
		kz_buf_add(&a->data, p, n);
		if (a->data.err) {
			/* Over the cap: the hash and size stay right. */
			kz_buf_release(&a->data);
			a->dropped = 1;
		}
	}
}

/* Appends text to dst (body or HTML text), at most up to its cap. */
static void
add_text(struct ctx *c, struct build *bd, struct kz_buf *dst, const char *s,
    size_t len)
{
	size_t room, n;

	if (!len)
		return;
	if (dst->len && dst->ptr[dst->len - 1] != '\n')
		kz_buf_addc(dst, '\n');
	room = dst->cap > dst->len ? dst->cap - dst->len : 0;
	n = utf8_cut(s, len, room);
	kz_buf_add(dst, s, n);
	if (n < len)
		warn(c, bd->m, "text over %zu bytes: the rest was left out",
		    dst->cap);
}

static void
add_child(struct ctx *c, struct build *bd, struct kz_mail *child)
{
	struct kz_mail *m = bd->m;

	if (!PUSH(c, m->messages, m->n_messages)) {
		kz_mail_free(child);
		return;
	}
	m->messages[m->n_messages++] = child;
	if (bd->dsn && !m->bounce_message_id && child->message_id)
		m->bounce_message_id = dup_str(c, child->message_id);
}

/* Parses bytes that look like a mail (an .eml attachment) as a child. */
static void
child_from_bytes(struct ctx *c, struct build *bd, const char *p, size_t n,
    unsigned depth, unsigned partno)
{
	GMimeStream *st = g_mime_stream_mem_new_with_buffer(p, n);
	GMimeParser *ps = g_mime_parser_new_with_stream(st);
	GMimeMessage *msg;
	struct kz_mail *child;
	size_t cut = c->cut;
	unsigned char h[crypto_hash_sha256_BYTES];

	g_mime_parser_set_format(ps, GMIME_FORMAT_MESSAGE);
	msg = g_mime_parser_construct_message(ps, c->opts);
	if (!msg) {
		warn(c, bd->m,
		    "part %u: looks like a mail but could not be "
		    "read as one",
		    partno);
		goto done;
	}
	if (!(child = kz_calloc(1, sizeof(*child)))) {
		oom(c);
		goto done;
	}
	c->cut = 0;
	fill_mail(c, child, msg, depth, bd->level + 1);
	c->cut = cut;
	child->size = n;
	crypto_hash_sha256(h, (const unsigned char *)p, n);
	hex_sha256(child->sha256, h);
	add_child(c, bd, child);
done:
	if (msg)
		g_object_unref(msg);
	g_object_unref(ps);
	g_object_unref(st);
}

static char *
mime_type_of(GMimeObject *o)
{
	GMimeContentType *ct = g_mime_object_get_content_type(o);
	char *t = ct ? g_mime_content_type_get_mime_type(ct) : NULL;
	char *r;

	r = kz_strdup(t ? t : "application/octet-stream");
	g_free(t);
	return r ? kz_ascii_lower(r) : NULL;
}

static void
text_leaf(struct ctx *c, struct build *bd, GMimePart *part, const char *mime,
    unsigned partno, int text_ok)
{
	struct kz_mail *m = bd->m;
	struct text_sink ts = { KZ_BUF_INIT(c->lim.max_text), 0 };
	struct kz_buf u = KZ_BUF_INIT(c->lim.max_text * 4 + 64);
	struct kz_buf h = KZ_BUF_INIT(c->lim.max_text);
	GMimeContentType *ct =
	    g_mime_object_get_content_type(GMIME_OBJECT(part));
	const char *cs =
	    ct ? g_mime_content_type_get_parameter(ct, "charset") : NULL;
	int html = strcmp(mime, "text/html") == 0;
	char label[32], meta[64];
	struct conv cv;

	snprintf(label, sizeof(label), "part %u", partno);
	read_content(part, text_chunk, &ts);
	if (ts.total > ts.b.len)
		warn(c, m, "part %u: text of %zu bytes cut at %zu", partno,
		    ts.total, ts.b.len);
	if (part_cut(c, part))
		warn(c, m, "part %u: the mail ends inside this part", partno);
	if (html && !cs)
		cs = html_meta_charset(meta, ts.b.ptr, ts.b.len);
	to_utf8(&u, ts.b.ptr, ts.b.len, cs, &cv);
	conv_warn(c, m, label, cs, &cv);
	if (strcmp(mime, "message/delivery-status") == 0 ||
	    strcmp(mime, "message/global-delivery-status") == 0) {
		struct dsn_walk w = { c, m, { "", "", "", "" } };

		fields_each(u.ptr, u.len, dsn_field, &w);
	} else if (strcmp(mime, "text/rfc822-headers") == 0 && bd->dsn &&
	    !m->bounce_message_id) {
		char *id = NULL;

		fields_each(u.ptr, u.len, msgid_field, &id);
		if (id) {
			m->bounce_message_id = dup_fixeds(c, id);
			kz_free(id);
		}
	}
	if (html) {
		html_to_text(&h, u.ptr, u.len);
		add_text(c, bd, &bd->html, h.ptr, h.len);
		bd->has_html = 1;
		if (text_ok)
			add_text(c, bd, &bd->text, h.ptr, h.len);
	} else if (text_ok) {
		add_text(c, bd, &bd->text, u.ptr, u.len);
	}
	if (ts.b.err || u.err || h.err)
		oom(c);
	kz_buf_release(&ts.b);
	kz_buf_release(&u);
	kz_buf_release(&h);
}

static void
attachment_leaf(struct ctx *c, struct build *bd, GMimePart *part, char *mime,
    unsigned partno, unsigned depth)
{
	struct kz_mail *m = bd->m;
	struct att_sink *as;
	struct kz_mail_attachment *a;
	const char *fname = g_mime_part_get_filename(part);
	unsigned char h[crypto_hash_sha256_BYTES];
	char label[48], t[80];

	if (!(as = kz_calloc(1, sizeof(*as)))) {
		oom(c);
		kz_free(mime);
		return;
	}
	crypto_hash_sha256_init(&as->sha);
	kz_buf_init(&as->head, HEAD_MAX);
	kz_buf_init(&as->data, c->lim.max_size);
	as->keep = c->lim.flags & KZ_MAIL_KEEP_DATA ? 1 : -1;
	if (strncmp(mime, "message/", 8) == 0)
		as->keep = as->keep > 0;
	read_content(part, att_chunk, as);
	if (as->head.err)
		oom(c);
	if (!PUSH(c, m->attachments, m->n_attachments))
		goto done;
	a = &m->attachments[m->n_attachments++];
	memset(a, 0, sizeof(*a));
	a->content_type = mime;
	mime = NULL;
	a->part = partno;
	a->size = as->size;
	crypto_hash_sha256_final(&as->sha, h);
	hex_sha256(a->sha256, h);
	a->detected = kz_mail_magic(as->head.ptr, as->head.len);
	if (fname) {
		snprintf(label, sizeof(label), "part %u filename", partno);
		a->filename = header_text(c, m, fname, label, 1);
	}
	if ((a->truncated = part_cut(c, part)))
		warn(c, m,
		    "part %u: attachment '%s' cut at the size limit "
		    "(%zu bytes read)",
		    partno, clip(t, a->filename), a->size);
	if (as->dropped)
		warn(c, m, "part %u: attachment of %zu bytes too big to keep",
		    partno, a->size);
	if (strcmp(a->detected, "rfc822") == 0 && as->data.len &&
	    strncmp(a->content_type, "message/", 8) != 0) {
		if (depth + 1 > c->lim.max_depth)
			warn(c, m,
			    "part %u: mail nested deeper than %u "
			    "levels, not read",
			    partno, c->lim.max_depth);
		else
			child_from_bytes(c, bd, as->data.ptr, as->data.len,
			    depth + 1, partno);
	}
	if ((c->lim.flags & KZ_MAIL_KEEP_DATA) && !as->dropped && !c->err) {
		size_t n;

		a->data = (unsigned char *)kz_buf_detach(&as->data, &n);
		if (!a->data)
			oom(c);
	}
done:
	kz_free(mime);
	kz_buf_release(&as->head);
	kz_buf_release(&as->data);
	kz_free(as);
}

static void
leaf(struct ctx *c, struct build *bd, GMimeObject *o, unsigned partno,
    unsigned depth, int text_ok)
{
	GMimePart *part = GMIME_PART(o);
	GMimeContentDisposition *cd = g_mime_object_get_content_disposition(o);
	const char *disp =
	    cd ? g_mime_content_disposition_get_disposition(cd) : NULL;
	const char *fname = g_mime_part_get_filename(part);
	char *mime = mime_type_of(o);
	int text_like;

	if (!mime) {
		oom(c);
		return;
	}
	text_like = strncmp(mime, "text/", 5) == 0 ||
	    strcmp(mime, "message/delivery-status") == 0 ||
	    strcmp(mime, "message/global-delivery-status") == 0 ||
	    strcmp(mime, "message/feedback-report") == 0 ||
	    strcmp(mime, "message/disposition-notification") == 0;
	if (text_like && !(disp && strcasecmp(disp, "attachment") == 0) &&
	    (!fname || (disp && strcasecmp(disp, "inline") == 0))) {
		text_leaf(c, bd, part, mime, partno, text_ok);
		kz_free(mime);
		return;
	}
	attachment_leaf(c, bd, part, mime, partno, depth);
}

/* A multipart GMime found no part in: guess the boundary or read text. */
static void
multipart_salvage(struct ctx *c, struct build *bd, GMimeMultipart *mp,
    unsigned partno, unsigned depth, int text_ok)
{
	const char *pro = g_mime_multipart_get_prologue(mp);
	GMimeContentType *ct = g_mime_object_get_content_type(GMIME_OBJECT(mp));
	const char *boundary =
	    ct ? g_mime_content_type_get_parameter(ct, "boundary") : NULL;
	struct kz_buf t = KZ_BUF_INIT(c->lim.max_size + 4096);
	char guess[80] = "", tt[80];
	size_t plen = pro ? strlen(pro) : 0;

	if (!plen) {
		warn(c, bd->m, "part %u: empty multipart", partno);
		return;
	}
	if (!boundary) {
		for (const char *l = pro; l && *l;) {
			const char *nl = strchr(l, '\n');
			size_t ll = nl ? (size_t)(nl - l) : strlen(l);

			if (ll > 2 && ll < 75 && l[0] == '-' && l[1] == '-') {
				memcpy(guess, l + 2, ll - 2);
				guess[ll - 2] = '\0';
				guess[strcspn(guess, "\r \t\"")] = '\0';
				break;
			}
			l = nl ? nl + 1 : NULL;
		}
	}
	if (guess[0]) {
		GMimeStream *st;
		GMimeParser *ps;
		GMimeObject *o;

		warn(c, bd->m,
		    "part %u: multipart without boundary, read with "
		    "'%s' found in it",
		    partno, clip(tt, guess));
		kz_buf_addf(&t,
		    "Content-Type: multipart/mixed; boundary=\"%s\"\n\n",
		    guess);
		kz_buf_add(&t, pro, plen);
		if (t.err) {
			oom(c);
			kz_buf_release(&t);
			return;
		}
		st = g_mime_stream_mem_new_with_buffer(t.ptr, t.len);
		ps = g_mime_parser_new_with_stream(st);
		o = g_mime_parser_construct_part(ps, c->opts);
		if (o && GMIME_IS_MULTIPART(o) &&
		    g_mime_multipart_get_count(GMIME_MULTIPART(o)) > 0) {
			GMimeMultipart *nm = GMIME_MULTIPART(o);
			int n = g_mime_multipart_get_count(nm);

			for (int i = 0; i < n; i++)
				walk_part(c, bd,
				    g_mime_multipart_get_part(nm, i), depth + 1,
				    text_ok);
			guess[0] = '\0';
		}
		if (o)
			g_object_unref(o);
		g_object_unref(ps);
		g_object_unref(st);
		kz_buf_release(&t);
		if (!guess[0])
			return;
	} else {
		warn(c, bd->m, "part %u: multipart %s, read as text", partno,
		    boundary ? "without any part" : "without boundary");
	}
	if (text_ok) {
		struct kz_buf u = KZ_BUF_INIT(c->lim.max_text * 4 + 64);
		struct conv cv;
		char label[32];

		snprintf(label, sizeof(label), "part %u", partno);
		to_utf8(&u, pro,
		    plen < c->lim.max_text ? plen : c->lim.max_text, NULL, &cv);
		conv_warn(c, bd->m, label, NULL, &cv);
		add_text(c, bd, &bd->text, u.ptr, u.len);
		if (u.err)
			oom(c);
		kz_buf_release(&u);
	}
}

static void
walk_part(struct ctx *c, struct build *bd, GMimeObject *o, unsigned depth,
    int text_ok)
{
	struct kz_mail *m = bd->m;
	unsigned partno;

	if (c->err || !o)
		return;
	if (c->nparts >= c->lim.max_parts) {
		if (!c->parts_full)
			warn(c, m,
			    "more than %u MIME parts: the rest was not "
			    "read",
			    c->lim.max_parts);
		c->parts_full = 1;
		return;
	}
	c->nparts++;
	partno = ++bd->part;
	if (depth > c->lim.max_depth) {
		warn(c, m, "part %u: nested deeper than %u levels, not read",
		    partno, c->lim.max_depth);
		return;
	}
	if (GMIME_IS_MULTIPART(o)) {
		GMimeMultipart *mp = GMIME_MULTIPART(o);
		GMimeContentType *ct = g_mime_object_get_content_type(o);
		const char *sub =
		    ct ? g_mime_content_type_get_media_subtype(ct) : NULL;
		int n = g_mime_multipart_get_count(mp), plain = -1;

		if (n == 0) {
			multipart_salvage(c, bd, mp, partno, depth, text_ok);
			return;
		}
		if (sub && strcasecmp(sub, "alternative") == 0) {
			for (int i = 0; i < n && plain < 0; i++) {
				GMimeObject *ch =
				    g_mime_multipart_get_part(mp, i);
				GMimeContentType *cct =
				    g_mime_object_get_content_type(ch);

				if (GMIME_IS_PART(ch) && cct &&
				    g_mime_content_type_is_type(
					cct, "text", "plain") &&
				    !g_mime_part_is_attachment(GMIME_PART(ch)))
					plain = i;
			}
		}
		if (sub && strcasecmp(sub, "report") == 0) {
			const char *rt = g_mime_content_type_get_parameter(
			    ct, "report-type");

			if (rt && !m->report_type &&
			    (m->report_type = dup_fixeds(c, rt)))
				kz_ascii_lower(m->report_type);
			if (rt && strcasecmp(rt, "delivery-status") == 0)
				bd->dsn = 1;
		}
		for (int i = 0; i < n; i++)
			walk_part(c, bd, g_mime_multipart_get_part(mp, i),
			    depth + 1, text_ok && (plain < 0 || i == plain));
		return;
	}
	if (GMIME_IS_MESSAGE_PART(o)) {
		GMimeMessage *msg =
		    g_mime_message_part_get_message(GMIME_MESSAGE_PART(o));
		struct kz_mail *child;
		GMimeStream *ms;
		GByteArray *ba;
		unsigned char h[crypto_hash_sha256_BYTES];

		if (!msg) {
			warn(c, m, "part %u: empty forwarded message", partno);
			return;
		}
		if (depth + 1 > c->lim.max_depth) {
			warn(c, m,
			    "part %u: nested deeper than %u levels, not "
			    "read",
			    partno, c->lim.max_depth);
			return;
		}
		if (!(child = kz_calloc(1, sizeof(*child)))) {
			oom(c);
			return;
		}
		fill_mail(c, child, msg, depth + 1, bd->level + 1);
		/* The raw bytes are gone; hash the message written out. */
		ms = g_mime_stream_mem_new();
		g_mime_object_write_to_stream(GMIME_OBJECT(msg), NULL, ms);
		ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(ms));
		child->size = ba ? ba->len : 0;
		crypto_hash_sha256(h, ba ? ba->data : (const unsigned char *)"",
		    ba ? ba->len : 0);
		hex_sha256(child->sha256, h);
		g_object_unref(ms);
		add_child(c, bd, child);
		return;
	}
	if (GMIME_IS_PART(o)) {
		leaf(c, bd, o, partno, depth, text_ok);
		return;
	}
	warn(c, m, "part %u: of a kind not read", partno);
}

/* ---- headers --------------------------------------------------------- */

/* Adds the mailboxes of an address header to *arr. */
static void
add_addrs(struct ctx *c, InternetAddressList *l, struct kz_mail_addr **arr,
    size_t *n, int level)
{
	int cnt = l ? internet_address_list_length(l) : 0;

	for (int i = 0; i < cnt && !c->err && *n < MAX_ADDRS; i++) {
		InternetAddress *ia = internet_address_list_get_address(l, i);
		const char *name = internet_address_get_name(ia);

		if (INTERNET_ADDRESS_IS_GROUP(ia)) {
			if (level < 2)
				add_addrs(c,
				    internet_address_group_get_members(
					INTERNET_ADDRESS_GROUP(ia)),
				    arr, n, level + 1);
			continue;
		}
		if (!INTERNET_ADDRESS_IS_MAILBOX(ia))
			continue;
		if (!PUSH(c, *arr, *n))
			return;
		(*arr)[*n].name = name && *name ? dup_fixeds(c, name) : NULL;
		(*arr)[*n].addr = dup_fixeds(c,
		    internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia)) ?:
			"");
		(*n)++;
	}
}

static void
parse_addrs(
    struct ctx *c, const char *text, struct kz_mail_addr **arr, size_t *n)
{
	InternetAddressList *l = internet_address_list_parse(c->opts, text);

	if (!l)
		return;
	add_addrs(c, l, arr, n, 0);
	g_object_unref(l);
}

static void
free_addrs(struct kz_mail_addr *a, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		kz_free(a[i].name);
		kz_free(a[i].addr);
	}
	kz_free(a);
}

/* The first mailbox of text, or NULL. */
static struct kz_mail_addr *
first_addr(struct ctx *c, const char *text)
{
	struct kz_mail_addr *a = NULL;
	size_t n = 0;

	parse_addrs(c, text, &a, &n);
	if (!n || c->err) {
		free_addrs(a, n);
		return NULL;
	}
	for (size_t i = 1; i < n; i++) {
		kz_free(a[i].name);
		kz_free(a[i].addr);
	}
	return a;
}

static char *
msgid_of(struct ctx *c, const char *text)
{
	char *id = g_mime_utils_decode_message_id(text);
	char *r = NULL;

	if (id && *id)
		r = dup_fixeds(c, id);
	else if (*text) {
		/* Not an id by the rules: keep what it says. */
		size_t n = strlen(text);

		if (n > 1 && text[0] == '<' && text[n - 1] == '>')
			r = dup_fixed(c, text + 1, n - 2);
		else
			r = dup_fixeds(c, text);
	}
	g_free(id);
	return r;
}

static void
read_headers(struct ctx *c, struct kz_mail *m, GMimeMessage *msg)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(GMIME_OBJECT(msg));
	int n = hl ? g_mime_header_list_get_count(hl) : 0;
	char label[120], t[80];

	for (int i = 0; i < n && !c->err; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);
		const char *name = g_mime_header_get_name(h);
		const char *raw = g_mime_header_get_raw_value(h);
		struct kz_mail_header *e;

		if (m->n_headers >= 10000) {
			warn(c, m,
			    "more than 10000 header lines: the rest "
			    "was not read");
			break;
		}
		if (!PUSH(c, m->headers, m->n_headers))
			return;
		e = &m->headers[m->n_headers++];
		memset(e, 0, sizeof(*e));
		snprintf(label, sizeof(label), "header '%s'", clip(t, name));
		e->name = dup_fixeds(c, name ? name : "");
		e->raw = header_text(c, m, raw, label, 0);
		e->value = header_text(c, m, raw, label, 1);
	}
	for (size_t i = 0; i < m->n_headers && !c->err; i++) {
		struct kz_mail_header *e = &m->headers[i];
		const char *nm = e->name;
		char *at = NULL; /* address header text, names decoded */

		if (strcasecmp(nm, "From") == 0 || strcasecmp(nm, "To") == 0 ||
		    strcasecmp(nm, "Cc") == 0 ||
		    strcasecmp(nm, "Reply-To") == 0) {
			const char *raw = g_mime_header_get_raw_value(
			    g_mime_header_list_get_header_at(hl, (int)i));

			if (!(at = header_text(c, m, raw, NULL, 2)))
				break;
		}

		if (strcasecmp(nm, "Subject") == 0 && !m->subject) {
			m->subject = dup_str(c, e->value);
		} else if (strcasecmp(nm, "From") == 0 && !m->from) {
			if (!(m->from = first_addr(c, at)) && !c->err)
				warn(c, m, "unreadable From '%s'",
				    clip(t, e->value));
		} else if (strcasecmp(nm, "Reply-To") == 0 && !m->reply_to) {
			m->reply_to = first_addr(c, at);
		} else if (strcasecmp(nm, "To") == 0) {
			parse_addrs(c, at, &m->to, &m->n_to);
		} else if (strcasecmp(nm, "Cc") == 0) {
			parse_addrs(c, at, &m->cc, &m->n_cc);
		} else if (strcasecmp(nm, "Return-Path") == 0 &&
		    !m->return_path) {
			struct kz_mail_addr *a = first_addr(c, e->raw);

			if (a) {
				m->return_path = a->addr;
				kz_free(a->name);
				kz_free(a);
			} else if (strstr(e->raw, "<>")) {
				m->return_path = dup_str(c, "");
			}
		} else if (strcasecmp(nm, "Message-ID") == 0 &&
		    !m->message_id) {
			m->message_id = msgid_of(c, e->raw);
		} else if (strcasecmp(nm, "In-Reply-To") == 0 &&
		    !m->in_reply_to) {
			m->in_reply_to = msgid_of(c, e->raw);
		} else if (strcasecmp(nm, "References") == 0 &&
		    !m->references) {
			GMimeReferences *r =
			    g_mime_references_parse(c->opts, e->raw);
			int rn = r ? g_mime_references_length(r) : 0;

			for (int k = 0; k < rn && k < MAX_REFS; k++) {
				if (!PUSH(c, m->references, m->n_references))
					break;
				m->references[m->n_references] = dup_fixeds(
				    c, g_mime_references_get_message_id(r, k));
				m->n_references++;
			}
			if (r)
				g_mime_references_free(r);
		} else if (strcasecmp(nm, "Date") == 0 && !m->date_raw) {
			GDateTime *dt = g_mime_utils_header_decode_date(e->raw);

			m->date_raw = dup_str(c, e->value);
			if (dt) {
				m->date = g_date_time_to_unix(dt);
				g_date_time_unref(dt);
			}
			if (m->date <= 0) {
				m->date = 0;
				warn(c, m, "unreadable Date '%s'",
				    clip(t, e->value));
			}
		} else if (strcasecmp(nm, "Received") == 0) {
			if (PUSH(c, m->received, m->n_received))
				m->received[m->n_received++] =
				    dup_str(c, e->raw);
		}
		kz_free(at);
	}
	if (!m->subject)
		m->subject = dup_str(c, "");
	if (!kz_mail_header(m, "From"))
		warn(c, m, "no From header");
}

static void
fill_mail(struct ctx *c, struct kz_mail *m, GMimeMessage *msg, unsigned depth,
    unsigned level)
{
	struct build bd;
	struct kz_mail *saved = c->cur;
	GMimeObject *body = g_mime_message_get_mime_part(msg);

	memset(&bd, 0, sizeof(bd));
	bd.m = m;
	bd.level = level;
	kz_buf_init(&bd.text, c->lim.max_text);
	kz_buf_init(&bd.html, c->lim.max_text);
	c->cur = m;
	m->depth = level;
	read_headers(c, m, msg);
	m->content_type = body ? mime_type_of(body) : kz_strdup("text/plain");
	if (!m->content_type)
		oom(c);
	walk_part(c, &bd, body, depth, 1);
	if (bd.text.err || bd.html.err)
		oom(c);
	if (!c->err && !(m->text = kz_buf_detach(&bd.text, &m->text_len)))
		oom(c);
	if (!c->err && bd.has_html &&
	    !(m->html_text = kz_buf_detach(&bd.html, NULL)))
		oom(c);
	kz_buf_release(&bd.text);
	kz_buf_release(&bd.html);
	c->cur = saved;
}

/* ---- entry points ---------------------------------------------------- */

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void
init_libs(void)
{
	g_mime_init();
	if (sodium_init() < 0) {
		/* Only hashing is used, which needs no initialisation. */
	}
}

static void
gmime_warning(
    gint64 offset, GMimeParserWarning code, const gchar *item, gpointer data)
{
	struct ctx *c = data;
	char t[80];
	const char *what;

	(void)offset;
	if (!c->cur || (unsigned)code >= 32 || (c->gmime_seen & (1u << code)))
		return;
	c->gmime_seen |= 1u << code;
	switch (code) {
	case GMIME_WARN_DUPLICATED_HEADER:
		what = "repeated header";
		break;
	case GMIME_WARN_DUPLICATED_PARAMETER:
		what = "repeated header parameter";
		break;
	case GMIME_WARN_UNENCODED_8BIT_HEADER:
		return; /* said with the charset used, see header_text() */
	case GMIME_WARN_INVALID_CONTENT_TYPE:
		what = "invalid content type, read as application/octet-stream";
		break;
	case GMIME_WARN_INVALID_RFC2047_HEADER_VALUE:
		what = "invalid encoded-word";
		break;
	case GMIME_WARN_INVALID_PARAMETER:
		what = "invalid header parameter";
		break;
	case GMIME_WARN_MALFORMED_MULTIPART:
		what = "malformed multipart";
		break;
	case GMIME_WARN_TRUNCATED_MESSAGE:
		what = "truncated message: a multipart has no closing boundary";
		break;
	case GMIME_WARN_MALFORMED_MESSAGE:
		what = "malformed message";
		break;
	case GMIME_WARN_INVALID_ADDRESS_LIST:
		what = "invalid address list";
		break;
	case GMIME_CRIT_INVALID_HEADER_NAME:
		what =
		    "invalid header line, the rest of the headers may be lost";
		break;
	case GMIME_CRIT_CONFLICTING_HEADER:
		what = "conflicting header";
		break;
	case GMIME_CRIT_CONFLICTING_PARAMETER:
		what = "conflicting header parameter";
		break;
	case GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY:
		return; /* said by multipart_salvage() */
	case GMIME_CRIT_NESTING_OVERFLOW:
		what = "MIME parts nested too deep";
		break;
	case GMIME_WARN_PART_WITHOUT_CONTENT:
		what = "part without content";
		break;
	case GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT:
		what = "part without headers or content";
		break;
	default:
		what = "MIME problem";
		break;
	}
	if (item && *item)
		warn(c, c->cur, "%s '%s'", what, clip(t, item));
	else
		warn(c, c->cur, "%s", what);
}

static void
limits_fill(struct kz_mail_limits *l, const struct kz_mail_limits *in)
{
	memset(l, 0, sizeof(*l));
	if (in)
		*l = *in;
	if (!l->max_size)
		l->max_size = KZ_MAIL_MAX_SIZE;
	if (!l->max_depth)
		l->max_depth = KZ_MAIL_MAX_DEPTH;
	if (l->max_depth > 64)
		l->max_depth = 64;
	if (!l->max_parts)
		l->max_parts = KZ_MAIL_MAX_PARTS;
	if (!l->max_text)
		l->max_text = KZ_MAIL_MAX_TEXT;
	if (l->max_text > ((size_t)-1) / 8)
		l->max_text = ((size_t)-1) / 8;
	if (l->max_size > ((size_t)-1) / 8)
		l->max_size = ((size_t)-1) / 8;
}

int
kz_mail_parse(struct kz_mail **out, const char *raw, size_t len,
    const struct kz_mail_limits *lim)
{
	static const char *fallback[] = { "UTF-8", "EUC-JP-MS", "CP932", NULL };
	struct ctx c;
	struct kz_mail *m = NULL;
	GMimeStream *st = NULL;
	GMimeParser *ps = NULL;
	GMimeMessage *msg = NULL;
	unsigned char h[crypto_hash_sha256_BYTES];
	size_t start = 0, use;
	int rc;


	*out = NULL;
	memset(&c, 0, sizeof(c));
	limits_fill(&c.lim, lim);
	pthread_once(&init_once, init_libs);
	if (!raw || len == 0)
		return kz_error_set(
		    KZ_EINVAL, "not a mail: the input is empty");
	/* An mbox postmark line ("From user date") before the headers. */
	if (len > 5 && memcmp(raw, "From ", 5) == 0) {
		const char *nl = memchr(raw, '\n', len);

		start = nl ? (size_t)(nl - raw) + 1 : len;
	}
	if (!header_name_len(raw + start, len - start)) {
		const char *z = memchr(raw, '\0', len < 1024 ? len : 1024);

		if (z)
			return kz_error_set(KZ_EINVAL,
			    "not a mail: binary data (NUL byte at offset %zu)",
			    (size_t)(z - raw));
		return kz_error_set(
		    KZ_EINVAL, "not a mail: no header lines found");
	}
	if (!(m = kz_calloc(1, sizeof(*m))))
		return kz_error_set(KZ_ENOMEM, "out of memory");
	use = len - start;
	if (use > c.lim.max_size) {
		use = c.lim.max_size;
		c.cut = use;
		warn(&c, m,
		    "mail of %zu bytes is over the limit of %zu: only "
		    "the first %zu bytes were read",
		    len, c.lim.max_size, use);
	}
	c.cur = m;
	c.opts = g_mime_parser_options_new();
	g_mime_parser_options_set_rfc2047_compliance_mode(
	    c.opts, GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_parameter_compliance_mode(
	    c.opts, GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_address_compliance_mode(
	    c.opts, GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_allow_addresses_without_domain(c.opts, TRUE);
	g_mime_parser_options_set_fallback_charsets(c.opts, fallback);
	g_mime_parser_options_set_warning_callback(c.opts, gmime_warning, &c);
	st = g_mime_stream_mem_new_with_buffer(raw + start, use);
	ps = g_mime_parser_new_with_stream(st);
	g_mime_parser_set_format(ps, GMIME_FORMAT_MESSAGE);
	msg = g_mime_parser_construct_message(ps, c.opts);
	if (!msg) {
		rc = kz_error_set(
		    KZ_EINVAL, "not a mail: the MIME parser found no message");
		goto done;
	}
	fill_mail(&c, m, msg, 0, 0);
	m->size = len;
	crypto_hash_sha256(h, (const unsigned char *)raw, len);
	hex_sha256(m->sha256, h);
	if (c.err) {
		rc = c.err;
		goto done;
	}
	*out = m;
	m = NULL;
	rc = 0;
done:
	c.cur = NULL;
	if (msg)
		g_object_unref(msg);
	if (ps)
		g_object_unref(ps);
	if (st)
		g_object_unref(st);
	if (c.opts)
		g_mime_parser_options_free(c.opts);
	kz_mail_free(m);
	return rc;
}

static void
free_strv(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		kz_free(v[i]);
	kz_free(v);
}

static void
free_addr(struct kz_mail_addr *a)
{
	if (!a)
		return;
	kz_free(a->name);
	kz_free(a->addr);
	kz_free(a);
}

void
kz_mail_free(struct kz_mail *m)
{
	if (!m)
		return;
	kz_free(m->subject);
	free_addr(m->from);
	free_addr(m->reply_to);
	kz_free(m->return_path);
	free_addrs(m->to, m->n_to);
	free_addrs(m->cc, m->n_cc);
	kz_free(m->message_id);
	kz_free(m->in_reply_to);
	free_strv(m->references, m->n_references);
	kz_free(m->date_raw);
	free_strv(m->received, m->n_received);
	for (size_t i = 0; i < m->n_headers; i++) {
		kz_free(m->headers[i].name);
		kz_free(m->headers[i].value);
		kz_free(m->headers[i].raw);
	}
	kz_free(m->headers);
	kz_free(m->content_type);
	kz_free(m->report_type);
	kz_free(m->text);
	kz_free(m->html_text);
	for (size_t i = 0; i < m->n_attachments; i++) {
		kz_free(m->attachments[i].filename);
		kz_free(m->attachments[i].content_type);
		kz_free(m->attachments[i].data);
	}
	kz_free(m->attachments);
	for (size_t i = 0; i < m->n_messages; i++)
		kz_mail_free(m->messages[i]);
	kz_free(m->messages);
	free_strv(m->warnings, m->n_warnings);
	kz_free(m->bounce_action);
	kz_free(m->bounce_status);
	kz_free(m->bounce_diagnostic);
	kz_free(m->bounce_message_id);
	free_strv(m->bounce_recipients, m->n_bounce_recipients);
	kz_free(m);
}

const char *
kz_mail_header(const struct kz_mail *m, const char *name)
{
	for (size_t i = 0; m && name && i < m->n_headers; i++)
		if (m->headers[i].name &&
		    strcasecmp(m->headers[i].name, name) == 0)
			return m->headers[i].value;
	return NULL;
}

int
kz_mail_ticket_ref(char out[32], const char *subject, const char *prefix)
{
	size_t pl;

	out[0] = '\0';
	if (!prefix)
		prefix = "KZ";
	pl = strlen(prefix);
	for (size_t i = 0; i < pl; i++)
		if (!isalnum((unsigned char)prefix[i]))
			pl = 0;
	if (pl == 0 || pl > 12)
		return kz_error_set(KZ_EINVAL,
		    "invalid ticket prefix '%s' "
		    "(1 to 12 letters or digits)",
		    prefix);
	for (const char *p = subject; p && *p; p++) {
		const char *q = p + pl;
		size_t d = 0;

		if ((p > subject && isalnum((unsigned char)p[-1])) ||
		    strncasecmp(p, prefix, pl) != 0 || *q != '-')
			continue;
		q++;
		if (!isdigit((unsigned char)q[0]) ||
		    !isdigit((unsigned char)q[1]) ||
		    !isdigit((unsigned char)q[2]) ||
		    !isdigit((unsigned char)q[3]) || q[4] != '-')
			continue;
		while (isdigit((unsigned char)q[5 + d]))
			d++;
		if (d < 6 || d > 12 || isalpha((unsigned char)q[5 + d]))
			continue;
		for (size_t i = 0; i < pl; i++)
			out[i] = (char)toupper((unsigned char)prefix[i]);
		memcpy(out + pl, p + pl, 1 + 5 + d);
		out[pl + 6 + d] = '\0';
		return 0;
	}
	return kz_error_set(KZ_ENOTFOUND, "no ticket id in the subject");
}

/* ---- JSON ------------------------------------------------------------ */

static json_t *
addr_json(const struct kz_mail_addr *a)
{
	json_t *o;

	if (!a)
		return json_null();
	o = json_object();
	kz_json_set(o, "name", kz_json_str(a->name));
	kz_json_set(o, "addr", kz_json_str(a->addr));
	return o;
}

static json_t *
addrs_json(const struct kz_mail_addr *a, size_t n)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, addr_json(&a[i]));
	return arr;
}

static json_t *
strv_json(char *const *v, size_t n)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, kz_json_str(v[i]));
	return arr;
}

json_t *
kz_mail_to_json(const struct kz_mail *m)
{
	json_t *o = json_object(), *arr;

	if (!o || !m)
		return o;
	kz_json_set(o, "subject", kz_json_str(m->subject));
	kz_json_set(o, "from", addr_json(m->from));
	kz_json_set(o, "reply_to", addr_json(m->reply_to));
	kz_json_set(o, "return_path", kz_json_str(m->return_path));
	kz_json_set(o, "to", addrs_json(m->to, m->n_to));
	kz_json_set(o, "cc", addrs_json(m->cc, m->n_cc));
	kz_json_set(o, "message_id", kz_json_str(m->message_id));
	kz_json_set(o, "in_reply_to", kz_json_str(m->in_reply_to));
	kz_json_set(o, "references", strv_json(m->references, m->n_references));
	kz_json_set(o, "date", kz_json_time(m->date));
	kz_json_set(o, "date_raw", kz_json_str(m->date_raw));
	kz_json_set(o, "received", strv_json(m->received, m->n_received));
	arr = json_array();
	for (size_t i = 0; i < m->n_headers; i++) {
		json_t *h = json_object();

		kz_json_set(h, "name", kz_json_str(m->headers[i].name));
		kz_json_set(h, "value", kz_json_str(m->headers[i].value));
		json_array_append_new(arr, h);
	}
	kz_json_set(o, "headers", arr);
	kz_json_set(o, "content_type", kz_json_str(m->content_type));
	kz_json_set(o, "report_type", kz_json_str(m->report_type));
	kz_json_set(o, "text", kz_json_str(m->text));
	kz_json_set(o, "html_text", kz_json_str(m->html_text));
	arr = json_array();
	for (size_t i = 0; i < m->n_attachments; i++) {
		const struct kz_mail_attachment *a = &m->attachments[i];
		json_t *j = json_object();

		kz_json_set(j, "filename", kz_json_str(a->filename));
		kz_json_set(j, "content_type", kz_json_str(a->content_type));
		kz_json_set(j, "detected_type", kz_json_str(a->detected));
		kz_json_set(j, "size", json_integer((json_int_t)a->size));
		kz_json_set(j, "sha256", json_string(a->sha256));
		kz_json_set(j, "part", json_integer(a->part));
		kz_json_set(j, "truncated", json_boolean(a->truncated));
		json_array_append_new(arr, j);
	}
	kz_json_set(o, "attachments", arr);
	arr = json_array();
	for (size_t i = 0; i < m->n_messages; i++)
		json_array_append_new(arr, kz_mail_to_json(m->messages[i]));
	kz_json_set(o, "messages", arr);
	kz_json_set(o, "warnings", strv_json(m->warnings, m->n_warnings));
	if (m->bounce_action || m->is_bounce) {
		json_t *b = json_object();

		kz_json_set(b, "failed", json_boolean(m->is_bounce));
		kz_json_set(b, "action", kz_json_str(m->bounce_action));
		kz_json_set(b, "status", kz_json_str(m->bounce_status));
		kz_json_set(b, "diagnostic", kz_json_str(m->bounce_diagnostic));
		kz_json_set(b, "message_id", kz_json_str(m->bounce_message_id));
		kz_json_set(b, "recipients",
		    strv_json(m->bounce_recipients, m->n_bounce_recipients));
		kz_json_set(o, "bounce", b);
	} else {
		kz_json_set(o, "bounce", json_null());
	}
	kz_json_set(o, "is_bounce", json_boolean(m->is_bounce));
	kz_json_set(o, "size", json_integer((json_int_t)m->size));
	kz_json_set(o, "sha256", json_string(m->sha256));
	return o;
}
