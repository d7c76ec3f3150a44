/* SPDX-License-Identifier: MIT */
/*
 * URL normalization (RFC 3986 section 6.2.2, the safe subset) and the set
 * of normalized URLs on top of the string set.
 */
#include "match/urlset.h"

#include <stdio.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/alloc.h"
#include "core/error.h"
#include "match/strset.h"

struct kz_urlset {
	struct kz_strset *urls;
};

int
kz_urlset_new(struct kz_urlset **out, size_t expect)
{
	struct kz_urlset *s;
	int rc;

	*out = NULL;
	s = kz_calloc(1, sizeof(*s));
	if (!s)
		return kz_error_set(KZ_ENOMEM, "out of memory");
	rc = kz_strset_new(&s->urls, expect);
	if (rc) {
		kz_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

void
kz_urlset_free(struct kz_urlset *s)
{
	if (!s)
		return;
	kz_strset_free(s->urls);
	kz_free(s);
}

static inline int
lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c | 0x20 : c;
}

static inline int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = lower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static inline int
unreserved(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	    c == '~';
}

int
kz_url_host(const char **host, size_t *hostlen, const char *url, size_t len)
{
	const char *p = url, *e = url + len;

	while (p < e &&
	    ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		(*p >= '0' && *p <= '9') || *p == '+' || *p == '-' ||
		*p == '.'))
		p++;
	if (p == url || e - p < 3 || p[0] != ':' || p[1] != '/' || p[2] != '/')
		return -1;
	return kz_url_authority_host(host, hostlen, p + 3, e);
}

int
kz_url_authority_host(
    const char **host, size_t *hostlen, const char *a, const char *e)
{
	const char *ae, *at, *colon, *h, *he;

	/* One pass: the authority's end, its last '@', the first ':' after */
	at = colon = NULL;
	ae = a;
#if defined(__SSE2__)
	/* sixteen bytes a step while they are there to read */
	while (e - ae >= 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)ae);
		unsigned stop = (unsigned)_mm_movemask_epi8(_mm_or_si128(
		    _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('/')),
			_mm_cmpeq_epi8(x, _mm_set1_epi8('?'))),
		    _mm_cmpeq_epi8(x, _mm_set1_epi8('#'))));
		unsigned upto = stop ? (1u << __builtin_ctz(stop)) - 1 : 0xffff;
		unsigned ats = (unsigned)_mm_movemask_epi8(
				   _mm_cmpeq_epi8(x, _mm_set1_epi8('@'))) &
		    upto;
		unsigned cols = (unsigned)_mm_movemask_epi8(
				    _mm_cmpeq_epi8(x, _mm_set1_epi8(':'))) &
		    upto;

		if (ats) {
			unsigned last = 31u - (unsigned)__builtin_clz(ats);

			at = ae + last;
			colon = NULL;
			cols &= ~((2u << last) - 1);
		}
		if (cols && !colon)
			colon = ae + __builtin_ctz(cols);
		if (stop) {
			ae += __builtin_ctz(stop);
			goto found;
		}
		ae += 16;
	}
#endif
	for (; ae < e; ae++) {
		char c = *ae;

		if (c == '/' || c == '?' || c == '#')
			break;
		if (c == '@')
			at = ae, colon = NULL;
		else if (c == ':' && !colon)
			colon = ae;
	}
#if defined(__SSE2__)
found:
#endif
	h = at ? at + 1 : a;
	if (h < ae && *h == '[') {
		he = memchr(h, ']', (size_t)(ae - h));
		if (!he)
			return -1;
		h++;
	} else {
		he = colon ? colon : ae;
	}
	if (he == h)
		return -1;
	*host = h;
	*hostlen = (size_t)(he - h);
	return 0;
}

int
kz_url_normalize(
    char *out, size_t outsz, size_t *outlen, const char *url, size_t len)
{
	const char *p = url, *e = url + len, *scheme_end, *a, *ae, *at, *h, *he,
		   *port;
	size_t o = 0, slen;

#define PUT(c)                                                                 \
	do {                                                                   \
		if (o + 1 >= outsz)                                            \
			return -1;                                             \
		out[o++] = (char)(c);                                          \
	} while (0)

	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	for (scheme_end = p; scheme_end < e; scheme_end++) {
		int c = *scheme_end;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			(c >= '0' && c <= '9') || c == '+' || c == '-' ||
			c == '.'))
			break;
	}
	if (scheme_end == p || e - scheme_end < 3 || scheme_end[0] != ':' ||
	    scheme_end[1] != '/' || scheme_end[2] != '/')
		return -1;
	slen = (size_t)(scheme_end - p);
	for (; p < scheme_end; p++)
		PUT(lower(*p));
	PUT(':');
	PUT('/');
	PUT('/');
	a = scheme_end + 3;
	for (ae = a; ae < e && *ae != '/' && *ae != '?' && *ae != '#'; ae++)
		;
	at = NULL;
	for (p = a; p < ae; p++)
		if (*p == '@')
			at = p;
	if (at) {
		for (p = a; p <= at; p++)
			PUT(*p);
	}
	h = at ? at + 1 : a;
	if (h < ae && *h == '[') {
		he = memchr(h, ']', (size_t)(ae - h));
		if (!he)
			return -1;
		he++;
	} else {
		for (he = h; he < ae && *he != ':'; he++)
			;
	}
	if (he == h)
		return -1;
	/* A trailing dot on the host names the same host. */
	if (he - h > 1 && he[-1] == '.' && *h != '[')
		he--;
	for (p = h; p < he; p++)
		PUT(lower(*p));
	if (he < ae && *he == '.')
		he++;
	port = NULL;
	if (he < ae && *he == ':')
		port = he + 1;
	if (port && port < ae) {
		size_t plen = (size_t)(ae - port);
		int dflt = 0;

		while (plen > 1 && *port == '0') {
			port++;
			plen--;
		}
		/* out starts with the lower-cased scheme. */
		if (slen == 4 && !memcmp(out, "http", 4))
			dflt = plen == 2 && !memcmp(port, "80", 2);
		else if (slen == 5 && !memcmp(out, "https", 5))
			dflt = plen == 3 && !memcmp(port, "443", 3);
		else if (slen == 3 && !memcmp(out, "ftp", 3))
			dflt = plen == 2 && !memcmp(port, "21", 2);
		if (!dflt) {
			PUT(':');
			for (p = port; p < ae; p++)
				PUT(*p);
		}
	}
	if (ae == e || *ae != '/')
		PUT('/');
	for (p = ae; p < e && *p != '#'; p++) {
		int c = (unsigned char)*p, hi, lo;

		if (c == '%' && e - p >= 3 && (hi = hexval(p[1])) >= 0 &&
		    (lo = hexval(p[2])) >= 0) {
			int v = hi * 16 + lo;

			if (unreserved(v)) {
				PUT(v);
			} else {
				PUT('%');
				PUT("0123456789ABCDEF"[hi]);
				PUT("0123456789ABCDEF"[lo]);
			}
			p += 2;
			continue;
		}
		PUT(c);
	}
#undef PUT
	out[o] = '\0';
	*outlen = o;
	return 0;
}

int
kz_urlset_add(struct kz_urlset *s, const char *url, size_t len, uint32_t id,
    uint32_t *existing)
{
	char norm[KZ_URL_MAX];
	size_t n;

	if (existing)
		*existing = KZ_URLSET_NONE;
	if (kz_url_normalize(norm, sizeof(norm), &n, url, len) < 0) {
		char tmp[128];

		snprintf(tmp, sizeof(tmp), "%.*s", (int)(len > 100 ? 100 : len),
		    url);
		return kz_error_set(KZ_EINVAL,
		    "'%s' is not an absolute URL (scheme://host/...)", tmp);
	}
	return kz_strset_add(s->urls, norm, n, id, existing);
}

uint32_t
kz_urlset_lookup(const struct kz_urlset *s, const char *url, size_t len)
{
	char norm[KZ_URL_MAX];
	size_t n;

	if (!kz_strset_count(s->urls))
		return KZ_URLSET_NONE;
	if (kz_url_normalize(norm, sizeof(norm), &n, url, len) < 0)
		return KZ_URLSET_NONE;
	return kz_strset_get(s->urls, norm, n);
}

size_t
kz_urlset_count(const struct kz_urlset *s)
{
	return kz_strset_count(s->urls);
}

size_t
kz_urlset_memory(const struct kz_urlset *s)
{
	return sizeof(*s) + kz_strset_memory(s->urls);
}
