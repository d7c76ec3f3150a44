/* SPDX-License-Identifier: MIT */
/*
 * Tests for country lookups that need no real database: errors for a
 * missing or non-MaxMind file. Lookups in the real ip-location-db file are
 * exercised by bench/route (which fetches it), not here.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "enrich/geo.h"

static void
test_open_errors(void **state)
{
	struct kz_geo *g;
	char *path = tu_data_path("enrich/ranges.csv");

	assert_int_equal(kz_geo_open(&g, "/nonexistent/c.mmdb"), KZ_EIO);
	assert_null(g);
	assert_non_null(strstr(kz_error_message(), "/nonexistent/c.mmdb"));
	assert_int_equal(kz_geo_open(&g, path), KZ_EIO);
	assert_null(g);
	assert_non_null(strstr(kz_error_message(), "ranges.csv"));
	kz_geo_close(NULL);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
