/* SPDX-License-Identifier: MIT */
/* Tests for the small string helpers. */
#include "testutil.h"

#include <string.h>

#include "core/error.h"
#include "core/strutil.h"

static void
test_utf8(void **state)
{
	(void)state;
	assert_true(kz_utf8_valid("abc", 3));
	assert_true(kz_utf8_valid("フィッシング", strlen("フィッシング")));
	assert_true(kz_utf8_valid("\xf0\x9f\x98\x80", 4));
	assert_false(kz_utf8_valid("\xff", 1));
	assert_false(kz_utf8_valid("\xc0\xaf", 2));         /* overlong */
	assert_false(kz_utf8_valid("\xed\xa0\x80", 3));     /* surrogate */
	assert_false(kz_utf8_valid("\xe3\x81", 2));         /* truncated */
	assert_false(kz_utf8_valid("\xf4\x90\x80\x80", 4)); /* > U+10FFFF */
}

static void
test_misc(void **state)
{
	static const char *const names[] = { "a", "bb", "c", NULL };
	char buf[32], low[] = "MiXeD";
	long v;

	(void)state;
	assert_string_equal(kz_ascii_lower(low), "mixed");
	assert_true(kz_str_blank(" \t\n"));
	assert_true(kz_str_blank(NULL));
	assert_false(kz_str_blank(" x "));
	assert_int_equal(kz_parse_long(&v, "42", 1, 100), 0);
	assert_int_equal(v, 42);
	assert_int_equal(kz_parse_long(&v, "4x", 1, 100), KZ_EINVAL);
	assert_int_equal(kz_parse_long(&v, "0", 1, 100), KZ_EINVAL);
	assert_int_equal(kz_parse_long(&v, "", 1, 100), KZ_EINVAL);
	assert_int_equal(kz_name_index(names, "bb"), 1);
	assert_int_equal(kz_name_index(names, "d"), -1);
	assert_string_equal(kz_name_list(buf, sizeof(buf), names), "a, bb, c");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_misc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
