/* SPDX-License-Identifier: MIT */
/* Tests for period statistics: counts, breakdowns, percentages, median. */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/json.h"
#include "core/timeutil.h"
#include "model/incident.h"
#include "model/report.h"
#include "model/stats.h"

#define T0  1782864000 /* 2026-07-01T00:00:00Z, start of 2026Q3 */
#define DAY 86400

static struct kz_store *
fresh(void)
{
	struct kz_store *st;
	char path[512];

	kz_time_set_fixed(T0);
	tu_store_uri(path, sizeof(path), "stats");
	if (kz_store_open(&st, path, 0) != 0)
		fail_msg("open %s: %s", path, kz_error_message());
	return st;
}

/* Creates an incident at t; returns its ticket in inc. */
static void
mk(struct kz_store *st, struct kz_incident *inc, enum kz_category cat,
    int64_t t)
{
	kz_incident_init(inc);
	inc->title = "stats";
	inc->category = cat;
	inc->created_at = t;
	if (kz_incident_create(st, inc, NULL) != 0)
		fail_msg("create: %s", kz_error_message());
}

static void
move(struct kz_store *st, const char *ticket, enum kz_status to, int64_t t)
{
	kz_time_set_fixed(t);
	if (kz_incident_set_status(st, ticket, to, NULL, NULL) != 0)
		fail_msg("%s -> %s: %s", ticket, kz_status_name(to),
		    kz_error_message());
}

static void
report_at(struct kz_store *st, int64_t incident_id, int64_t t)
{
	struct kz_report r;

	memset(&r, 0, sizeof(r));
	r.incident_id = incident_id;
	r.source = "web";
	r.format = "text";
	r.raw = (unsigned char *)"x";
	r.size = 1;
	r.received_at = t;
	assert_int_equal(kz_report_add(st, &r, NULL), 0);
}

static double
percent_of(json_t *arr, const char *key, const char *name)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v)
	{
		if (strcmp(json_string_value(json_object_get(v, key)), name) ==
		    0)
			return json_real_value(json_object_get(v, "percent"));
	}
	fail_msg("no %s %s", key, name);
	return -1;
}

static void
test_counts(void **state)
{
	struct kz_store *st = fresh();
	struct kz_incident a, b, c, d, before, after;
	struct kz_stats s;
	int64_t from, to;

	(void)state;
	assert_int_equal(kz_period_parse(&from, &to, "2026Q3"), 0);
	assert_int_equal(from, T0);
	mk(st, &before, KZ_CAT_DOS, T0 - DAY);
	mk(st, &a, KZ_CAT_SCAN, T0);
	mk(st, &b, KZ_CAT_SCAN, T0 + DAY);
	mk(st, &c, KZ_CAT_PHISHING, T0 + 2 * DAY);
	mk(st, &d, KZ_CAT_DOS, to - 1);
	mk(st, &after, KZ_CAT_SCAN, to);
	report_at(st, a.id, T0 - 1);
	report_at(st, a.id, T0);
	report_at(st, b.id, T0 + 5);
	report_at(st, c.id, to - 1);
	report_at(st, c.id, to);
	move(st, c.ticket, KZ_ST_COORDINATING, T0 + 3 * DAY);
	move(st, b.ticket, KZ_ST_TRIAGED, T0 + 3 * DAY);
	/* Closed in the period though opened before it. */
	move(st, before.ticket, KZ_ST_CLOSED, T0 + 10 * DAY);

	assert_int_equal(kz_stats_compute(&s, st, from, to), 0);
	assert_int_equal(s.from, from);
	assert_int_equal(s.to, to);
	assert_int_equal(s.reports, 3);
	assert_int_equal(s.incidents, 4);
	assert_int_equal(s.coordinated, 1);
	assert_int_equal(s.by_category[KZ_CAT_SCAN], 2);
	assert_int_equal(s.by_category[KZ_CAT_PHISHING], 1);
	assert_int_equal(s.by_category[KZ_CAT_DOS], 1);
	assert_int_equal(s.by_category[KZ_CAT_OTHER], 0);
	assert_int_equal(s.by_status[KZ_ST_NEW], 2);
	assert_int_equal(s.by_status[KZ_ST_TRIAGED], 1);
	assert_int_equal(s.by_status[KZ_ST_COORDINATING], 1);
	assert_int_equal(s.by_status[KZ_ST_CLOSED], 0);
	assert_int_equal(s.closed, 1);
	assert_int_equal(s.median_close, 11 * DAY);
	{
		int64_t sum = 0;

		for (int i = 0; i < KZ_CAT_COUNT; i++)
			sum += s.by_category[i];
		assert_int_equal(sum, s.incidents);
		sum = 0;
		for (int i = 0; i < KZ_ST_COUNT; i++)
			sum += s.by_status[i];
		assert_int_equal(sum, s.incidents);
	}
	kz_store_close(st);
}

static void
test_json_percentages(void **state)
{
	struct kz_store *st = fresh();
	struct kz_incident inc;
	struct kz_stats s;
	json_t *j, *cat, *sts;

	(void)state;
	mk(st, &inc, KZ_CAT_SCAN, T0);
	mk(st, &inc, KZ_CAT_SCAN, T0 + 1);
	mk(st, &inc, KZ_CAT_PHISHING, T0 + 2);
	mk(st, &inc, KZ_CAT_TARGETED, T0 + 3);
	mk(st, &inc, KZ_CAT_TARGETED, T0 + 4);
	mk(st, &inc, KZ_CAT_TARGETED, T0 + 5);
	assert_int_equal(kz_stats_compute(&s, st, T0, T0 + DAY), 0);
	j = kz_stats_to_json(&s);
	assert_string_equal(json_string_value(json_object_get(j, "from")),
	    "2026-07-01T00:00:00Z");
	assert_string_equal(json_string_value(json_object_get(j, "to")),
	    "2026-07-02T00:00:00Z");
	assert_int_equal(
	    json_integer_value(json_object_get(j, "incidents")), 6);
	assert_int_equal(json_integer_value(json_object_get(j, "reports")), 0);
	assert_int_equal(json_integer_value(json_object_get(j, "closed")), 0);
	assert_true(json_is_null(json_object_get(j, "median_close_seconds")));
	cat = json_object_get(j, "by_category");
	sts = json_object_get(j, "by_status");
	/* Every category and status is listed, in taxonomy order. */
	assert_int_equal(json_array_size(cat), KZ_CAT_COUNT);
	assert_int_equal(json_array_size(sts), KZ_ST_COUNT);
	assert_string_equal(json_string_value(json_object_get(
				json_array_get(cat, 0), "category")),
	    "scan");
	assert_int_equal(json_integer_value(
			     json_object_get(json_array_get(cat, 0), "count")),
	    2);
	assert_true(
	    fabs(percent_of(cat, "category", "scan") - 100.0 / 3) < 1e-9);
	assert_true(
	    fabs(percent_of(cat, "category", "phishing") - 100.0 / 6) < 1e-9);
	assert_true(
	    fabs(percent_of(cat, "category", "targeted") - 50.0) < 1e-9);
	assert_true(percent_of(cat, "category", "dos") == 0.0);
	assert_true(fabs(percent_of(sts, "status", "new") - 100.0) < 1e-9);
	assert_true(percent_of(sts, "status", "closed") == 0.0);
	json_decref(j);
	kz_store_close(st);
}

static void
test_median(void **state)
{
	struct kz_store *st = fresh();
	struct kz_incident inc;
	struct kz_stats s;
	/* Times to close, given out of order. */
	static const int64_t took[] = { 1000, 100, 300, 2001, 7 };

	(void)state;
	for (int i = 0; i < 5; i++) {
		mk(st, &inc, KZ_CAT_SCAN, T0 + i * 10000);
		move(st, inc.ticket, KZ_ST_CLOSED, T0 + i * 10000 + took[i]);
		assert_int_equal(kz_stats_compute(&s, st, T0, T0 + DAY), 0);
		assert_int_equal(s.closed, i + 1);
		switch (i) {
		case 0: /* 1000 */
			assert_int_equal(s.median_close, 1000);
			break;
		case 1: /* 100 1000: the mean of the two middle ones */
			assert_int_equal(s.median_close, 550);
			break;
		case 2: /* 100 300 1000 */
			assert_int_equal(s.median_close, 300);
			break;
		case 3: /* 100 300 1000 2001 */
			assert_int_equal(s.median_close, 650);
			break;
		case 4: /* 7 100 300 1000 2001 */
			assert_int_equal(s.median_close, 300);
			break;
		}
	}
	/* A reopened incident is no longer closed; closing it again counts
	 * from its creation. */
	move(st, inc.ticket, KZ_ST_TRIAGED, T0 + DAY / 2);
	assert_int_equal(kz_stats_compute(&s, st, T0, T0 + DAY), 0);
	assert_int_equal(s.closed, 4);
	assert_int_equal(s.median_close, 650);
	/* Only those closed in the period count. */
	move(st, inc.ticket, KZ_ST_CLOSED, T0 + 2 * DAY);
	assert_int_equal(kz_stats_compute(&s, st, T0, T0 + DAY), 0);
	assert_int_equal(s.closed, 4);
	assert_int_equal(kz_stats_compute(&s, st, T0 + DAY, T0 + 3 * DAY), 0);
	assert_int_equal(s.closed, 1);
	assert_int_equal(s.incidents, 0);
	assert_int_equal(s.median_close, 2 * DAY - 40000);
	kz_store_close(st);
}

static void
test_empty(void **state)
{
	struct kz_store *st = fresh();
	struct kz_incident inc;
	struct kz_stats s;
	json_t *j;

	(void)state;
	mk(st, &inc, KZ_CAT_SCAN, T0 - DAY);
	assert_int_equal(kz_stats_compute(&s, st, T0, T0 + DAY), 0);
	assert_int_equal(s.reports, 0);
	assert_int_equal(s.incidents, 0);
	assert_int_equal(s.coordinated, 0);
	assert_int_equal(s.closed, 0);
	assert_int_equal(s.median_close, -1);
	for (int i = 0; i < KZ_CAT_COUNT; i++)
		assert_int_equal(s.by_category[i], 0);
	j = kz_stats_to_json(&s);
	/* No division by zero: 0 percent. */
	assert_true(percent_of(json_object_get(j, "by_category"), "category",
			"scan") == 0.0);
	assert_true(json_is_null(json_object_get(j, "median_close_seconds")));
	json_decref(j);
	kz_store_close(st);
}

static void
test_bad_period(void **state)
{
	struct kz_store *st = fresh();
	struct kz_stats s;

	(void)state;
	assert_int_equal(kz_stats_compute(&s, st, T0, T0), KZ_EINVAL);
	assert_string_equal(
	    kz_error_message(), "the period ends before it starts");
	assert_int_equal(kz_stats_compute(&s, st, T0 + 1, T0), KZ_EINVAL);
	assert_int_equal(s.incidents, 0);
	kz_store_close(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_json_percentages),
		cmocka_unit_test(test_median),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_bad_period),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
