/* SPDX-License-Identifier: MIT */
/* Tests for language selection and the compiled-in catalogue. */
#include "testutil.h"

#include <string.h>

#include "core/error.h"
#include "core/i18n.h"

static void
test_parse(void **state)
{
	enum kz_lang l;

	(void)state;
	assert_int_equal(kz_lang_parse(&l, "ja_JP.UTF-8"), 0);
	assert_int_equal(l, KZ_LANG_JA);
	assert_int_equal(kz_lang_parse(&l, "en-US"), 0);
	assert_int_equal(l, KZ_LANG_EN);
	assert_int_equal(kz_lang_parse(&l, "C.UTF-8"), 0);
	assert_int_equal(l, KZ_LANG_EN);
	assert_int_equal(kz_lang_parse(&l, "fr"), KZ_EINVAL);
	assert_int_equal(kz_lang_parse(&l, "jav"), KZ_EINVAL);
	assert_string_equal(kz_lang_code(KZ_LANG_JA), "ja");
}

static void
test_accept(void **state)
{
	(void)state;
	assert_int_equal(
	    kz_lang_from_accept("fr, ja;q=0.8, en;q=0.5", KZ_LANG_EN),
	    KZ_LANG_JA);
	assert_int_equal(
	    kz_lang_from_accept("en-GB,ja;q=0.9", KZ_LANG_JA), KZ_LANG_EN);
	assert_int_equal(kz_lang_from_accept("de", KZ_LANG_JA), KZ_LANG_JA);
	assert_int_equal(kz_lang_from_accept(NULL, KZ_LANG_EN), KZ_LANG_EN);
}

static void
test_lookup(void **state)
{
	(void)state;
	assert_string_equal(kz_tr(KZ_LANG_EN, "incident"), "incident");
	assert_string_equal(kz_tr(KZ_LANG_JA, "no such message, surely"),
	    "no such message, surely");
	/* A message every build carries. */
	assert_true(
	    kz_tr_has(KZ_LANG_JA, "unknown category '%s' (one of: %s)"));
	assert_string_not_equal(
	    kz_tr(KZ_LANG_JA, "unknown category '%s' (one of: %s)"),
	    "unknown category '%s' (one of: %s)");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_accept),
		cmocka_unit_test(test_lookup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
