/* SPDX-License-Identifier: MIT */
/* Tests for raw reports: verbatim bytes, SHA-256, size cap, timeline. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/json.h"
#include "core/timeutil.h"
#include "model/event.h"
#include "model/incident.h"
#include "model/report.h"

#define T0 1782864000 /* 2026-07-01T00:00:00Z */

static struct kz_store *
fresh(struct kz_incident *inc)
{
	struct kz_store *st;
	char path[512];

	kz_time_set_fixed(T0);
	tu_store_uri(path, sizeof(path), "report");
	if (kz_store_open(&st, path, 0) != 0)
		fail_msg("open %s: %s", path, kz_error_message());
	kz_incident_init(inc);
	inc->title = "reported";
	assert_int_equal(kz_incident_create(st, inc, "alice"), 0);
	return st;
}

static int64_t
query_int(struct kz_store *st, const char *sql)
{
	struct kz_stmt *s;
	int64_t v;

	assert_int_equal(kz_store_prepare(&s, st, sql), 0);
	assert_int_equal(kz_stmt_step(s), KZ_ROW);
	v = kz_stmt_int(s, 0);
	while (kz_stmt_step(s) == KZ_ROW)
		;
	return v;
}

static void
init_report(struct kz_report *r, int64_t incident_id, const void *raw, size_t n)
{
	memset(r, 0, sizeof(*r));
	r->incident_id = incident_id;
	r->source = "email";
	r->format = "eml";
	r->raw = (unsigned char *)raw;
	r->size = n;
}

static void
test_verbatim(void **state)
{
	static const unsigned char raw[] =
	    "From: a@example.jp\r\n"
	    "Subject: =?ISO-2022-JP?B?GyRC?=\r\n"
	    "\r\nbody\0after NUL\xff\xfe\x80\r\n";
	struct kz_incident inc;
	struct kz_store *st = fresh(&inc);
	struct kz_report r, *got;

	(void)state;
	init_report(&r, inc.id, raw, sizeof(raw)); /* with the final NUL */
	r.reporter = "a@example.jp";
	r.subject = "フィッシングの報告";
	r.message_id = "<1@example.jp>";
	assert_int_equal(kz_report_add(st, &r, "alice"), 0);
	assert_true(r.id > 0);
	assert_int_equal(r.received_at, T0);
	assert_int_equal(strlen(r.sha256), 64);

	assert_int_equal(kz_report_get(&got, st, r.id), 0);
	assert_int_equal(got->size, sizeof(raw));
	assert_memory_equal(got->raw, raw, sizeof(raw));
	/* A terminator past the bytes, for callers that want text. */
	assert_int_equal(got->raw[got->size], 0);
	assert_int_equal(got->incident_id, inc.id);
	assert_string_equal(got->source, "email");
	assert_string_equal(got->format, "eml");
	assert_string_equal(got->reporter, "a@example.jp");
	assert_string_equal(got->subject, "フィッシングの報告");
	assert_string_equal(got->message_id, "<1@example.jp>");
	assert_string_equal(got->sha256, r.sha256);
	assert_int_equal(got->received_at, T0);
	kz_report_free(got);
	kz_report_free(NULL);
	kz_store_close(st);
}

static void
test_sha256(void **state)
{
	struct kz_incident inc;
	struct kz_store *st = fresh(&inc);
	static const unsigned char nul3[] = { 0, 0, 0 };
	struct kz_report r, *got;

	(void)state;
	/* FIPS 180-2 test vector. */
	init_report(&r, inc.id, "abc", 3);
	assert_int_equal(kz_report_add(st, &r, NULL), 0);
	assert_string_equal(r.sha256,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	/* Empty. */
	init_report(&r, inc.id, NULL, 0);
	assert_int_equal(kz_report_add(st, &r, NULL), 0);
	assert_string_equal(r.sha256,
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	assert_int_equal(kz_report_get(&got, st, r.id), 0);
	assert_int_equal(got->size, 0);
	assert_non_null(got->raw);
	assert_int_equal(got->raw[0], 0);
	kz_report_free(got);
	/* Bytes after a NUL count: not the hash of "". */
	init_report(&r, inc.id, nul3, sizeof(nul3));
	assert_int_equal(kz_report_add(st, &r, NULL), 0);
	assert_string_equal(r.sha256,
	    "709e80c88487a2411e1ee4dfb9f22a861492d20c4765150c0c794abd70f8147c");
	kz_store_close(st);
}

static void
test_size_cap(void **state)
{
	struct kz_incident inc;
	struct kz_store *st = fresh(&inc);
	struct kz_report r;
	size_t n = 3 << 20;
	unsigned char *big = malloc(n);
	struct kz_report *got;

	(void)state;
	/* Refused before a byte is read. */
	init_report(&r, inc.id, "x", (size_t)KZ_REPORT_MAX + 1);
	assert_int_equal(kz_report_add(st, &r, NULL), KZ_EINVAL);
	assert_string_equal(kz_error_message(),
	    "report is too large (67108865 bytes, at most 67108864)");
	assert_int_equal(query_int(st, "SELECT count(*) FROM reports"), 0);
	assert_int_equal(query_int(st, "SELECT count(*) FROM events"), 1);
	/* A few megabytes pass whole. */
	for (size_t i = 0; i < n; i++)
		big[i] = (unsigned char)(i * 7 + (i >> 11));
	init_report(&r, inc.id, big, n);
	assert_int_equal(kz_report_add(st, &r, NULL), 0);
	assert_int_equal(kz_report_get(&got, st, r.id), 0);
	assert_int_equal(got->size, n);
	assert_memory_equal(got->raw, big, n);
	kz_report_free(got);
	free(big);
	kz_store_close(st);
}

static void
test_refused(void **state)
{
	struct kz_incident inc;
	struct kz_store *st = fresh(&inc);
	struct kz_report r;

	(void)state;
	init_report(&r, inc.id, "x", 1);
	r.source = NULL;
	assert_int_equal(kz_report_add(st, &r, NULL), KZ_EINVAL);
	assert_string_equal(
	    kz_error_message(), "report needs a source and a format");
	r.source = "web";
	r.format = NULL;
	assert_int_equal(kz_report_add(st, &r, NULL), KZ_EINVAL);
	r.format = "text";
	r.subject = "\xe3\x81";
	assert_int_equal(kz_report_add(st, &r, NULL), KZ_EINVAL);
	assert_string_equal(
	    kz_error_message(), "report subject is not valid UTF-8");
	r.subject = NULL;
	/* An incident that does not exist: nothing written. */
	r.incident_id = 4242;
	assert_int_equal(kz_report_add(st, &r, NULL), KZ_EINVAL);
	assert_non_null(strstr(kz_error_message(), "FOREIGN KEY"));
	assert_int_equal(query_int(st, "SELECT count(*) FROM reports"), 0);
	assert_int_equal(query_int(st, "SELECT count(*) FROM events"), 1);
	assert_int_equal(kz_store_commit(st), KZ_EIO);
	kz_store_close(st);
}

static void
test_event_and_list(void **state)
{
	struct kz_incident inc, other;
	struct kz_store *st = fresh(&inc);
	struct kz_report r, *list;
	struct kz_event *ev;
	int64_t ids[3];
	size_t n;

	(void)state;
	kz_incident_init(&other);
	other.title = "other";
	assert_int_equal(kz_incident_create(st, &other, NULL), 0);
	for (int i = 0; i < 3; i++) {
		kz_time_set_fixed(T0 + 10 * (i + 1));
		init_report(&r, inc.id, "raw", 3);
		r.source = i == 1 ? "web" : "email";
		r.subject = i == 2 ? "件名" : NULL;
		if (i == 0)
			r.received_at = T0 - 100;
		assert_int_equal(kz_report_add(st, &r, "bob"), 0);
		ids[i] = r.id;
	}
	init_report(&r, other.id, "elsewhere", 9);
	assert_int_equal(kz_report_add(st, &r, NULL), 0);

	assert_int_equal(kz_report_list(&list, &n, st, inc.id), 0);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(list[i].id, ids[i]);
		assert_null(list[i].raw);
		assert_int_equal(list[i].size, 3);
	}
	assert_int_equal(list[0].received_at, T0 - 100);
	assert_int_equal(list[1].received_at, T0 + 20);
	assert_string_equal(list[1].source, "web");
	assert_null(list[0].subject);
	assert_string_equal(list[2].subject, "件名");
	kz_report_list_free(list, n);
	assert_int_equal(kz_report_list(&list, &n, st, 4242), 0);
	assert_int_equal(n, 0);
	kz_report_list_free(list, n);

	/* Each report has its timeline event. */
	assert_int_equal(kz_event_list(&ev, &n, st, inc.id), 0);
	assert_int_equal(n, 4);
	assert_string_equal(ev[1].kind, "report");
	assert_string_equal(ev[1].actor, "bob");
	assert_string_equal(ev[1].text, "");
	assert_int_equal(
	    json_integer_value(json_object_get(ev[1].data, "report")), ids[0]);
	assert_string_equal(
	    json_string_value(json_object_get(ev[1].data, "source")), "email");
	assert_int_equal(
	    json_integer_value(json_object_get(ev[1].data, "size")), 3);
	assert_int_equal(
	    strlen(json_string_value(json_object_get(ev[1].data, "sha256"))),
	    64);
	assert_string_equal(ev[3].text, "件名");
	kz_event_list_free(ev, n);
	kz_store_close(st);
}

static void
test_get_missing(void **state)
{
	struct kz_incident inc;
	struct kz_store *st = fresh(&inc);
	struct kz_report *got = (struct kz_report *)1;

	(void)state;
	assert_int_equal(kz_report_get(&got, st, 99), KZ_ENOTFOUND);
	assert_null(got);
	assert_string_equal(kz_error_message(), "no report with id 99");
	kz_store_close(st);
}

static void
test_count(void **state)
{
	struct kz_incident inc;
	struct kz_store *st = fresh(&inc);
	struct kz_report r;
	int64_t n = -1;

	(void)state;
	for (int i = 0; i < 5; i++) {
		init_report(&r, inc.id, "r", 1);
		r.received_at = T0 + i * 100;
		assert_int_equal(kz_report_add(st, &r, NULL), 0);
	}
	assert_int_equal(kz_report_count(&n, st, T0, T0 + 500), 0);
	assert_int_equal(n, 5);
	/* [from, to): the end is not included. */
	assert_int_equal(kz_report_count(&n, st, T0 + 100, T0 + 400), 0);
	assert_int_equal(n, 3);
	assert_int_equal(kz_report_count(&n, st, T0 + 401, T0 + 1000), 0);
	assert_int_equal(n, 0);
	kz_store_close(st);
}

static void
test_bytes_locked(void **state)
{
	struct kz_incident inc;
	struct kz_store *st = fresh(&inc);
	struct kz_report r, *got;
	struct kz_stmt *s;

	(void)state;
	init_report(&r, inc.id, "original", 8);
	assert_int_equal(kz_report_add(st, &r, NULL), 0);
	assert_int_equal(
	    kz_store_prepare(&s, st, "UPDATE reports SET raw = ?"), 0);
	kz_stmt_bind_blob(s, 1, "", 1);
	assert_int_equal(kz_stmt_exec(s), KZ_EINVAL);
	assert_non_null(
	    strstr(kz_error_message(), "report bytes are kept verbatim"));
	assert_int_equal(
	    kz_store_exec(st, "UPDATE reports SET sha256 = 'x', size = 1"),
	    KZ_EINVAL);
	/* What describes the report may still be corrected. */
	assert_int_equal(
	    kz_store_exec(st, "UPDATE reports SET reporter = 'fixed'"), 0);
	assert_int_equal(kz_report_get(&got, st, r.id), 0);
	assert_memory_equal(got->raw, "original", 8);
	assert_string_equal(got->sha256, r.sha256);
	assert_string_equal(got->reporter, "fixed");
	kz_report_free(got);
	kz_store_close(st);
}

static void
test_to_json(void **state)
{
	struct kz_report r;
	json_t *j;
	char *d;

	(void)state;
	memset(&r, 0, sizeof(r));
	r.id = 5;
	r.received_at = T0;
	r.source = "web";
	r.format = "text";
	r.size = 3;
	strcpy(r.sha256,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff"
	    "61f20015ad");
	j = kz_report_to_json(&r);
	d = kz_json_dump(j, 0);
	assert_string_equal(d,
	    "{\"id\":5,\"received_at\":\"2026-07-01T00:00:00Z\","
	    "\"source\":\"web\",\"format\":\"text\",\"reporter\":null,"
	    "\"subject\":null,\"message_id\":null,"
	    "\"sha256\":\"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410"
	    "ff61f20015ad\",\"size\":3}");
	free(d);
	json_decref(j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verbatim),
		cmocka_unit_test(test_sha256),
		cmocka_unit_test(test_size_cap),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_event_and_list),
		cmocka_unit_test(test_get_missing),
		cmocka_unit_test(test_count),
		cmocka_unit_test(test_bytes_locked),
		cmocka_unit_test(test_to_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
