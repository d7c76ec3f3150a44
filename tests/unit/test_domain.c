/* SPDX-License-Identifier: MIT */
/* Tests for registrable domains through libpsl, system and built-in lists. */
#include "testutil.h"

#include <string.h>

#include "core/error.h"
#include "enrich/domain.h"

static void
check(const struct kz_psl *p)
{
	char out[256];

	assert_int_equal(kz_domain_registrable(
			     out, sizeof(out), p, "www.shop.example.co.jp"),
	    0);
	assert_string_equal(out, "example.co.jp");
	assert_int_equal(
	    kz_domain_registrable(out, sizeof(out), p, "example.com."), 0);
	assert_string_equal(out, "example.com");
	assert_int_equal(kz_domain_registrable(
			     out, sizeof(out), p, "a.b.xn--r8jz45g.xn--zckzah"),
	    0);
	assert_int_equal(
	    kz_domain_registrable(out, sizeof(out), p, "co.jp"), KZ_ENOTFOUND);
	assert_int_equal(
	    kz_domain_registrable(out, sizeof(out), p, "jp"), KZ_ENOTFOUND);
	assert_int_equal(
	    kz_domain_registrable(out, sizeof(out), p, ""), KZ_EINVAL);
	assert_int_equal(
	    kz_domain_registrable(out, 4, p, "example.com"), KZ_EINVAL);
	assert_true(kz_domain_is_public_suffix(p, "co.jp"));
	assert_false(kz_domain_is_public_suffix(p, "example.co.jp"));
	assert_string_equal(kz_domain_suffix(p, "www.example.co.jp"), "co.jp");
}

static void
test_latest(void **state)
{
	struct kz_psl *p;

	assert_int_equal(kz_psl_new(&p, NULL), 0);
	assert_non_null(kz_psl_source(p));
	check(p);
	kz_psl_free(p);
}

static void
test_missing_file(void **state)
{
	struct kz_psl *p;

	assert_int_equal(kz_psl_new(&p, "/nonexistent/psl.dat"), KZ_EIO);
	assert_null(p);
	assert_non_null(strstr(kz_error_message(), "/nonexistent/psl.dat"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_latest),
		cmocka_unit_test(test_missing_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
