/* SPDX-License-Identifier: MIT */
/*
 * Indicator types and their canonical forms. The canonicalizers here are
 * shared with the scanner in extract.c, so they stay allocation-free on
 * the ASCII path and never format an error message themselves.
 */
#include "extract/ioc.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <string.h>

#include <idn2.h>
#include <libpsl.h>

#include "core/error.h"
#include "core/strutil.h"
#include "extract/extract_int.h"

/* clang-format off */
const char *const kz_ioc_type_names[] = {
	"ipv4", "ipv6", "cidr", "domain", "url", "email", "email_subject",
	"md5", "sha1", "sha256", "asn", "cve", "filename", NULL
};
/* clang-format on */

const char *
kz_ioc_type_name(enum kz_ioc_type t)
{
	if ((int)t < 0 || t >= KZ_IOC_NTYPES)
		return NULL;
	return kz_ioc_type_names[t];
}

int
kz_ioc_type_parse(enum kz_ioc_type *out, const char *name)
{
	char list[256];
	int i = kz_name_index(kz_ioc_type_names, name ? name : "");

	if (i < 0)
		return kz_error_set(KZ_EINVAL,
		    "unknown indicator type '%s' (one of: %s)",
		    name ? name : "",
		    kz_name_list(list, sizeof(list), kz_ioc_type_names));
	*out = (enum kz_ioc_type)i;
	return 0;
}

static int lower(int c);

/* --- the public suffix list ------------------------------------------ */

static const psl_ctx_t *psl_ctx;
static pthread_once_t psl_once = PTHREAD_ONCE_INIT;

static void
psl_init(void)
{
	/* The newer of the built-in list and the system's copy. */
	psl_ctx = psl_latest(NULL);
	if (!psl_ctx)
		psl_ctx = psl_builtin();
}

/* Recent answers, per thread: the same few TLDs come up again and again. */
struct tld_cache_entry {
	char tld[15];
	signed char exists; /* 0 when the entry is empty: see below */
};
static _Thread_local struct tld_cache_entry tld_cache[256];

int
kz_ioc_tld_exists(const char *tld, size_t n)
{
	struct tld_cache_entry *ce = NULL;
	char buf[64];
	int yes;

	if (n == 0 || n >= sizeof(buf))
		return 0;
	if (n < sizeof(ce->tld)) {
		unsigned h = (unsigned)n * 31u + (unsigned char)tld[0] * 7u +
		    (unsigned char)tld[n - 1] + (unsigned char)tld[n / 2] * 3u;

		ce = &tld_cache[h & 255];
		if (ce->exists && memcmp(ce->tld, tld, n) == 0 &&
		    ce->tld[n] == '\0')
			return ce->exists > 0;
	}
	pthread_once(&psl_once, psl_init);
	if (!psl_ctx)
		return 0;
	memcpy(buf, tld, n);
	buf[n] = '\0';
	/* Without NO_STAR_RULE the "*" rule makes every label a suffix. */
	yes = psl_is_public_suffix2(
	    psl_ctx, buf, PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE);
	if (ce) {
		memcpy(ce->tld, buf, n + 1);
		ce->exists = yes ? 1 : -1;
	}
	return yes;
}

static int
is_icann_suffix(const char *host)
{
	pthread_once(&psl_once, psl_init);
	return psl_ctx &&
	    psl_is_public_suffix2(
		psl_ctx, host, PSL_TYPE_ICANN | PSL_TYPE_NO_STAR_RULE);
}

int
kz_ioc_tld_is_file_ext(const char *tld, size_t n)
{
	/* clang-format off */
	static const char *const ext[] = {
		"ai", "cc", "do", "in", "md", "mk", "ml", "mov", "pl", "pm",
		"ps", "py", "rs", "sh", "so", "tf", "zip", NULL
	};
	/* clang-format on */

	if (n < 2 || n > 3)
		return 0;
	for (size_t i = 0; ext[i]; i++) {
		size_t k;

		if (strlen(ext[i]) != n)
			continue;
		for (k = 0; k < n && lower(tld[k]) == ext[i][k]; k++)
			;
		if (k == n)
			return 1;
	}
	return 0;
}

/* --- refanging ---------------------------------------------------------- */

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = lower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static int
closing_of(int c)
{
	return c == '[' ? ']' : c == '(' ? ')' : c == '{' ? '}' : 0;
}

/* Inner text of a bracket form and what it stands for. */
static const char *
bracket_form(const char *in, size_t n)
{
	/* clang-format off */
	static const char *const forms[][2] = {
		{ ".", "." }, { "dot", "." }, { "@", "@" }, { "at", "@" },
		{ ":", ":" }, { "://", "://" }, { "/", "/" },
	};
	/* clang-format on */

	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		size_t k, fl = strlen(forms[i][0]);

		if (fl != n)
			continue;
		for (k = 0; k < n && lower(in[k]) == forms[i][0][k]; k++)
			;
		if (k == n)
			return forms[i][1];
	}
	return NULL;
}

size_t
kz_ioc_refang(
    char *dst, uint32_t *map, const char *src, size_t n, int *defanged)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t i = 0, j = 0;

	*defanged = 0;
	while (i < n) {
		unsigned char c = s[i];
		size_t at = i;
		int out = -1;

		if (c < 0x80) {
			out = c;
			i++;
		} else if (c == 0xef && i + 2 < n && s[i + 1] == 0xbc &&
		    s[i + 2] >= 0x81 && s[i + 2] <= 0xbf) {
			out = s[i + 2] - 0x81 + 0x21; /* U+FF01..U+FF3F */
			i += 3;
		} else if (c == 0xef && i + 2 < n && s[i + 1] == 0xbd &&
		    s[i + 2] >= 0x80 && s[i + 2] <= 0x9e) {
			out = s[i + 2] - 0x80 + 0x60; /* U+FF40..U+FF5E */
			i += 3;
		} else if (c == 0xef && i + 2 < n && s[i + 1] == 0xbd &&
		    s[i + 2] == 0xa1) {
			out = '.'; /* U+FF61 halfwidth ideographic full stop */
			i += 3;
		} else if (c == 0xe3 && i + 2 < n && s[i + 1] == 0x80 &&
		    s[i + 2] == 0x82) {
			out = '.'; /* U+3002 ideographic full stop */
			i += 3;
		} else {
			if (map)
				map[j] = (uint32_t)i;
			dst[j++] = (char)c;
			i++;
			continue;
		}
		if (map)
			map[j] = (uint32_t)at;
		dst[j++] = (char)out;
		if (out == ']' || out == ')' || out == '}') {
			/* Look back for the opener of a bracket form. */
			size_t back = j >= 6 ? 6 : j;

			for (size_t k = 2; k <= back; k++) {
				size_t o = j - k;
				const char *rep;

				if (closing_of(dst[o]) != out)
					continue;
				rep = bracket_form(dst + o + 1, k - 2);
				if (rep) {
					uint32_t m0 = map ? map[o] : 0;
					size_t rl = strlen(rep);

					j = o;
					for (size_t r = 0; r < rl; r++) {
						if (map)
							map[j] = m0;
						dst[j++] = rep[r];
					}
					*defanged = 1;
				}
				break;
			}
		}
	}
	if (map)
		map[j] = (uint32_t)n;
	dst[j] = '\0';
	return j;
}

/* --- per-type canonicalizers ------------------------------------------- */

static int
parse_ipv4(uint8_t a[4], const char *s, size_t n)
{
	size_t i = 0;

	for (int part = 0; part < 4; part++) {
		unsigned v = 0;
		size_t d = 0;

		if (part > 0) {
			if (i >= n || s[i] != '.')
				return -1;
			i++;
		}
		while (i < n && is_digit(s[i]) && d < 4) {
			v = v * 10 + (unsigned)(s[i] - '0');
			i++;
			d++;
		}
		if (d == 0 || d > 3 || v > 255)
			return -1;
		a[part] = (uint8_t)v;
	}
	return i == n ? 0 : -1;
}

int
kz_ioc_canon_ipv4(struct kz_buf *out, const char *s, size_t n)
{
	uint8_t a[4];

	char txt[16], *p = txt;

	if (parse_ipv4(a, s, n))
		return -1;
	/* by hand: this runs for every address in a log */
	for (int i = 0; i < 4; i++) {
		unsigned v = a[i];

		if (i)
			*p++ = '.';
		if (v >= 100)
			*p++ = (char)('0' + v / 100);
		if (v >= 10)
			*p++ = (char)('0' + v / 10 % 10);
		*p++ = (char)('0' + v % 10);
	}
	kz_buf_add(out, txt, (size_t)(p - txt));
	return 0;
}

static int
parse_ipv6(uint8_t a[16], const char *s, size_t n)
{
	char tmp[64];

	if (n >= 2 && s[0] == '[' && s[n - 1] == ']') {
		s++;
		n -= 2;
	}
	if (n < 2 || n >= sizeof(tmp) || !memchr(s, ':', n))
		return -1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	return inet_pton(AF_INET6, tmp, a) == 1 ? 0 : -1;
}

int
kz_ioc_canon_ipv6(struct kz_buf *out, const char *s, size_t n)
{
	uint8_t a[16];
	char txt[INET6_ADDRSTRLEN];

	if (parse_ipv6(a, s, n) || !inet_ntop(AF_INET6, a, txt, sizeof(txt)))
		return -1;
	kz_buf_adds(out, txt);
	return 0;
}

int
kz_ioc_canon_cidr(struct kz_buf *out, const char *s, size_t n)
{
	const char *slash = memchr(s, '/', n);
	uint8_t a[16];
	size_t alen, plen, i;
	unsigned bits = 0, max;
	int v4;

	if (!slash)
		return -1;
	alen = (size_t)(slash - s);
	plen = n - alen - 1;
	if (plen == 0 || plen > 3 || (plen > 1 && slash[1] == '0'))
		return -1;
	for (i = 0; i < plen; i++) {
		if (!is_digit(slash[1 + i]))
			return -1;
		bits = bits * 10 + (unsigned)(slash[1 + i] - '0');
	}
	v4 = parse_ipv4(a, s, alen) == 0;
	if (!v4 && parse_ipv6(a, s, alen))
		return -1;
	max = v4 ? 32 : 128;
	if (bits > max)
		return -1;
	/* Host bits below the prefix are refused, as kz_prefix_parse does. */
	for (i = 0; i < max / 8; i++) {
		unsigned keep = bits >= (i + 1) * 8 ? 8 :
		    bits <= i * 8                   ? 0 :
						      bits - (unsigned)i * 8;
		uint8_t mask = (uint8_t)(0xff00u >> keep);

		if (a[i] & (uint8_t)~mask)
			return -1;
	}
	if (v4) {
		kz_buf_addf(
		    out, "%u.%u.%u.%u/%u", a[0], a[1], a[2], a[3], bits);
	} else {
		char txt[INET6_ADDRSTRLEN];

		if (!inet_ntop(AF_INET6, a, txt, sizeof(txt)))
			return -1;
		kz_buf_addf(out, "%s/%u", txt, bits);
	}
	return 0;
}

/* Checks an ASCII host name (lower-case A-labels) in place. */
static int
check_hostname(const char *h, size_t n)
{
	size_t lab = 0, labels = 0, last = 0;

	if (n == 0 || n > 253)
		return -1;
	for (size_t i = 0; i <= n; i++) {
		char c = i < n ? h[i] : '.';

		if (c == '.') {
			if (lab == 0 || lab > 63 || h[i - 1] == '-' ||
			    h[i - lab] == '-')
				return -1;
			labels++;
			last = i - lab;
			lab = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || is_digit(c) || c == '-'))
			return -1;
		lab++;
	}
	if (labels < 2)
		return -1;
	/* The top-level label is letters, or an A-label. */
	if (n - last > 4 && memcmp(h + last, "xn--", 4) == 0) {
		/* fine */
	} else {
		for (size_t i = last; i < n; i++)
			if (!(h[i] >= 'a' && h[i] <= 'z'))
				return -1;
	}
	if (!kz_ioc_tld_exists(h + last, n - last))
		return -1;
	/* A public suffix itself ("co.jp") is nobody's domain. */
	if (labels == 2 && is_icann_suffix(h))
		return -1;
	return 0;
}

int
kz_ioc_canon_domain(struct kz_buf *out, const char *s, size_t n)
{
	char tmp[1024];
	int non_ascii = 0, rc = -1;
	char *alabel = NULL;
	const char *h;
	size_t hl;

	if (n && s[n - 1] == '.')
		n--;
	if (n == 0 || n >= sizeof(tmp))
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x80)
			non_ascii = 1;
		else if (c <= ' ' || c == 0x7f)
			return -1;
		tmp[i] = (char)lower(c);
	}
	tmp[n] = '\0';
	h = tmp;
	hl = n;
	if (non_ascii) {
		if (!kz_utf8_valid(tmp, n) ||
		    idn2_lookup_u8((const uint8_t *)tmp, (uint8_t **)&alabel,
			IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL) != IDN2_OK)
			goto done;
		h = alabel;
		hl = strlen(alabel);
	}
	if (check_hostname(h, hl))
		goto done;
	kz_buf_add(out, h, hl);
	rc = 0;
done:
	idn2_free(alabel);
	return rc;
}

const char *
kz_ioc_scheme(const char *s, size_t n)
{
	int a, b;

	if (n < 3 || n > 5)
		return NULL;
	if (lower(s[0]) == 'f' && n == 3) {
		a = lower(s[1]);
		return (a == 't' || a == 'x' || a == '*') &&
			lower(s[2]) == 'p' ?
		    "ftp" :
		    NULL;
	}
	if (lower(s[0]) != 'h' || n < 4)
		return NULL;
	a = lower(s[1]);
	b = lower(s[2]);
	if (!(a == 't' || a == 'x' || a == '*') ||
	    !(b == 't' || b == 'x' || b == '*') || lower(s[3]) != 'p')
		return NULL;
	if (n == 4)
		return "http";
	return lower(s[4]) == 's' ? "https" : NULL;
}

/* Host of a URL: a name, an IPv4 address or a bracketed IPv6 address. */
static int
canon_url_host(struct kz_buf *out, const char *s, size_t n)
{
	if (n >= 2 && s[0] == '[') {
		if (s[n - 1] != ']')
			return -1;
		kz_buf_addc(out, '[');
		if (kz_ioc_canon_ipv6(out, s, n))
			return -1;
		kz_buf_addc(out, ']');
		return 0;
	}
	if (n && is_digit(s[n - 1]) && kz_ioc_canon_ipv4(out, s, n) == 0)
		return 0;
	return kz_ioc_canon_domain(out, s, n);
}

static int
url_char_ok(unsigned char c)
{
	return c > 0x20 && c < 0x7f;
}

int
kz_ioc_canon_url(struct kz_buf *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t old = out->len, i, auth, host, hend, pend, rest;
	const char *scheme, *sep;
	unsigned long port = 0;
	int has_port = 0;

	if (n > KZ_IOC_URL_MAX)
		return -1;
	sep = n >= 3 ? memmem(s, n, "://", 3) : NULL;
	if (!sep || !(scheme = kz_ioc_scheme(s, (size_t)(sep - s))))
		return -1;
	auth = (size_t)(sep - s) + 3;
	for (rest = auth; rest < n; rest++)
		if (s[rest] == '/' || s[rest] == '?' || s[rest] == '#')
			break;
	/* user:password@ before the host */
	host = auth;
	for (i = auth; i < rest; i++)
		if (s[i] == '@')
			host = i + 1;
	hend = rest;
	if (host < rest && s[host] == '[') {
		const char *rb = memchr(s + host, ']', rest - host);

		if (!rb)
			return -1;
		hend = (size_t)(rb - s) + 1;
	} else {
		const char *colon = memchr(s + host, ':', rest - host);

		if (colon)
			hend = (size_t)(colon - s);
	}
	pend = hend;
	if (hend < rest) {
		if (s[hend] != ':')
			return -1;
		for (pend = hend + 1; pend < rest; pend++) {
			if (!is_digit(s[pend]) || pend - hend > 5)
				return -1;
			port = port * 10 + (unsigned long)(s[pend] - '0');
		}
		has_port = pend > hend + 1;
		if (port > 65535)
			return -1;
	}
	kz_buf_adds(out, scheme);
	kz_buf_add(out, "://", 3);
	for (i = auth; i < host; i++)
		if (!url_char_ok((unsigned char)s[i]))
			goto fail;
	kz_buf_add(out, s + auth, host - auth);
	if (canon_url_host(out, s + host, hend - host))
		goto fail;
	/* the scheme's default port is dropped */
	if (has_port &&
	    !((port == 80 && strcmp(scheme, "http") == 0) ||
		(port == 443 && strcmp(scheme, "https") == 0) ||
		(port == 21 && strcmp(scheme, "ftp") == 0)))
		kz_buf_addf(out, ":%lu", port);
	if (rest == n || s[rest] != '/')
		kz_buf_addc(out, '/');
	for (i = rest; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x80) {
			kz_buf_addc(out, '%');
			kz_buf_addc(out, hex[c >> 4]);
			kz_buf_addc(out, hex[c & 15]);
		} else if (!url_char_ok(c)) {
			goto fail;
		} else {
			kz_buf_addc(out, (char)c);
		}
	}
	return 0;
fail:
	kz_buf_truncate(out, old);
	return -1;
}

static int
local_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    is_digit(c) || (c && strchr(".!#$%&'*+-/=?^_`{|}~", c));
}

int
kz_ioc_canon_email(struct kz_buf *out, const char *s, size_t n)
{
	const char *at = NULL;
	size_t ll, old = out->len;

	for (size_t i = n; i > 0; i--)
		if (s[i - 1] == '@') {
			at = s + i - 1;
			break;
		}
	if (!at)
		return -1;
	ll = (size_t)(at - s);
	if (ll == 0 || ll > 64 || s[0] == '.' || s[ll - 1] == '.')
		return -1;
	for (size_t i = 0; i < ll; i++)
		if (!local_char((unsigned char)s[i]) ||
		    (s[i] == '.' && s[i + 1] == '.'))
			return -1;
	kz_buf_add(out, s, ll);
	kz_buf_addc(out, '@');
	if (kz_ioc_canon_domain(out, at + 1, n - ll - 1)) {
		kz_buf_truncate(out, old);
		return -1;
	}
	return 0;
}

int
kz_ioc_canon_hash(struct kz_buf *out, const char *s, size_t n, size_t digits)
{
	char tmp[64];

	if (n != digits || n > sizeof(tmp))
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (hexval(s[i]) < 0)
			return -1;
		tmp[i] = (char)lower(s[i]);
	}
	kz_buf_add(out, tmp, n);
	return 0;
}

int
kz_ioc_canon_asn(struct kz_buf *out, const char *s, size_t n)
{
	unsigned long long v = 0, hi = 0;
	size_t i = 0, d = 0;
	int dot = 0;

	if (n >= 2 && lower(s[0]) == 'a' && lower(s[1]) == 's') {
		i = 2;
		if (i < n && lower(s[i]) == 'n')
			i++;
		if (i < n && s[i] == ' ')
			i++;
	}
	for (; i < n; i++) {
		if (s[i] == '.' && !dot && d > 0) {
			/* asdot notation: high.low, each 16 bits */
			if (v > 65535)
				return -1;
			hi = v;
			v = 0;
			d = 0;
			dot = 1;
			continue;
		}
		if (!is_digit(s[i]) || d >= 10)
			return -1;
		if (d == 0 && s[i] == '0' && i + 1 < n && is_digit(s[i + 1]))
			return -1;
		v = v * 10 + (unsigned long long)(s[i] - '0');
		d++;
	}
	if (d == 0)
		return -1;
	if (dot) {
		if (v > 65535)
			return -1;
		v = hi * 65536 + v;
	}
	if (v == 0 || v > 4294967295ULL)
		return -1;
	kz_buf_addf(out, "AS%llu", v);
	return 0;
}

int
kz_ioc_canon_cve(struct kz_buf *out, const char *s, size_t n)
{
	size_t i, d;

	if (n < 13 || lower(s[0]) != 'c' || lower(s[1]) != 'v' ||
	    lower(s[2]) != 'e' || s[3] != '-' || s[8] != '-')
		return -1;
	for (i = 4; i < 8; i++)
		if (!is_digit(s[i]))
			return -1;
	if (s[4] != '1' && s[4] != '2')
		return -1;
	for (i = 9, d = 0; i < n; i++, d++)
		if (!is_digit(s[i]))
			return -1;
	if (d < 4 || d > 19)
		return -1;
	kz_buf_add(out, "CVE", 3);
	kz_buf_add(out, s + 3, n - 3);
	return 0;
}

/* Subjects and file names are kept as written, only tidied. */
static int
canon_subject(struct kz_buf *out, const char *s, size_t n)
{
	size_t old = out->len;
	int space = 0;

	if (n > 998 || !kz_utf8_valid(s, n))
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			space = 1;
			continue;
		}
		if (c < 0x20 || c == 0x7f)
			goto fail;
		if (space && out->len > old)
			kz_buf_addc(out, ' ');
		space = 0;
		kz_buf_addc(out, (char)c);
	}
	if (out->len == old)
		return -1;
	return 0;
fail:
	kz_buf_truncate(out, old);
	return -1;
}

static int
canon_filename(struct kz_buf *out, const char *s, size_t n)
{
	if (n == 0 || n > 255 || !kz_utf8_valid(s, n))
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f || c == '/')
			return -1;
	}
	if ((n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
		return -1;
	kz_buf_add(out, s, n);
	return 0;
}

/* --- public entry points ----------------------------------------------- */

static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' ||
	    c == '\v';
}

/* The value as quoted in messages: at most 80 bytes. */
static const char *
quoted(char *tmp, size_t tmpsz, const char *s, size_t n)
{
	size_t k = n < tmpsz - 4 ? n : tmpsz - 4;

	/* Do not cut a UTF-8 sequence in two. */
	while (k < n && k > 0 && ((unsigned char)s[k] & 0xc0) == 0x80)
		k--;
	memcpy(tmp, s, k);
	if (k < n)
		memcpy(tmp + k, "...", 4);
	else
		tmp[k] = '\0';
	return tmp;
}

static int
canon_typed(struct kz_buf *out, enum kz_ioc_type t, const char *s, size_t n)
{
	switch (t) {
	case KZ_IOC_IPV4:
		return kz_ioc_canon_ipv4(out, s, n);
	case KZ_IOC_IPV6:
		return kz_ioc_canon_ipv6(out, s, n);
	case KZ_IOC_CIDR:
		return kz_ioc_canon_cidr(out, s, n);
	case KZ_IOC_DOMAIN:
		return kz_ioc_canon_domain(out, s, n);
	case KZ_IOC_URL:
		return kz_ioc_canon_url(out, s, n);
	case KZ_IOC_EMAIL:
		return kz_ioc_canon_email(out, s, n);
	case KZ_IOC_MD5:
		return kz_ioc_canon_hash(out, s, n, 32);
	case KZ_IOC_SHA1:
		return kz_ioc_canon_hash(out, s, n, 40);
	case KZ_IOC_SHA256:
		return kz_ioc_canon_hash(out, s, n, 64);
	case KZ_IOC_ASN:
		return kz_ioc_canon_asn(out, s, n);
	case KZ_IOC_CVE:
		return kz_ioc_canon_cve(out, s, n);
	default:
		return -1;
	}
}

/* Trims white space and refangs; the refanged copy is in *tmp. */
static int
prepare(struct kz_buf *tmp, const char **s, size_t *n)
{
	int defanged;

	while (*n && is_space((unsigned char)**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n && is_space((unsigned char)(*s)[*n - 1]))
		(*n)--;
	if (kz_buf_grow(tmp, *n + 1))
		return tmp->err;
	tmp->len = kz_ioc_refang(tmp->ptr, NULL, *s, *n, &defanged);
	return 0;
}

int
kz_ioc_canonicalize(
    struct kz_buf *out, enum kz_ioc_type t, const char *value, size_t len)
{
	struct kz_buf tmp = KZ_BUF_INIT(len + 1);
	char q[84];
	int rc;

	kz_buf_reset(out);
	if ((int)t < 0 || t >= KZ_IOC_NTYPES) {
		rc = kz_error_set(
		    KZ_EINVAL, "unknown indicator type '%d'", (int)t);
		goto done;
	}
	if (t == KZ_IOC_EMAIL_SUBJECT || t == KZ_IOC_FILENAME) {
		rc = t == KZ_IOC_FILENAME ? canon_filename(out, value, len) :
					    canon_subject(out, value, len);
	} else {
		rc = prepare(&tmp, &value, &len);
		if (rc)
			goto done;
		rc = canon_typed(out, t, tmp.ptr, tmp.len);
	}
	if (out->err) {
		rc = out->err;
		goto done;
	}
	if (rc) {
		kz_buf_reset(out);
		rc = kz_error_set(KZ_EINVAL, "invalid %s '%s'",
		    kz_ioc_type_name(t), quoted(q, sizeof(q), value, len));
		goto done;
	}
	rc = 0;
done:
	kz_buf_release(&tmp);
	return rc;
}

static int
all_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (hexval(s[i]) < 0)
			return 0;
	return 1;
}

int
kz_ioc_detect(
    enum kz_ioc_type *type, struct kz_buf *out, const char *value, size_t len)
{
	struct kz_buf tmp = KZ_BUF_INIT(len + 1);
	enum kz_ioc_type t = KZ_IOC_NTYPES;
	const char *s;
	size_t n;
	char q[84];
	int rc;

	kz_buf_reset(out);
	rc = prepare(&tmp, &value, &len);
	if (rc)
		goto done;
	s = tmp.ptr;
	n = tmp.len;
	if (n >= 3 && memmem(s, n, "://", 3)) {
		if (kz_ioc_canon_url(out, s, n) == 0)
			t = KZ_IOC_URL;
	} else if (memchr(s, '@', n)) {
		if (kz_ioc_canon_email(out, s, n) == 0)
			t = KZ_IOC_EMAIL;
	} else if (memchr(s, '/', n)) {
		if (kz_ioc_canon_cidr(out, s, n) == 0)
			t = KZ_IOC_CIDR;
	} else if (kz_ioc_canon_ipv4(out, s, n) == 0) {
		t = KZ_IOC_IPV4;
	} else if (memchr(s, ':', n)) {
		if (kz_ioc_canon_ipv6(out, s, n) == 0)
			t = KZ_IOC_IPV6;
	} else if ((n == 32 || n == 40 || n == 64) && all_hex(s, n)) {
		t = n == 32 ? KZ_IOC_MD5 :
		    n == 40 ? KZ_IOC_SHA1 :
			      KZ_IOC_SHA256;
		kz_ioc_canon_hash(out, s, n, n);
	} else if (kz_ioc_canon_cve(out, s, n) == 0) {
		t = KZ_IOC_CVE;
	} else if (n > 2 && lower(s[0]) == 'a' && lower(s[1]) == 's' &&
	    kz_ioc_canon_asn(out, s, n) == 0) {
		t = KZ_IOC_ASN;
	} else if (kz_ioc_canon_domain(out, s, n) == 0) {
		t = KZ_IOC_DOMAIN;
	}
	if (out->err) {
		rc = out->err;
		goto done;
	}
	if (t == KZ_IOC_NTYPES) {
		kz_buf_reset(out);
		rc = kz_error_set(KZ_EINVAL,
		    "'%s' is not an indicator of any known type",
		    quoted(q, sizeof(q), value, len));
		goto done;
	}
	*type = t;
	rc = 0;
done:
	kz_buf_release(&tmp);
	return rc;
}
