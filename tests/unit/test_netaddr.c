/* SPDX-License-Identifier: MIT */
/* Tests for IP address and prefix parsing, canonical text and hex ranges. */
#include "testutil.h"

#include <string.h>

#include "core/error.h"
#include "core/netaddr.h"

/* Parses s and checks its canonical text and length in the IPv6 space. */
static void
check_prefix(const char *s, const char *canon, int len, int v4)
{
	struct kz_prefix p;
	char out[64];

	if (kz_prefix_parse(&p, s) != 0)
		fail_msg("'%s' refused: %s", s, kz_error_message());
	assert_string_equal(kz_prefix_format(out, &p), canon);
	assert_int_equal(p.len, len);
	assert_int_equal(p.v4, v4);
}

static void
check_bad(const char *s)
{
	struct kz_prefix p;

	kz_error_clear();
	if (kz_prefix_parse(&p, s) != KZ_EINVAL)
		fail_msg("'%s' was accepted", s ? s : "(null)");
	assert_int_equal(kz_error_code(), KZ_EINVAL);
	assert_non_null(strstr(kz_error_message(), "is not an IP address"));
}

static void
check_range(const char *s, const char *lo, const char *hi)
{
	struct kz_prefix p;
	char l[33], h[33];

	assert_int_equal(kz_prefix_parse(&p, s), 0);
	kz_prefix_range_hex(&p, l, h);
	assert_string_equal(l, lo);
	assert_string_equal(h, hi);
}

static void
test_parse_v4(void **state)
{
	(void)state;
	check_prefix("192.0.2.1", "192.0.2.1/32", 128, 1);
	check_prefix("192.0.2.1/32", "192.0.2.1/32", 128, 1);
	check_prefix("198.51.100.0/24", "198.51.100.0/24", 120, 1);
	check_prefix("10.0.0.0/8", "10.0.0.0/8", 104, 1);
	check_prefix("10.128.0.0/9", "10.128.0.0/9", 105, 1);
	check_prefix("0.0.0.0/0", "0.0.0.0/0", 96, 1);
	check_prefix("255.255.255.255", "255.255.255.255/32", 128, 1);
	check_prefix("203.0.113.128/25", "203.0.113.128/25", 121, 1);
}

static void
test_parse_v6(void **state)
{
	(void)state;
	check_prefix("2001:db8::1", "2001:db8::1/128", 128, 0);
	check_prefix("2001:db8::/32", "2001:db8::/32", 32, 0);
	check_prefix("2001:DB8::/32", "2001:db8::/32", 32, 0);
	check_prefix("2001:0db8:0000:0000::/64", "2001:db8::/64", 64, 0);
	check_prefix("::/0", "::/0", 0, 0);
	check_prefix("::1", "::1/128", 128, 0);
	check_prefix("fe80::/10", "fe80::/10", 10, 0);
	/* An IPv4-mapped address written as IPv6 stays IPv6 text. */
	check_prefix("::ffff:192.0.2.1", "::ffff:192.0.2.1/128", 128, 0);
}

static void
test_host_bits(void **state)
{
	struct kz_prefix p;

	(void)state;
	assert_int_equal(kz_prefix_parse(&p, "198.51.100.1/24"), KZ_EINVAL);
	assert_string_equal(kz_error_message(),
	    "'198.51.100.1/24' has host bits set (did you mean "
	    "'198.51.100.0/24'?)");
	assert_int_equal(kz_prefix_parse(&p, "10.192.0.0/9"), KZ_EINVAL);
	assert_non_null(strstr(kz_error_message(), "'10.128.0.0/9'"));
	assert_int_equal(kz_prefix_parse(&p, "2001:db8::1/32"), KZ_EINVAL);
	assert_non_null(strstr(kz_error_message(), "'2001:db8::/32'"));
	assert_int_equal(kz_prefix_parse(&p, "fec0::/9"), KZ_EINVAL);
	assert_non_null(strstr(kz_error_message(), "'fe80::/9'"));
	assert_int_equal(kz_prefix_parse(&p, "1.2.3.4/0"), KZ_EINVAL);
	assert_non_null(strstr(kz_error_message(), "'0.0.0.0/0'"));
}

static void
test_bad(void **state)
{
	char longtext[200];

	(void)state;
	check_bad(NULL);
	check_bad("");
	check_bad("/24");
	check_bad("example.com");
	check_bad("192.0.2");
	check_bad("300.1.1.1");
	check_bad("192.0.2.1 ");
	check_bad(" 192.0.2.1");
	check_bad("192.0.2.0/33");
	check_bad("192.0.2.0/");
	check_bad("192.0.2.0/-1");
	check_bad("192.0.2.0/24x");
	check_bad("192.0.2.0/24/24");
	check_bad("192.0.2.0/ 24");
	check_bad("192.0.2.0/+24");
	check_bad("2001:db8::/129");
	check_bad("2001:db8:::1");
	check_bad("2001:db8::g");
	memset(longtext, '1', sizeof(longtext) - 1);
	longtext[sizeof(longtext) - 1] = '\0';
	check_bad(longtext);
	assert_int_equal(
	    kz_prefix_parse(&(struct kz_prefix){ 0 }, "nope/8"), KZ_EINVAL);
	assert_string_equal(kz_error_message(),
	    "'nope/8' is not an IP address or prefix (like 198.51.100.0/24 "
	    "or 2001:db8::/32)");
}

static void
test_range_hex(void **state)
{
	(void)state;
	check_range("198.51.100.0/24", "00000000000000000000ffffc6336400",
	    "00000000000000000000ffffc63364ff");
	check_range("192.0.2.1", "00000000000000000000ffffc0000201",
	    "00000000000000000000ffffc0000201");
	check_range("10.0.0.0/9", "00000000000000000000ffff0a000000",
	    "00000000000000000000ffff0a7fffff");
	check_range("0.0.0.0/0", "00000000000000000000ffff00000000",
	    "00000000000000000000ffffffffffff");
	check_range("2001:db8::/32", "20010db8000000000000000000000000",
	    "20010db8ffffffffffffffffffffffff");
	check_range("::/0", "00000000000000000000000000000000",
	    "ffffffffffffffffffffffffffffffff");
	check_range("fe80::/10", "fe800000000000000000000000000000",
	    "febfffffffffffffffffffffffffffff");
}

static void
test_addr_hex(void **state)
{
	char a[33], b[33], lo[33], hi[33];
	struct kz_prefix p;

	(void)state;
	assert_int_equal(kz_addr_hex(a, "192.0.2.1"), 0);
	assert_string_equal(a, "00000000000000000000ffffc0000201");
	/* The mapped IPv6 form of the same address has the same hex. */
	assert_int_equal(kz_addr_hex(b, "::ffff:192.0.2.1"), 0);
	assert_string_equal(a, b);
	assert_int_equal(kz_addr_hex(a, "2001:db8::1"), 0);
	assert_string_equal(a, "20010db8000000000000000000000001");
	assert_int_equal(kz_addr_hex(a, "192.0.2.0/24"), KZ_EINVAL);
	assert_string_equal(
	    kz_error_message(), "'192.0.2.0/24' is not an IP address");
	assert_int_equal(kz_addr_hex(a, "host"), KZ_EINVAL);

	/* The hex of an address sorts inside the range of a covering block,
	 * and outside the range of one that does not cover it. */
	assert_int_equal(kz_prefix_parse(&p, "198.51.100.0/24"), 0);
	kz_prefix_range_hex(&p, lo, hi);
	assert_int_equal(kz_addr_hex(a, "198.51.100.77"), 0);
	assert_true(strcmp(lo, a) <= 0 && strcmp(a, hi) <= 0);
	assert_int_equal(kz_addr_hex(a, "198.51.101.0"), 0);
	assert_true(strcmp(a, hi) > 0);
	assert_int_equal(kz_addr_hex(a, "198.51.99.255"), 0);
	assert_true(strcmp(a, lo) < 0);
	/* Every IPv4 address sorts before 2001:db8::. */
	assert_int_equal(kz_addr_hex(a, "255.255.255.255"), 0);
	assert_int_equal(kz_addr_hex(b, "2001:db8::"), 0);
	assert_true(strcmp(a, b) < 0);
}

static void
test_format_roundtrip(void **state)
{
	static const char *const in[] = { "192.0.2.0/24", "2001:db8:1::/48",
		"::/0", "0.0.0.0/0", "203.0.113.7/32",
		"2001:db8::8:800:200c:417a/128", NULL };
	struct kz_prefix p, q;
	char a[64], b[64];

	(void)state;
	for (int i = 0; in[i]; i++) {
		assert_int_equal(kz_prefix_parse(&p, in[i]), 0);
		kz_prefix_format(a, &p);
		assert_string_equal(a, in[i]);
		assert_int_equal(kz_prefix_parse(&q, a), 0);
		assert_memory_equal(p.addr, q.addr, 16);
		assert_int_equal(p.len, q.len);
		assert_string_equal(kz_prefix_format(b, &q), a);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_v4),
		cmocka_unit_test(test_parse_v6),
		cmocka_unit_test(test_host_bits),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_range_hex),
		cmocka_unit_test(test_addr_hex),
		cmocka_unit_test(test_format_roundtrip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
