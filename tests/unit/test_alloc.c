/* SPDX-License-Identifier: MIT */
/* Tests for the allocation wrappers and their fault injection. */
#include "testutil.h"

#include <string.h>

#include "core/alloc.h"

static void
test_fail_at(void **state)
{
	(void)state;
	kz_alloc_fail_at(0);
	void *a = kz_malloc(10);
	assert_non_null(a);
	kz_free(a);
	kz_alloc_fail_at(2);
	a = kz_malloc(10);
	assert_non_null(a);
	assert_null(kz_malloc(10));
	assert_null(kz_strdup("x"));
	kz_free(a);
	kz_alloc_fail_at(0);
	char *s = kz_strndup("hello", 3);
	assert_string_equal(s, "hel");
	kz_free(s);
	assert_null(kz_strdup(NULL));
}

static void
test_count(void **state)
{
	(void)state;
	kz_alloc_fail_at(0);
	void *a = kz_calloc(2, 3), *b = kz_realloc(NULL, 5);
	assert_int_equal(kz_alloc_fail_at(0), 2);
	kz_free(a);
	kz_free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fail_at),
		cmocka_unit_test(test_count),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
