/* SPDX-License-Identifier: MIT */
/* Tests for URL normalization, the URL set and the string set under it. */
#include "testutil.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "match/strset.h"
#include "match/urlset.h"

static void
norm_is(const char *in, const char *want)
{
	char out[KZ_URL_MAX];
	size_t n;

	if (!want) {
		assert_int_equal(
		    kz_url_normalize(out, sizeof(out), &n, in, strlen(in)), -1);
		return;
	}
	assert_int_equal(
	    kz_url_normalize(out, sizeof(out), &n, in, strlen(in)), 0);
	assert_string_equal(out, want);
	assert_int_equal(n, strlen(want));
}

static void
test_normalize(void **state)
{
	norm_is("HTTP://Example.COM", "http://example.com/");
	norm_is("http://example.com:80/a", "http://example.com/a");
	norm_is("https://example.com:443/a", "https://example.com/a");
	norm_is("https://example.com:8443/a", "https://example.com:8443/a");
	norm_is("http://example.com:443/a", "http://example.com:443/a");
	norm_is("http://example.com/%7Euser/%41%2f%2F?q=%3d#frag",
	    "http://example.com/~user/A%2F%2F?q=%3D");
	norm_is("http://example.com./x", "http://example.com/x");
	norm_is("http://User:Pw@Example.com/x", "http://User:Pw@example.com/x");
	norm_is("http://[2001:DB8::1]:80/", "http://[2001:db8::1]/");
	norm_is("http://example.com/a%zz", "http://example.com/a%zz");
	norm_is("example.com/x", NULL);
	norm_is("http:///x", NULL);
	norm_is("", NULL);
}

static void
test_host(void **state)
{
	const char *h;
	size_t n;

	assert_int_equal(kz_url_host(&h, &n, "http://u@a.b.c:8/x", 18), 0);
	assert_int_equal(n, 5);
	assert_memory_equal(h, "a.b.c", 5);
	assert_int_equal(kz_url_host(&h, &n, "https://[::1]:443/", 18), 0);
	assert_int_equal(n, 3);
	assert_int_equal(kz_url_host(&h, &n, "nourl", 5), -1);
}

/* kz_url_host's rules, one byte at a time. */
static int
ref_host(const char **host, size_t *hostlen, const char *url, size_t len)
{
	const char *p = url, *e = url + len, *a, *ae, *at = NULL, *h, *he;

	while (p < e &&
	    (isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.'))
		p++;
	if (p == url || e - p < 3 || memcmp(p, "://", 3))
		return -1;
	a = p + 3;
	for (ae = a; ae < e && *ae != '/' && *ae != '?' && *ae != '#'; ae++)
		if (*ae == '@')
			at = ae;
	h = at ? at + 1 : a;
	if (h < ae && *h == '[') {
		he = memchr(h, ']', (size_t)(ae - h));
		if (!he)
			return -1;
		h++;
	} else {
		for (he = h; he < ae && *he != ':'; he++)
			;
	}
	if (he == h)
		return -1;
	*host = h;
	*hostlen = (size_t)(he - h);
	return 0;
}

static void
test_host_random(void **state)
{
	static const char chars[] = "abc.19@:/?#[]-";
	uint64_t r = 0x13198a2e03707344ULL;
	char buf[64];
	int i;

	for (i = 0; i < 100000; i++) {
		size_t len, k, start;
		const char *h1 = NULL, *h2 = NULL;
		size_t n1 = 0, n2 = 0;
		int x, y;

		tu_next(&r);
		len = 8 + r % 50; /* across the 16-byte steps */
		start = (r >> 8) % 3 ? 7 : 3;
		memcpy(buf, start == 7 ? "http://" : "a://", start);
		for (k = start; k < len; k++) {
			tu_next(&r);
			buf[k] = chars[(r >> 24) % (k % 5 ? 4 : 14)];
		}
		x = kz_url_host(&h1, &n1, buf, len);
		y = ref_host(&h2, &n2, buf, len);
		assert_int_equal(x, y);
		if (!x) {
			assert_ptr_equal(h1, h2);
			assert_int_equal(n1, n2);
		}
	}
}

static void
test_urlset(void **state)
{
	struct kz_urlset *s;
	const char *u = "bad.example.com/x";
	uint32_t ex;

	assert_int_equal(kz_urlset_new(&s, 4), 0);
	assert_int_equal(
	    kz_urlset_add(s, "http://Bad.Example.com:80/%78", 29, 1, NULL), 0);
	assert_int_equal(
	    kz_urlset_add(s, "http://bad.example.com/x", 24, 2, &ex),
	    KZ_EEXISTS);
	assert_int_equal(ex, 1);
	assert_int_equal(kz_urlset_add(s, u, strlen(u), 3, NULL), KZ_EINVAL);
	assert_non_null(strstr(kz_error_message(), "not an absolute URL"));
	assert_int_equal(
	    kz_urlset_lookup(s, "http://BAD.example.com/x#f", 26), 1);
	assert_int_equal(kz_urlset_lookup(s, "http://bad.example.com/x?", 25),
	    KZ_URLSET_NONE);
	assert_int_equal(kz_urlset_lookup(s, "https://bad.example.com/x", 25),
	    KZ_URLSET_NONE);
	assert_int_equal(kz_urlset_count(s), 1);
	kz_urlset_free(s);
}

static void
test_strset(void **state)
{
	struct kz_strset *s;
	char k[32];
	uint32_t i, ex;

	assert_int_equal(kz_strset_new(&s, 0), 0);
	for (i = 0; i < 50000; i++) {
		snprintf(k, sizeof(k), "key-%u", i);
		assert_int_equal(kz_strset_add(s, k, strlen(k), i, NULL), 0);
	}
	assert_int_equal(kz_strset_add(s, "key-7", 5, 99, &ex), KZ_EEXISTS);
	assert_int_equal(ex, 7);
	assert_int_equal(kz_strset_add(s, "", 0, 50001, NULL), 0);
	assert_int_equal(kz_strset_get(s, "", 0), 50001);
	assert_int_equal(kz_strset_add(s, "a\0b", 3, 50002, NULL), 0);
	assert_int_equal(kz_strset_get(s, "a\0b", 3), 50002);
	assert_int_equal(kz_strset_get(s, "a", 1), KZ_STRSET_NONE);
	for (i = 0; i < 50000; i += 101) {
		snprintf(k, sizeof(k), "key-%u", i);
		assert_int_equal(kz_strset_get(s, k, strlen(k)), i);
	}
	assert_int_equal(kz_strset_count(s), 50002);
	assert_int_equal(kz_strset_reserve(s, 100000, 1000000), 0);
	assert_int_equal(kz_strset_get(s, "key-49999", 9), 49999);
	kz_strset_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_host),
		cmocka_unit_test(test_host_random),
		cmocka_unit_test(test_urlset),
		cmocka_unit_test(test_strset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
