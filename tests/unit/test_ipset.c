/* SPDX-License-Identifier: MIT */
/* Tests for the IP set: parsing, longest-prefix match, edges, duplicates. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/error.h"
#include "match/ipset.h"
#include "match/match_int.h"

static uint32_t
ip4(const char *s)
{
	uint32_t a = 0;

	assert_int_equal(kz_ip_parse4(&a, s, strlen(s)), 0);
	return a;
}

static void
test_parse(void **state)
{
	uint32_t a;
	uint8_t a6[16], pfx[16];
	unsigned plen;
	int fam, hb;

	assert_int_equal(kz_ip_parse4(&a, "28.142.180.132", 14), 0);
	assert_int_equal(a, 0x1c8eb484u);
	assert_int_equal(kz_ip_parse4(&a, "256.1.1.1", 9), -1);
	assert_int_equal(kz_ip_parse4(&a, "01.1.1.1", 8), -1);
	assert_int_equal(kz_ip_parse4(&a, "1.1.1", 5), -1);
	assert_int_equal(kz_ip_parse4(&a, "1.1.1.1.", 8), -1);
	assert_int_equal(kz_ip_parse4(&a, "1..1.1", 6), -1);
	assert_int_equal(kz_ip_parse6(a6, "2001:db8::1", 11), 0);
	assert_int_equal(kz_ip_parse6(a6, "::ffff:1.2.3.4", 14), 0);
	assert_int_equal(kz_ip_parse6(a6, "2001:db8::g", 11), -1);
	assert_int_equal(kz_ip_parse6(a6, "1.2.3.4", 7), -1);
	assert_int_equal(
	    kz_ip_parse_prefix(&fam, pfx, &plen, &hb, "10.1.2.0/24", 11), 0);
	assert_int_equal(fam, 4);
	assert_int_equal(plen, 24);
	assert_int_equal(hb, 0);
	assert_int_equal(
	    kz_ip_parse_prefix(&fam, pfx, &plen, &hb, "10.1.2.3/24", 11), 0);
	assert_int_equal(hb, 1);
	assert_int_equal(
	    kz_ip_parse_prefix(&fam, pfx, &plen, &hb, "10.1.2.3/33", 11), -1);
	assert_int_equal(
	    kz_ip_parse_prefix(&fam, pfx, &plen, &hb, "2001:db8::/32", 13), 0);
	assert_int_equal(fam, 6);
	assert_int_equal(plen, 32);
}

/* The dotted quad rules, one byte at a time, to check the fast parser. */
static int
ref_parse4(uint32_t *out, const char *s, size_t len)
{
	uint32_t v = 0;
	unsigned part = 0, digits = 0, dots = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] >= '0' && s[i] <= '9') {
			if (digits == 1 && part == 0)
				return -1;
			part = part * 10 + (unsigned)(s[i] - '0');
			if (part > 255 || ++digits > 3)
				return -1;
		} else if (s[i] == '.' && digits && dots < 3) {
			v = v << 8 | part;
			part = digits = 0;
			dots++;
		} else {
			return -1;
		}
	}
	if (dots != 3 || !digits)
		return -1;
	*out = v << 8 | part;
	return 0;
}

static void
test_parse4_random(void **state)
{
	static const char *const cases[] = { "0.0.0.0", "255.255.255.255",
		"1.2.3.4", "10.0.0.1", "0.1.2.3", "100.200.250.255",
		"255.255.255.256", "1.2.3.04", "00.1.2.3", "1.2.3.4.5",
		"1234.1.1.1", "1.2.3.", ".1.2.3", "1.2..3", "1.2.3.4 ",
		" 1.2.3.4", "1.2.3.a", "1.2.3.-1", "999.1.1.1", "1.2.3.4/24",
		"1.1.1.1\n" };
	static const char chars[] = "0123456789.....12a/ ";
	uint64_t r = 0x243f6a8885a308d3ULL;
	char buf[32];
	size_t i, k;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t a = 1, b = 2;
		int x = kz_ip_parse4(&a, cases[i], strlen(cases[i]));
		int y = ref_parse4(&b, cases[i], strlen(cases[i]));

		assert_int_equal(x, y);
		if (!x)
			assert_int_equal(a, b);
	}
	for (i = 0; i < 200000; i++) {
		size_t len;
		uint32_t a = 1, b = 2;
		int x, y;

		tu_next(&r);
		len = 5 + r % 13;
		for (k = 0; k < len; k++) {
			tu_next(&r);
			/* mostly digits and dots, so that many parse */
			buf[k] = chars[(r >> 20) % (k % 4 == 3 ? 20 : 12)];
		}
		/* the parser must not read beyond len: put a digit there */
		buf[len] = '7';
		x = kz_ip_parse4(&a, buf, len);
		y = ref_parse4(&b, buf, len);
		assert_int_equal(x, y);
		if (!x)
			assert_int_equal(a, b);
#if defined(__SSE2__)
		/* the way without SSSE3 says the same */
		b = 3;
		assert_int_equal(match_ip_parse4_sse2(&b, buf, len), x);
		if (!x)
			assert_int_equal(a, b);
#endif
	}
}

/*
 * Text that ends where the readable memory ends: the parser may look at
 * bytes past the text only inside the same page.
 */
static void
test_parse4_page_end(void **state)
{
	static const char *const cases[] = { "1.2.3.4", "10.20.30.40",
		"255.255.255.255", "1.2.3.04", "192.168.1.1" };
	long page = sysconf(_SC_PAGESIZE);
	char *m = mmap(NULL, (size_t)page * 2, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	size_t i;

	assert_true(m != MAP_FAILED);
	assert_int_equal(mprotect(m + page, (size_t)page, PROT_NONE), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = strlen(cases[i]);
		char *at = m + page - len;
		uint32_t a = 1, b = 2;

		memcpy(at, cases[i], len);
		assert_int_equal(
		    kz_ip_parse4(&a, at, len), ref_parse4(&b, at, len));
		if (i != 3)
			assert_int_equal(a, b);
	}
	munmap(m, (size_t)page * 2);
}

static void
test_longest_prefix(void **state)
{
	struct kz_ipset *s;
	uint8_t a6[16];

	assert_int_equal(kz_ipset_new(&s), 0);
	assert_int_equal(kz_ipset_lookup4(s, ip4("1.2.3.4")), KZ_IPSET_NONE);
	assert_int_equal(kz_ipset_add_str(s, "28.142.180.1", 12, 1), 0);
	assert_int_equal(kz_ipset_add_str(s, "10.0.0.0/8", 10, 2), 0);
	assert_int_equal(kz_ipset_add_str(s, "10.1.0.0/16", 11, 3), 0);
	assert_int_equal(kz_ipset_add_str(s, "10.1.2.0/24", 11, 4), 0);
	assert_int_equal(kz_ipset_add_str(s, "10.1.2.3", 8, 5), 0);
	assert_int_equal(kz_ipset_add_str(s, "255.255.255.255", 15, 6), 0);
	assert_int_equal(kz_ipset_add_str(s, "2001:db8::/32", 13, 7), 0);
	assert_int_equal(kz_ipset_add_str(s, "2001:db8:1::/48", 15, 8), 0);
	assert_int_equal(kz_ipset_add_str(s, "nope", 4, 9), KZ_EINVAL);
	assert_non_null(strstr(kz_error_message(), "'nope'"));
	assert_int_equal(kz_ipset_build(s, NULL, NULL), 0);
	assert_int_equal(kz_ipset_lookup4(s, ip4("28.142.180.1")), 1);
	assert_int_equal(
	    kz_ipset_lookup4(s, ip4("28.142.180.132")), KZ_IPSET_NONE);
	assert_int_equal(
	    kz_ipset_lookup4(s, ip4("28.142.180.0")), KZ_IPSET_NONE);
	assert_int_equal(kz_ipset_lookup4(s, ip4("10.1.2.3")), 5);
	assert_int_equal(kz_ipset_lookup4(s, ip4("10.1.2.4")), 4);
	assert_int_equal(kz_ipset_lookup4(s, ip4("10.1.2.255")), 4);
	assert_int_equal(kz_ipset_lookup4(s, ip4("10.1.3.0")), 3);
	assert_int_equal(kz_ipset_lookup4(s, ip4("10.1.255.255")), 3);
	assert_int_equal(kz_ipset_lookup4(s, ip4("10.2.0.0")), 2);
	assert_int_equal(kz_ipset_lookup4(s, ip4("10.255.255.255")), 2);
	assert_int_equal(kz_ipset_lookup4(s, ip4("11.0.0.0")), KZ_IPSET_NONE);
	assert_int_equal(
	    kz_ipset_lookup4(s, ip4("9.255.255.255")), KZ_IPSET_NONE);
	assert_int_equal(kz_ipset_lookup4(s, ip4("255.255.255.255")), 6);
	assert_int_equal(
	    kz_ipset_lookup4(s, ip4("255.255.255.254")), KZ_IPSET_NONE);
	assert_int_equal(kz_ip_parse6(a6, "2001:db8:1::5", 13), 0);
	assert_int_equal(kz_ipset_lookup6(s, a6), 8);
	assert_int_equal(kz_ip_parse6(a6, "2001:db8:2::5", 13), 0);
	assert_int_equal(kz_ipset_lookup6(s, a6), 7);
	assert_int_equal(kz_ip_parse6(a6, "2001:db9::", 10), 0);
	assert_int_equal(kz_ipset_lookup6(s, a6), KZ_IPSET_NONE);
	kz_ipset_free(s);
}

static void
test_whole_space(void **state)
{
	struct kz_ipset *s;
	uint8_t a6[16];

	assert_int_equal(kz_ipset_new(&s), 0);
	assert_int_equal(kz_ipset_add_str(s, "0.0.0.0/0", 9, 1), 0);
	assert_int_equal(kz_ipset_add_str(s, "::/0", 4, 2), 0);
	assert_int_equal(kz_ipset_add_str(s, "ffff::/16", 9, 3), 0);
	assert_int_equal(kz_ipset_build(s, NULL, NULL), 0);
	assert_int_equal(kz_ipset_lookup4(s, 0), 1);
	assert_int_equal(kz_ipset_lookup4(s, 0xffffffffu), 1);
	memset(a6, 0xff, 16);
	assert_int_equal(kz_ipset_lookup6(s, a6), 3);
	memset(a6, 0, 16);
	assert_int_equal(kz_ipset_lookup6(s, a6), 2);
	kz_ipset_free(s);
}

static uint32_t dup_kept, dup_other;
static int ndups;

static void
on_dup(void *ctx, uint32_t kept, uint32_t other)
{
	dup_kept = kept;
	dup_other = other;
	ndups++;
}

static void
test_duplicates(void **state)
{
	struct kz_ipset *s;

	assert_int_equal(kz_ipset_new(&s), 0);
	assert_int_equal(kz_ipset_add_str(s, "192.0.2.0/24", 12, 10), 0);
	assert_int_equal(kz_ipset_add_str(s, "192.0.2.7/24", 12, 11), 0);
	assert_int_equal(kz_ipset_build(s, on_dup, NULL), 0);
	assert_int_equal(ndups, 1);
	assert_int_equal(dup_kept, 10);
	assert_int_equal(dup_other, 11);
	assert_int_equal(kz_ipset_lookup4(s, ip4("192.0.2.99")), 10);
	/* adding after a build, then building again */
	assert_int_equal(kz_ipset_add_str(s, "192.0.2.99", 10, 12), 0);
	assert_int_equal(kz_ipset_build(s, NULL, NULL), 0);
	assert_int_equal(kz_ipset_lookup4(s, ip4("192.0.2.99")), 12);
	assert_int_equal(kz_ipset_lookup4(s, ip4("192.0.2.98")), 10);
	kz_ipset_free(s);
}

/* Random nested prefixes against a linear scan. */
static void
test_random(void **state)
{
	int round;

	srand(7);
	for (round = 0; round < 50; round++) {
		struct kz_ipset *s;
		uint32_t addr[200], k;
		unsigned plen[200];
		int n = 1 + rand() % 200, i;

		assert_int_equal(kz_ipset_new(&s), 0);
		for (i = 0; i < n; i++) {
			plen[i] = (unsigned)(rand() % 33);
			addr[i] = (0xc0a80000u | (uint32_t)(rand() & 0xffff)) &
			    (plen[i] ? ~0u << (32 - plen[i]) : 0);
			assert_int_equal(
			    kz_ipset_add4(s, addr[i], plen[i], (uint32_t)i), 0);
		}
		assert_int_equal(kz_ipset_build(s, NULL, NULL), 0);
		for (k = 0; k < 3000; k++) {
			uint32_t a = 0xc0a80000u | (uint32_t)(rand() & 0xffff);
			uint32_t want = KZ_IPSET_NONE;
			int best = -1;

			if (k % 7 == 0)
				a = (uint32_t)rand();
			for (i = 0; i < n; i++) {
				uint32_t m =
				    plen[i] ? ~0u << (32 - plen[i]) : 0;

				if ((a & m) == addr[i] && (int)plen[i] > best) {
					best = (int)plen[i];
					want = (uint32_t)i;
				}
			}
			assert_int_equal(kz_ipset_lookup4(s, a), want);
		}
		kz_ipset_free(s);
	}
}

/*
 * Enough prefixes for the radix sort: nested blocks, repeats (the first
 * added wins) and a second build after more adds, against a linear scan.
 */
static void
test_many(void **state)
{
	enum { N = 6000 };
	static uint32_t addr[N + 100];
	static unsigned plen[N + 100];
	struct kz_ipset *s;
	uint32_t k;
	int n = 0, i, round;

	srand(11);
	assert_int_equal(kz_ipset_new(&s), 0);
	for (round = 0; round < 2; round++) {
		int upto = round ? N + 100 : N;

		for (; n < upto; n++) {
			if (n > 10 && rand() % 8 == 0) {
				i = rand() % n; /* a repeat */
				addr[n] = addr[i];
				plen[n] = plen[i];
			} else {
				plen[n] = 8 + (unsigned)(rand() % 25);
				addr[n] = (0x0a000000u |
					      ((uint32_t)rand() & 0xfffff)) &
				    (~0u << (32 - plen[n]));
			}
			assert_int_equal(
			    kz_ipset_add4(s, addr[n], plen[n], (uint32_t)n), 0);
		}
		assert_int_equal(kz_ipset_build(s, NULL, NULL), 0);
		for (k = 0; k < 4000; k++) {
			uint32_t a = 0x0a000000u | ((uint32_t)rand() & 0xfffff);
			uint32_t want = KZ_IPSET_NONE;
			int best = -1;

			if (k % 2)
				a = addr[rand() % n] |
				    ((uint32_t)rand() & 0xff);
			for (i = 0; i < n; i++) {
				uint32_t m = ~0u << (32 - plen[i]);

				if ((a & m) == addr[i] && (int)plen[i] > best) {
					best = (int)plen[i];
					want = (uint32_t)i;
				}
			}
			assert_int_equal(kz_ipset_lookup4(s, a), want);
		}
	}
	kz_ipset_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse4_random),
		cmocka_unit_test(test_parse4_page_end),
		cmocka_unit_test(test_longest_prefix),
		cmocka_unit_test(test_whole_space),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
