/* SPDX-License-Identifier: MIT */
/* Tests for the jansson helpers: null handling, times, stealing, dumping. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/timeutil.h"

static void
test_str(void **state)
{
	json_t *v;

	(void)state;
	v = kz_json_str(NULL);
	assert_true(json_is_null(v));
	json_decref(v);
	v = kz_json_str("");
	assert_true(json_is_string(v));
	assert_string_equal(json_string_value(v), "");
	json_decref(v);
	v = kz_json_str("銀行を装う");
	assert_string_equal(json_string_value(v), "銀行を装う");
	json_decref(v);
	/* Not UTF-8: jansson refuses it, and the helper passes that on. */
	assert_null(kz_json_str("\xff\xfe"));
}

static void
test_time(void **state)
{
	int64_t t;
	json_t *v;

	(void)state;
	v = kz_json_time(0);
	assert_true(json_is_null(v));
	json_decref(v);
	assert_int_equal(kz_time_parse(&t, "2026-07-01T09:00:00+09:00"), 0);
	v = kz_json_time(t);
	assert_string_equal(json_string_value(v), "2026-07-01T00:00:00Z");
	json_decref(v);
	v = kz_json_time(1);
	assert_string_equal(json_string_value(v), "1970-01-01T00:00:01Z");
	json_decref(v);
	/* Only 0 means "no time"; an instant before the epoch is a time. */
	v = kz_json_time(-1);
	assert_string_equal(json_string_value(v), "1969-12-31T23:59:59Z");
	json_decref(v);
}

static void
test_set(void **state)
{
	json_t *o = json_object(), *s = json_string("x");

	(void)state;
	kz_json_set(o, "a", s);
	/* The reference was stolen: the object holds the only one. */
	assert_int_equal(s->refcount, 1);
	assert_ptr_equal(json_object_get(o, "a"), s);
	kz_json_set(o, "b", NULL);
	assert_null(json_object_get(o, "b"));
	assert_int_equal(json_object_size(o), 1);
	/* Setting a key again replaces the value. */
	kz_json_set(o, "a", json_integer(7));
	assert_int_equal(json_integer_value(json_object_get(o, "a")), 7);
	assert_int_equal(json_object_size(o), 1);
	json_decref(o);
}

static void
test_dump(void **state)
{
	json_t *o = json_object();
	char *d;

	(void)state;
	kz_json_set(o, "zeta", json_integer(1));
	kz_json_set(o, "alpha", kz_json_str("日本語"));
	kz_json_set(o, "mid", kz_json_str(NULL));
	kz_json_set(o, "path", json_string("a/b\"c\x01"));
	d = kz_json_dump(o, 0);
	/* Insertion order, compact, UTF-8 unescaped, '/' left alone. */
	assert_string_equal(d,
	    "{\"zeta\":1,\"alpha\":\"日本語\",\"mid\":null,"
	    "\"path\":\"a/b\\\"c\\u0001\"}");
	free(d);
	d = kz_json_dump(o, 1);
	assert_string_equal(d,
	    "{\n  \"zeta\": 1,\n  \"alpha\": \"日本語\",\n"
	    "  \"mid\": null,\n"
	    "  \"path\": \"a/b\\\"c\\u0001\"\n}");
	free(d);
	json_decref(o);
}

static void
test_dump_any(void **state)
{
	json_t *v;
	char *d;

	(void)state;
	/* Bare values dump too (JSON_ENCODE_ANY). */
	v = json_string("x");
	d = kz_json_dump(v, 0);
	assert_string_equal(d, "\"x\"");
	free(d);
	json_decref(v);
	v = json_null();
	d = kz_json_dump(v, 1);
	assert_string_equal(d, "null");
	free(d);
	v = json_array();
	d = kz_json_dump(v, 0);
	assert_string_equal(d, "[]");
	free(d);
	json_array_append_new(v, json_integer(-3));
	json_array_append_new(v, json_true());
	d = kz_json_dump(v, 0);
	assert_string_equal(d, "[-3,true]");
	free(d);
	json_decref(v);
	v = json_object();
	d = kz_json_dump(v, 1);
	assert_string_equal(d, "{}");
	free(d);
	json_decref(v);
}

static void
test_roundtrip(void **state)
{
	json_t *o = json_object(), *back;
	char *d;

	(void)state;
	kz_json_set(o, "t", kz_json_time(1782864000));
	kz_json_set(o, "s", kz_json_str("改ざん\n\ttab"));
	d = kz_json_dump(o, 0);
	back = json_loads(d, 0, NULL);
	assert_non_null(back);
	assert_true(json_equal(o, back));
	free(d);
	json_decref(back);
	json_decref(o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_str),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_set),
		cmocka_unit_test(test_dump),
		cmocka_unit_test(test_dump_any),
		cmocka_unit_test(test_roundtrip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
