/* SPDX-License-Identifier: MIT */
/* Tests for the timeline: order, data, times, and append-only storage. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/json.h"
#include "core/timeutil.h"
#include "model/event.h"
#include "model/incident.h"

#define T0 1782864000 /* 2026-07-01T00:00:00Z */

static struct kz_store *
fresh(struct kz_incident *inc)
{
	struct kz_store *st;
	char path[512];

	kz_time_set_fixed(T0);
	tu_store_uri(path, sizeof(path), "event");
	if (kz_store_open(&st, path, 0) != 0)
		fail_msg("open %s: %s", path, kz_error_message());
	kz_incident_init(inc);
	inc->title = "timeline";
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

static int64_t
updated_at(struct kz_store *st, const char *ticket)
{
	struct kz_incident *inc;
	int64_t t;

	assert_int_equal(kz_incident_get(&inc, st, ticket), 0);
	t = inc->updated_at;
	kz_incident_free(inc);
	return t;
}

static void
test_add_and_list(void **state)
{
	struct kz_incident inc;
	struct kz_store *st = fresh(&inc);
	struct kz_event *ev;
	json_t *data =
	    json_pack("{s:s, s:i, s:[s,s]}", "to", "abuse@isp.example", "tries",
		2, "cc", "a@b.example", "c@d.example");
	size_t n;

	(void)state;
	kz_time_set_fixed(T0 + 10);
	assert_int_equal(
	    kz_event_add(st, inc.id, "contact", "bob", "ISPへ通知", data), 0);
	/* data was not stolen. */
	assert_int_equal(data->refcount, 1);
	kz_time_set_fixed(T0 + 20);
	assert_int_equal(
	    kz_event_add(st, inc.id, "reply", NULL, NULL, NULL), 0);
	assert_int_equal(updated_at(st, inc.ticket), T0 + 20);

	assert_int_equal(kz_event_list(&ev, &n, st, inc.id), 0);
	assert_int_equal(n, 3);
	assert_string_equal(ev[0].kind, "opened");
	assert_true(ev[0].id < ev[1].id && ev[1].id < ev[2].id);
	assert_int_equal(ev[1].incident_id, inc.id);
	assert_int_equal(ev[1].at, T0 + 10);
	assert_string_equal(ev[1].kind, "contact");
	assert_string_equal(ev[1].actor, "bob");
	assert_string_equal(ev[1].text, "ISPへ通知");
	assert_true(json_equal(ev[1].data, data));
	assert_int_equal(ev[2].at, T0 + 20);
	assert_null(ev[2].actor);
	assert_string_equal(ev[2].text, "");
	assert_null(ev[2].data);
	kz_event_list_free(ev, n);
	json_decref(data);
	kz_store_close(st);
}

static void
test_add_at(void **state)
{
	struct kz_incident inc;
	struct kz_store *st = fresh(&inc);
	struct kz_event *ev;
	size_t n;

	(void)state;
	kz_time_set_fixed(T0 + 100);
	/* A dated event (an import) keeps its time and leaves updated_at. */
	assert_int_equal(kz_event_add_at(st, inc.id, T0 - 3600, "imported",
			     NULL, "old", NULL),
	    0);
	assert_int_equal(updated_at(st, inc.ticket), T0);
	/* at 0 is now, and touches the incident. */
	assert_int_equal(
	    kz_event_add_at(st, inc.id, 0, "note", "bob", "now", NULL), 0);
	assert_int_equal(updated_at(st, inc.ticket), T0 + 100);
	assert_int_equal(kz_event_list(&ev, &n, st, inc.id), 0);
	assert_int_equal(n, 3);
	/* Listed in the order they were written, not by time. */
	assert_int_equal(ev[1].at, T0 - 3600);
	assert_int_equal(ev[2].at, T0 + 100);
	kz_event_list_free(ev, n);
	kz_store_close(st);
}

static void
test_list_empty_and_other(void **state)
{
	struct kz_incident inc, other;
	struct kz_store *st = fresh(&inc);
	struct kz_event *ev = (struct kz_event *)1;
	size_t n = 99;

	(void)state;
	assert_int_equal(kz_event_list(&ev, &n, st, 4242), 0);
	assert_null(ev);
	assert_int_equal(n, 0);
	kz_event_list_free(NULL, 0);
	kz_incident_init(&other);
	other.title = "other";
	assert_int_equal(kz_incident_create(st, &other, NULL), 0);
	for (int i = 0; i < 40; i++)
		assert_int_equal(
		    kz_event_add(st, other.id, "note", NULL, "x", NULL), 0);
	assert_int_equal(kz_event_list(&ev, &n, st, inc.id), 0);
	assert_int_equal(n, 1);
	kz_event_list_free(ev, n);
	/* More than the first allocation holds. */
	assert_int_equal(kz_event_list(&ev, &n, st, other.id), 0);
	assert_int_equal(n, 41);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(ev[i].incident_id, other.id);
	kz_event_list_free(ev, n);
	kz_store_close(st);
}

static void
test_unknown_incident(void **state)
{
	struct kz_incident inc;
	struct kz_store *st = fresh(&inc);

	(void)state;
	assert_int_equal(
	    kz_event_add(st, 4242, "note", NULL, "x", NULL), KZ_EINVAL);
	assert_non_null(strstr(kz_error_message(), "FOREIGN KEY"));
	assert_int_equal(query_int(st, "SELECT count(*) FROM events"), 1);
	kz_store_close(st);
}

static void
test_append_only(void **state)
{
	struct kz_incident inc;
	struct kz_store *st = fresh(&inc);
	struct kz_stmt *s;

	(void)state;
	assert_int_equal(
	    kz_event_add(st, inc.id, "note", "bob", "evidence", NULL), 0);
	assert_int_equal(
	    kz_store_exec(st, "UPDATE events SET text = 'forged'"), KZ_EINVAL);
	assert_non_null(
	    strstr(kz_error_message(), "timeline events are append-only"));
	assert_int_equal(
	    kz_store_exec(st, "UPDATE events SET at = 0 WHERE kind = 'note'"),
	    KZ_EINVAL);
	assert_int_equal(kz_store_exec(st, "DELETE FROM events"), KZ_EINVAL);
	assert_non_null(
	    strstr(kz_error_message(), "timeline events are append-only"));
	assert_int_equal(kz_store_prepare(&s, st,
			     "DELETE FROM events WHERE incident_id = ?"),
	    0);
	kz_stmt_bind_int(s, 1, inc.id);
	assert_int_equal(kz_stmt_exec(s), KZ_EINVAL);
	/* Nor can the incident go away from under its timeline. */
	assert_int_equal(kz_store_exec(st, "DELETE FROM incidents"), KZ_EINVAL);
	assert_non_null(strstr(kz_error_message(), "FOREIGN KEY"));
	assert_int_equal(query_int(st, "SELECT count(*) FROM events"), 2);
	assert_int_equal(query_int(st,
			     "SELECT count(*) FROM events WHERE "
			     "text = 'evidence'"),
	    1);
	/* Appending still works. */
	assert_int_equal(
	    kz_event_add(st, inc.id, "note", "bob", "more", NULL), 0);
	assert_int_equal(query_int(st, "SELECT count(*) FROM events"), 3);
	kz_store_close(st);
}

static void
test_in_rolled_back_transaction(void **state)
{
	struct kz_incident inc;
	struct kz_store *st = fresh(&inc);

	(void)state;
	kz_time_set_fixed(T0 + 50);
	assert_int_equal(kz_store_begin(st), 0);
	assert_int_equal(kz_event_add(st, inc.id, "note", NULL, "x", NULL), 0);
	kz_store_rollback(st);
	assert_int_equal(query_int(st, "SELECT count(*) FROM events"), 1);
	assert_int_equal(updated_at(st, inc.ticket), T0);
	kz_store_close(st);
}

static void
test_to_json(void **state)
{
	struct kz_event e = { 0 };
	json_t *j;
	char *d;

	(void)state;
	e.id = 7;
	e.incident_id = 3;
	e.at = T0;
	e.kind = "status";
	e.actor = NULL;
	e.text = "対応完了";
	e.data = json_pack("{s:s, s:s}", "from", "waiting", "to", "resolved");
	j = kz_event_to_json(&e);
	d = kz_json_dump(j, 0);
	assert_string_equal(d,
	    "{\"id\":7,\"at\":\"2026-07-01T00:00:00Z\",\"kind\":\"status\","
	    "\"actor\":null,\"text\":\"対応完了\","
	    "\"data\":{\"from\":\"waiting\",\"to\":\"resolved\"}}");
	free(d);
	json_decref(j);
	/* The event keeps its own reference to data. */
	assert_int_equal(e.data->refcount, 1);
	json_decref(e.data);
	e.data = NULL;
	e.actor = "bob";
	j = kz_event_to_json(&e);
	assert_true(json_is_null(json_object_get(j, "data")));
	assert_string_equal(
	    json_string_value(json_object_get(j, "actor")), "bob");
	json_decref(j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_and_list),
		cmocka_unit_test(test_add_at),
		cmocka_unit_test(test_list_empty_and_other),
		cmocka_unit_test(test_unknown_incident),
		cmocka_unit_test(test_append_only),
		cmocka_unit_test(test_in_rolled_back_transaction),
		cmocka_unit_test(test_to_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
