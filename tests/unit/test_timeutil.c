/* SPDX-License-Identifier: MIT */
/* Tests for time parsing, formatting and statistics periods. */
#include "testutil.h"

#include <string.h>

#include "core/error.h"
#include "core/timeutil.h"

static void
test_parse(void **state)
{
	int64_t t;
	char buf[KZ_TIME_STRLEN];

	(void)state;
	assert_int_equal(kz_time_parse(&t, "2026-07-01"), 0);
	assert_string_equal(kz_time_format(buf, t), "2026-07-01T00:00:00Z");
	assert_int_equal(kz_time_parse(&t, "2026-07-01T09:00:00+09:00"), 0);
	assert_string_equal(kz_time_format(buf, t), "2026-07-01T00:00:00Z");
	assert_string_equal(kz_time_format_jst(buf, t), "2026-07-01 09:00 JST");
	assert_int_equal(kz_time_parse(&t, "2026-07-01 12:34"), 0);
	assert_string_equal(kz_time_format(buf, t), "2026-07-01T12:34:00Z");
	assert_int_equal(kz_time_parse(&t, "2026-07-01T12:34:56.789Z"), 0);
	assert_int_equal(kz_time_parse(&t, "2024-02-29"), 0);
	assert_int_equal(kz_time_parse(&t, "2026-02-29"), KZ_EINVAL);
	assert_non_null(strstr(kz_error_message(), "'2026-02-29'"));
	assert_int_equal(kz_time_parse(&t, "2026-13-01"), KZ_EINVAL);
	assert_int_equal(kz_time_parse(&t, "yesterday"), KZ_EINVAL);
	assert_int_equal(kz_time_parse(&t, "2026-07-01T25:00"), KZ_EINVAL);
	assert_int_equal(kz_time_parse(&t, "2026-07-01x"), KZ_EINVAL);
	assert_int_equal(kz_time_year(t ? 1782864000 : 0), 2026);
}

static void
test_period(void **state)
{
	int64_t a, b;
	char x[KZ_TIME_STRLEN], y[KZ_TIME_STRLEN];

	(void)state;
	assert_int_equal(kz_period_parse(&a, &b, "2026Q3"), 0);
	assert_string_equal(kz_time_format(x, a), "2026-07-01T00:00:00Z");
	assert_string_equal(kz_time_format(y, b), "2026-10-01T00:00:00Z");
	assert_int_equal(kz_period_parse(&a, &b, "2026Q4"), 0);
	assert_string_equal(kz_time_format(y, b), "2027-01-01T00:00:00Z");
	assert_int_equal(kz_period_parse(&a, &b, "2026-12"), 0);
	assert_string_equal(kz_time_format(x, a), "2026-12-01T00:00:00Z");
	assert_string_equal(kz_time_format(y, b), "2027-01-01T00:00:00Z");
	assert_int_equal(kz_period_parse(&a, &b, "2026"), 0);
	assert_int_equal(b - a, 365 * 86400);
	assert_int_equal(kz_period_parse(&a, &b, "2026-07-15"), 0);
	assert_int_equal(b - a, 86400);
	assert_int_equal(kz_period_parse(&a, &b, "2026Q5"), KZ_EINVAL);
	assert_int_equal(kz_period_parse(&a, &b, "2026-00"), KZ_EINVAL);
	assert_int_equal(kz_period_parse(&a, &b, "soon"), KZ_EINVAL);
}

static void
test_fixed_now(void **state)
{
	(void)state;
	kz_time_set_fixed(1000);
	assert_int_equal(kz_time_now(), 1000);
	kz_time_set_fixed(0);
	assert_true(kz_time_now() > 1700000000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_period),
		cmocka_unit_test(test_fixed_now),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
