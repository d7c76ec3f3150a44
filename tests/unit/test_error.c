/* SPDX-License-Identifier: MIT */
/* Tests for the error state and its re-rendering in another language. */
#include "testutil.h"

#include <string.h>

#include "core/error.h"

static void
test_set_and_render(void **state)
{
	(void)state;
	int rc = kz_error_set(KZ_EINVAL, "unknown category '%s' (one of: %s)",
	    "nosuch", "scan, other");
	assert_int_equal(rc, KZ_EINVAL);
	assert_int_equal(kz_error_code(), KZ_EINVAL);
	assert_string_equal(kz_error_message(),
	    "unknown category 'nosuch' (one of: scan, other)");
	assert_string_equal(
	    kz_error_render("X %2$s Y %1$s"), "X scan, other Y nosuch");
	assert_string_equal(kz_error_render(NULL), kz_error_message());
	kz_error_set(KZ_EIO, "%d of %zu, %ld %lld %u %c %%", -3, (size_t)7, 8L,
	    9LL, 10u, 'z');
	assert_string_equal(kz_error_message(), "-3 of 7, 8 9 10 z %");
	assert_string_equal(kz_error_name(KZ_ENOTFOUND), "not_found");
	kz_error_clear();
	assert_string_equal(kz_error_message(), "");
}

static void
test_wrap(void **state)
{
	(void)state;
	kz_error_set(KZ_EIO, "disk full");
	kz_error_wrap(KZ_EIO, "saving report");
	assert_string_equal(kz_error_message(), "saving report: disk full");
	assert_null(kz_error_format());
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_and_render),
		cmocka_unit_test(test_wrap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
