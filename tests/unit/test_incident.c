/* SPDX-License-Identifier: MIT */
/* Tests for incidents: tickets, validation, updates, statuses, search. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/json.h"
#include "core/timeutil.h"
#include "model/event.h"
#include "model/incident.h"

#define T0  1782864000 /* 2026-07-01T00:00:00Z */
#define DAY 86400

static struct kz_store *
fresh(void)
{
	struct kz_store *st;
	char path[512];

	kz_time_set_fixed(T0);
	tu_store_uri(path, sizeof(path), "incident");
	if (kz_store_open(&st, path, 0) != 0)
		fail_msg("open %s: %s", path, kz_error_message());
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

/* Creates an incident with a title and category; returns its ticket. */
static const char *
mk(struct kz_store *st, struct kz_incident *inc, const char *title,
    enum kz_category cat)
{
	kz_incident_init(inc);
	inc->title = (char *)title;
	inc->category = cat;
	if (kz_incident_create(st, inc, "alice") != 0)
		fail_msg("create '%s': %s", title, kz_error_message());
	return inc->ticket;
}

static struct kz_incident *
get(struct kz_store *st, const char *ticket)
{
	struct kz_incident *inc;

	if (kz_incident_get(&inc, st, ticket) != 0)
		fail_msg("get %s: %s", ticket, kz_error_message());
	return inc;
}

/* The events of an incident, and the last one. */
static size_t
events(struct kz_store *st, int64_t id, struct kz_event **ev)
{
	size_t n;

	assert_int_equal(kz_event_list(ev, &n, st, id), 0);
	return n;
}

static void
test_create(void **state)
{
	struct kz_store *st = fresh();
	struct kz_incident a, b, c, *got;
	struct kz_event *ev;
	size_t n;

	(void)state;
	kz_incident_init(&a);
	assert_int_equal(a.category, KZ_CAT_OTHER);
	assert_int_equal(a.status, KZ_ST_NEW);
	assert_int_equal(a.priority, KZ_PRIORITY_DEFAULT);
	assert_int_equal(a.tlp, KZ_TLP_AMBER);
	assert_int_equal(a.stage, KZ_STAGE_NONE);
	a.title = "Web改ざん";
	a.description = "トップページが書き換えられた";
	a.category = KZ_CAT_DEFACEMENT;
	a.priority = 2;
	a.tlp = KZ_TLP_AMBER_STRICT;
	a.stage = KZ_STAGE_INTRUSION;
	a.assignee = "bob";
	a.reporter = "taro@example.jp";
	/* These are the store's to set on creation. */
	a.status = KZ_ST_CLOSED;
	a.closed_at = 5;
	a.coordinated = 1;
	assert_int_equal(kz_incident_create(st, &a, "alice"), 0);
	assert_string_equal(a.ticket, "KZ-2026-000001");
	assert_true(a.id > 0);
	assert_int_equal(a.created_at, T0);
	assert_int_equal(a.updated_at, T0);
	assert_int_equal(a.status, KZ_ST_NEW);
	assert_int_equal(a.closed_at, 0);
	assert_int_equal(a.coordinated, 0);

	got = get(st, "KZ-2026-000001");
	assert_int_equal(got->id, a.id);
	assert_string_equal(got->title, "Web改ざん");
	assert_string_equal(got->description, "トップページが書き換えられた");
	assert_int_equal(got->category, KZ_CAT_DEFACEMENT);
	assert_int_equal(got->status, KZ_ST_NEW);
	assert_int_equal(got->priority, 2);
	assert_int_equal(got->tlp, KZ_TLP_AMBER_STRICT);
	assert_int_equal(got->stage, KZ_STAGE_INTRUSION);
	assert_string_equal(got->assignee, "bob");
	assert_string_equal(got->reporter, "taro@example.jp");
	assert_int_equal(got->coordinated, 0);
	assert_int_equal(got->created_at, T0);
	assert_int_equal(got->closed_at, 0);
	kz_incident_free(got);

	/* The "opened" event, by the actor, with the title. */
	n = events(st, a.id, &ev);
	assert_int_equal(n, 1);
	assert_string_equal(ev[0].kind, "opened");
	assert_string_equal(ev[0].actor, "alice");
	assert_string_equal(ev[0].text, "Web改ざん");
	assert_int_equal(ev[0].at, T0);
	kz_event_list_free(ev, n);

	/* Defaults, and no optional fields. */
	mk(st, &b, "scan", KZ_CAT_SCAN);
	assert_string_equal(b.ticket, "KZ-2026-000002");
	got = get(st, b.ticket);
	assert_string_equal(got->description, "");
	assert_null(got->assignee);
	assert_null(got->reporter);
	assert_int_equal(got->stage, KZ_STAGE_NONE);
	assert_int_equal(got->tlp, KZ_TLP_AMBER);
	kz_incident_free(got);

	/* A system action has no actor. */
	kz_incident_init(&c);
	c.title = "feed";
	assert_int_equal(kz_incident_create(st, &c, NULL), 0);
	n = events(st, c.id, &ev);
	assert_null(ev[0].actor);
	kz_event_list_free(ev, n);
	kz_store_close(st);
}

static void
test_tickets_per_year(void **state)
{
	struct kz_store *st = fresh();
	struct kz_incident inc;
	char seen[60][KZ_TICKET_MAX];
	int64_t t2025, t2027;

	(void)state;
	assert_int_equal(kz_time_parse(&t2025, "2025-12-31T23:59:59Z"), 0);
	assert_int_equal(kz_time_parse(&t2027, "2027-01-01T00:00:00Z"), 0);
	mk(st, &inc, "a", KZ_CAT_SCAN);
	assert_string_equal(inc.ticket, "KZ-2026-000001");
	kz_incident_init(&inc);
	inc.title = "last year";
	inc.created_at = t2025;
	assert_int_equal(kz_incident_create(st, &inc, NULL), 0);
	assert_string_equal(inc.ticket, "KZ-2025-000001");
	assert_int_equal(inc.created_at, t2025);
	kz_incident_init(&inc);
	inc.title = "next year";
	inc.created_at = t2027;
	assert_int_equal(kz_incident_create(st, &inc, NULL), 0);
	assert_string_equal(inc.ticket, "KZ-2027-000001");
	mk(st, &inc, "b", KZ_CAT_SCAN);
	assert_string_equal(inc.ticket, "KZ-2026-000002");
	kz_incident_init(&inc);
	inc.title = "last year again";
	inc.created_at = t2025 - DAY;
	assert_int_equal(kz_incident_create(st, &inc, NULL), 0);
	assert_string_equal(inc.ticket, "KZ-2025-000002");

	/* Many in a row: all distinct, numbered without gaps. */
	for (int i = 0; i < 60; i++) {
		char want[KZ_TICKET_MAX];

		mk(st, &inc, "bulk", KZ_CAT_SCAN);
		snprintf(want, sizeof(want), "KZ-2026-%06d", i + 3);
		assert_string_equal(inc.ticket, want);
		strcpy(seen[i], inc.ticket);
		for (int j = 0; j < i; j++)
			assert_string_not_equal(seen[j], inc.ticket);
	}
	/* A failed creation does not use up a number. */
	kz_incident_init(&inc);
	inc.title = "";
	assert_int_equal(kz_incident_create(st, &inc, NULL), KZ_EINVAL);
	mk(st, &inc, "after failure", KZ_CAT_SCAN);
	assert_string_equal(inc.ticket, "KZ-2026-000063");
	assert_int_equal(query_int(st,
			     "SELECT count(DISTINCT ticket) FROM "
			     "incidents"),
	    66);
	kz_store_close(st);
}

static void
test_prefix(void **state)
{
	struct kz_store *st = fresh();
	struct kz_incident inc, *got;

	(void)state;
	assert_string_equal(kz_incident_prefix(), "KZ");
	assert_int_equal(kz_incident_set_prefix("JPCERT"), 0);
	assert_string_equal(kz_incident_prefix(), "JPCERT");
	mk(st, &inc, "x", KZ_CAT_SCAN);
	assert_string_equal(inc.ticket, "JPCERT-2026-000001");
	got = get(st, "jpcert-2026-000001");
	assert_int_equal(got->id, inc.id);
	kz_incident_free(got);
	assert_int_equal(kz_incident_set_prefix("CSIRT123"), 0);
	assert_int_equal(kz_incident_set_prefix(""), KZ_EINVAL);
	assert_int_equal(kz_incident_set_prefix(NULL), KZ_EINVAL);
	assert_int_equal(kz_incident_set_prefix("kz"), KZ_EINVAL);
	assert_int_equal(kz_incident_set_prefix("A-B"), KZ_EINVAL);
	assert_int_equal(kz_incident_set_prefix("NINECHARS"), KZ_EINVAL);
	assert_string_equal(kz_error_message(),
	    "invalid ticket prefix 'NINECHARS' (1 to 8 upper-case letters or "
	    "digits)");
	/* A refused prefix leaves the last good one. */
	assert_string_equal(kz_incident_prefix(), "CSIRT123");
	assert_int_equal(kz_incident_set_prefix("KZ"), 0);
	kz_store_close(st);
}

static void
test_ticket_valid(void **state)
{
	(void)state;
	assert_true(kz_ticket_valid("KZ-2026-000001"));
	assert_true(kz_ticket_valid("kz-2026-1"));
	assert_true(kz_ticket_valid("ABCDEFGH-2026-123456789012"));
	assert_false(kz_ticket_valid(NULL));
	assert_false(kz_ticket_valid(""));
	assert_false(kz_ticket_valid("KZ"));
	assert_false(kz_ticket_valid("-2026-000001"));
	assert_false(kz_ticket_valid("ABCDEFGHI-2026-1"));
	assert_false(kz_ticket_valid("K_Z-2026-1"));
	assert_false(kz_ticket_valid("KZ-26-000001"));
	assert_false(kz_ticket_valid("KZ-2026"));
	assert_false(kz_ticket_valid("KZ-2026-"));
	assert_false(kz_ticket_valid("KZ-2026-0000x1"));
	assert_false(kz_ticket_valid("KZ-2026-1234567890123"));
	assert_false(kz_ticket_valid("KZ-2026-000001 "));
	assert_false(kz_ticket_valid("KZ-20261-000001"));
}

static void
check_invalid(struct kz_store *st, struct kz_incident *inc, const char *msg)
{
	kz_error_clear();
	assert_int_equal(kz_incident_validate(inc), KZ_EINVAL);
	assert_string_equal(kz_error_message(), msg);
	assert_int_equal(kz_incident_create(st, inc, "alice"), KZ_EINVAL);
	assert_string_equal(kz_error_message(), msg);
}

static void
test_validation(void **state)
{
	struct kz_store *st = fresh();
	struct kz_incident inc;
	char *big = malloc(KZ_TEXT_MAX + 2);
	char title[KZ_TITLE_MAX + 2];

	(void)state;
	kz_incident_init(&inc);
	check_invalid(st, &inc, "title must not be empty");
	inc.title = " \t\n";
	check_invalid(st, &inc, "title must not be empty");
	memset(title, 'x', sizeof(title) - 1);
	title[sizeof(title) - 1] = '\0';
	inc.title = title;
	check_invalid(st, &inc, "title is too long (501 bytes, at most 500)");
	inc.title = "\xe9\x8a";
	check_invalid(st, &inc, "title is not valid UTF-8");
	inc.title = "ok";
	memset(big, 'd', KZ_TEXT_MAX + 1);
	big[KZ_TEXT_MAX + 1] = '\0';
	inc.description = big;
	check_invalid(st, &inc,
	    "description is too long (1048577 bytes, at most 1048576)");
	inc.description = "bad \xff byte";
	check_invalid(st, &inc, "description is not valid UTF-8");
	inc.description = NULL;
	big[201] = '\0';
	inc.assignee = big;
	check_invalid(
	    st, &inc, "assignee is too long (201 bytes, at most 200)");
	inc.assignee = NULL;
	inc.reporter = "\xc0\xaf";
	check_invalid(st, &inc, "reporter is not valid UTF-8");
	inc.reporter = NULL;
	inc.priority = 0;
	check_invalid(
	    st, &inc, "priority 0 is out of range (1 most urgent to 5 least)");
	inc.priority = 6;
	check_invalid(
	    st, &inc, "priority 6 is out of range (1 most urgent to 5 least)");
	inc.priority = 3;
	inc.category = KZ_CAT_COUNT;
	check_invalid(st, &inc, "incident field out of range");
	inc.category = KZ_CAT_SCAN;
	inc.tlp = KZ_TLP_COUNT;
	check_invalid(st, &inc, "incident field out of range");
	inc.tlp = KZ_TLP_RED;
	inc.stage = KZ_STAGE_COUNT;
	check_invalid(st, &inc, "incident field out of range");
	inc.stage = KZ_STAGE_NONE;
	/* Nothing was written by any of them. */
	assert_int_equal(query_int(st, "SELECT count(*) FROM incidents"), 0);
	assert_int_equal(query_int(st, "SELECT count(*) FROM events"), 0);
	assert_int_equal(query_int(st, "SELECT count(*) FROM ticket_seq"), 0);

	/* The limits themselves are allowed. */
	memset(title, 'x', KZ_TITLE_MAX);
	title[KZ_TITLE_MAX] = '\0';
	inc.title = title;
	memset(big, 'd', KZ_TEXT_MAX);
	big[KZ_TEXT_MAX] = '\0';
	inc.description = big;
	inc.priority = KZ_PRIORITY_MIN;
	assert_int_equal(kz_incident_create(st, &inc, NULL), 0);
	inc.priority = KZ_PRIORITY_MAX;
	inc.description = NULL;
	assert_int_equal(kz_incident_create(st, &inc, NULL), 0);
	free(big);
	kz_store_close(st);
}

static void
test_get(void **state)
{
	struct kz_store *st = fresh();
	struct kz_incident inc, *got = (struct kz_incident *)1;

	(void)state;
	mk(st, &inc, "x", KZ_CAT_SCAN);
	got = get(st, "kz-2026-000001");
	assert_string_equal(got->ticket, "KZ-2026-000001");
	kz_incident_free(got);
	got = get(st, "Kz-2026-000001");
	kz_incident_free(got);
	assert_int_equal(
	    kz_incident_get(&got, st, "KZ-2026-000002"), KZ_ENOTFOUND);
	assert_null(got);
	assert_string_equal(kz_error_message(),
	    "no incident 'KZ-2026-000002' (see 'kizuki incident list')");
	/* Another number for the same ticket is another ticket. */
	assert_int_equal(kz_incident_get(&got, st, "KZ-2026-1"), KZ_ENOTFOUND);
	assert_int_equal(kz_incident_get(&got, st, "nonsense"), KZ_EINVAL);
	assert_string_equal(kz_error_message(),
	    "'nonsense' is not a ticket id (like KZ-2026-000042)");
	assert_int_equal(kz_incident_get(&got, st, NULL), KZ_EINVAL);
	assert_int_equal(
	    kz_incident_get(&got, st, "KZ-2026-000001' OR 1=1"), KZ_EINVAL);
	assert_int_equal(kz_incident_get_id(&got, st, inc.id), 0);
	assert_string_equal(got->ticket, inc.ticket);
	kz_incident_free(got);
	assert_int_equal(kz_incident_get_id(&got, st, 999), KZ_ENOTFOUND);
	assert_string_equal(kz_error_message(), "no incident with id 999");
	assert_null(got);
	kz_incident_free(NULL);
	kz_incident_release(NULL);
	kz_store_close(st);
}

static void
test_update(void **state)
{
	struct kz_store *st = fresh();
	struct kz_incident inc, chg, *got;
	struct kz_event *ev;
	json_t *d;
	size_t n;

	(void)state;
	kz_incident_init(&inc);
	inc.title = "old title";
	inc.category = KZ_CAT_PHISHING;
	inc.assignee = "bob";
	assert_int_equal(kz_incident_create(st, &inc, "alice"), 0);

	kz_time_set_fixed(T0 + 60);
	kz_incident_init(&chg);
	chg.title = "新しい件名";
	chg.category = KZ_CAT_PHISHING; /* unchanged */
	chg.priority = 1;
	chg.tlp = KZ_TLP_RED;
	chg.stage = KZ_STAGE_RECON;
	chg.assignee = "bob"; /* unchanged */
	assert_int_equal(kz_incident_update(st, "kz-2026-000001", &chg,
			     KZ_F_TITLE | KZ_F_CATEGORY | KZ_F_PRIORITY |
				 KZ_F_TLP | KZ_F_STAGE | KZ_F_ASSIGNEE,
			     "carol"),
	    0);
	got = get(st, inc.ticket);
	assert_string_equal(got->title, "新しい件名");
	assert_int_equal(got->category, KZ_CAT_PHISHING);
	assert_int_equal(got->priority, 1);
	assert_int_equal(got->tlp, KZ_TLP_RED);
	assert_int_equal(got->stage, KZ_STAGE_RECON);
	assert_string_equal(got->assignee, "bob");
	assert_int_equal(got->updated_at, T0 + 60);
	assert_int_equal(got->created_at, T0);
	kz_incident_free(got);

	n = events(st, inc.id, &ev);
	assert_int_equal(n, 2);
	assert_string_equal(ev[1].kind, "update");
	assert_string_equal(ev[1].actor, "carol");
	assert_int_equal(ev[1].at, T0 + 60);
	d = ev[1].data;
	assert_non_null(d);
	/* Only what changed, each with its old and new value. */
	assert_int_equal(json_object_size(d), 4);
	assert_string_equal(json_string_value(json_object_get(
				json_object_get(d, "title"), "from")),
	    "old title");
	assert_string_equal(json_string_value(json_object_get(
				json_object_get(d, "title"), "to")),
	    "新しい件名");
	assert_int_equal(json_integer_value(json_object_get(
			     json_object_get(d, "priority"), "from")),
	    3);
	assert_int_equal(json_integer_value(json_object_get(
			     json_object_get(d, "priority"), "to")),
	    1);
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(d, "tlp"), "to")),
	    "red");
	assert_true(
	    json_is_null(json_object_get(json_object_get(d, "stage"), "from")));
	assert_string_equal(json_string_value(json_object_get(
				json_object_get(d, "stage"), "to")),
	    "recon");
	assert_null(json_object_get(d, "category"));
	assert_null(json_object_get(d, "assignee"));
	kz_event_list_free(ev, n);

	/* Fields outside the mask are ignored even when they differ. */
	kz_time_set_fixed(T0 + 120);
	chg.title = "ignored";
	chg.reporter = "someone";
	chg.assignee = "dave";
	assert_int_equal(
	    kz_incident_update(st, inc.ticket, &chg, KZ_F_ASSIGNEE, "carol"),
	    0);
	n = events(st, inc.id, &ev);
	assert_int_equal(n, 3);
	/* Only the assignee: an "assign" event. */
	assert_string_equal(ev[2].kind, "assign");
	assert_int_equal(json_object_size(ev[2].data), 1);
	assert_string_equal(
	    json_string_value(json_object_get(
		json_object_get(ev[2].data, "assignee"), "from")),
	    "bob");
	assert_string_equal(json_string_value(json_object_get(
				json_object_get(ev[2].data, "assignee"), "to")),
	    "dave");
	kz_event_list_free(ev, n);
	got = get(st, inc.ticket);
	assert_string_equal(got->title, "新しい件名");
	assert_null(got->reporter);
	kz_incident_free(got);

	/* A blank assignee unassigns. */
	chg.assignee = "  ";
	assert_int_equal(
	    kz_incident_update(st, inc.ticket, &chg, KZ_F_ASSIGNEE, "carol"),
	    0);
	got = get(st, inc.ticket);
	assert_null(got->assignee);
	kz_incident_free(got);
	n = events(st, inc.id, &ev);
	assert_true(json_is_null(json_object_get(
	    json_object_get(ev[n - 1].data, "assignee"), "to")));
	kz_event_list_free(ev, n);
	kz_store_close(st);
}

static void
test_update_nothing(void **state)
{
	struct kz_store *st = fresh();
	struct kz_incident inc, chg, *got;
	struct kz_event *ev;
	size_t n;

	(void)state;
	mk(st, &inc, "same", KZ_CAT_DOS);
	kz_time_set_fixed(T0 + 60);
	/* Every field set to what is stored: no event, no new time. */
	kz_incident_init(&chg);
	chg.title = "same";
	chg.category = KZ_CAT_DOS;
	chg.description = NULL; /* stored as "" */
	assert_int_equal(
	    kz_incident_update(st, inc.ticket, &chg,
		KZ_F_TITLE | KZ_F_CATEGORY | KZ_F_DESCRIPTION | KZ_F_PRIORITY |
		    KZ_F_TLP | KZ_F_STAGE | KZ_F_ASSIGNEE | KZ_F_REPORTER,
		"carol"),
	    0);
	chg.description = "";
	assert_int_equal(
	    kz_incident_update(st, inc.ticket, &chg, KZ_F_DESCRIPTION, "carol"),
	    0);
	assert_int_equal(
	    kz_incident_update(st, inc.ticket, &chg, 0, "carol"), 0);
	n = events(st, inc.id, &ev);
	assert_int_equal(n, 1);
	kz_event_list_free(ev, n);
	got = get(st, inc.ticket);
	assert_int_equal(got->updated_at, T0);
	kz_incident_free(got);

	/* Setting a description and clearing it again are real changes. */
	chg.description = "詳細";
	assert_int_equal(
	    kz_incident_update(st, inc.ticket, &chg, KZ_F_DESCRIPTION, "carol"),
	    0);
	chg.description = NULL;
	assert_int_equal(
	    kz_incident_update(st, inc.ticket, &chg, KZ_F_DESCRIPTION, "carol"),
	    0);
	n = events(st, inc.id, &ev);
	assert_int_equal(n, 3);
	assert_string_equal(
	    json_string_value(json_object_get(
		json_object_get(ev[2].data, "description"), "to")),
	    "");
	kz_event_list_free(ev, n);
	kz_store_close(st);
}

static void
test_update_invalid(void **state)
{
	struct kz_store *st = fresh();
	struct kz_incident inc, chg, *got;
	struct kz_event *ev;
	size_t n;

	(void)state;
	mk(st, &inc, "keep", KZ_CAT_DOS);
	kz_incident_init(&chg);
	chg.title = "changed";
	chg.priority = 9;
	assert_int_equal(kz_incident_update(st, inc.ticket, &chg,
			     KZ_F_TITLE | KZ_F_PRIORITY, "carol"),
	    KZ_EINVAL);
	assert_non_null(strstr(kz_error_message(), "priority 9"));
	chg.priority = 3;
	chg.title = "";
	assert_int_equal(
	    kz_incident_update(st, inc.ticket, &chg, KZ_F_TITLE, "carol"),
	    KZ_EINVAL);
	assert_string_equal(kz_error_message(), "title must not be empty");
	got = get(st, inc.ticket);
	assert_string_equal(got->title, "keep");
	assert_int_equal(got->priority, 3);
	kz_incident_free(got);
	n = events(st, inc.id, &ev);
	assert_int_equal(n, 1);
	kz_event_list_free(ev, n);
	chg.title = "x";
	assert_int_equal(
	    kz_incident_update(st, "KZ-2026-000099", &chg, KZ_F_TITLE, "carol"),
	    KZ_ENOTFOUND);
	assert_int_equal(
	    kz_incident_update(st, "bogus", &chg, KZ_F_TITLE, "carol"),
	    KZ_EINVAL);
	/* The store is not left inside a transaction. */
	assert_int_equal(kz_store_commit(st), KZ_EIO);
	kz_store_close(st);
}

static void
test_set_status(void **state)
{
	struct kz_store *st = fresh();
	struct kz_incident inc, *got;
	struct kz_event *ev;
	size_t n;

	(void)state;
	mk(st, &inc, "flow", KZ_CAT_PHISHING);
	kz_time_set_fixed(T0 + 10);
	assert_int_equal(kz_incident_set_status(st, inc.ticket, KZ_ST_TRIAGED,
			     "bob", "確認しました"),
	    0);
	got = get(st, inc.ticket);
	assert_int_equal(got->status, KZ_ST_TRIAGED);
	assert_int_equal(got->updated_at, T0 + 10);
	assert_int_equal(got->coordinated, 0);
	assert_int_equal(got->closed_at, 0);
	kz_incident_free(got);
	n = events(st, inc.id, &ev);
	assert_int_equal(n, 2);
	assert_string_equal(ev[1].kind, "status");
	assert_string_equal(ev[1].actor, "bob");
	assert_string_equal(ev[1].text, "確認しました");
	assert_string_equal(
	    json_string_value(json_object_get(ev[1].data, "from")), "new");
	assert_string_equal(
	    json_string_value(json_object_get(ev[1].data, "to")), "triaged");
	kz_event_list_free(ev, n);

	/* Coordinating marks the incident as coordinated, for good. */
	kz_time_set_fixed(T0 + 20);
	assert_int_equal(kz_incident_set_status(
			     st, inc.ticket, KZ_ST_COORDINATING, "bob", NULL),
	    0);
	kz_time_set_fixed(T0 + 30);
	assert_int_equal(
	    kz_incident_set_status(st, inc.ticket, KZ_ST_WAITING, "bob", NULL),
	    0);
	assert_int_equal(
	    kz_incident_set_status(st, inc.ticket, KZ_ST_RESOLVED, "bob", NULL),
	    0);
	got = get(st, inc.ticket);
	assert_int_equal(got->status, KZ_ST_RESOLVED);
	assert_int_equal(got->coordinated, 1);
	assert_int_equal(got->closed_at, 0);
	kz_incident_free(got);

	/* Closing sets closed_at; reopening clears it. */
	kz_time_set_fixed(T0 + 40);
	assert_int_equal(
	    kz_incident_set_status(st, inc.ticket, KZ_ST_CLOSED, "bob", NULL),
	    0);
	got = get(st, inc.ticket);
	assert_int_equal(got->closed_at, T0 + 40);
	assert_int_equal(got->coordinated, 1);
	kz_incident_free(got);
	kz_time_set_fixed(T0 + 50);
	assert_int_equal(kz_incident_set_status(
			     st, inc.ticket, KZ_ST_TRIAGED, "bob", "reopened"),
	    0);
	got = get(st, inc.ticket);
	assert_int_equal(got->status, KZ_ST_TRIAGED);
	assert_int_equal(got->closed_at, 0);
	assert_int_equal(got->coordinated, 1);
	kz_incident_free(got);
	/* Rejecting ends the case too. */
	kz_time_set_fixed(T0 + 60);
	assert_int_equal(
	    kz_incident_set_status(st, inc.ticket, KZ_ST_REJECTED, "bob", NULL),
	    0);
	got = get(st, inc.ticket);
	assert_int_equal(got->closed_at, T0 + 60);
	kz_incident_free(got);
	n = events(st, inc.id, &ev);
	assert_int_equal(n, 8);
	kz_event_list_free(ev, n);
	kz_store_close(st);
}

static void
test_set_status_refused(void **state)
{
	struct kz_store *st = fresh();
	struct kz_incident inc, *got;
	struct kz_event *ev;
	size_t n;

	(void)state;
	mk(st, &inc, "flow", KZ_CAT_PHISHING);
	kz_time_set_fixed(T0 + 10);
	assert_int_equal(
	    kz_incident_set_status(st, inc.ticket, KZ_ST_WAITING, "bob", NULL),
	    KZ_ECONFLICT);
	assert_string_equal(kz_error_message(),
	    "cannot move from 'new' to 'waiting' (allowed from 'new': "
	    "triaged, coordinating, resolved, closed, rejected)");
	assert_int_equal(
	    kz_incident_set_status(st, inc.ticket, KZ_ST_NEW, "bob", NULL),
	    KZ_ECONFLICT);
	assert_string_equal(
	    kz_error_message(), "incident KZ-2026-000001 is already 'new'");
	assert_int_equal(kz_incident_set_status(
			     st, inc.ticket, (enum kz_status)42, "bob", NULL),
	    KZ_ECONFLICT);
	assert_int_equal(
	    kz_incident_set_status(st, inc.ticket, KZ_ST_CLOSED, "bob", "\xff"),
	    KZ_EINVAL);
	assert_string_equal(kz_error_message(), "note is not valid UTF-8");
	assert_int_equal(kz_incident_set_status(
			     st, "KZ-2026-000009", KZ_ST_CLOSED, "bob", NULL),
	    KZ_ENOTFOUND);
	got = get(st, inc.ticket);
	assert_int_equal(got->status, KZ_ST_NEW);
	assert_int_equal(got->updated_at, T0);
	kz_incident_free(got);
	n = events(st, inc.id, &ev);
	assert_int_equal(n, 1);
	kz_event_list_free(ev, n);
	assert_int_equal(kz_store_commit(st), KZ_EIO);
	kz_store_close(st);
}

static void
test_note(void **state)
{
	struct kz_store *st = fresh();
	struct kz_incident inc, *got;
	struct kz_event *ev;
	size_t n;

	(void)state;
	mk(st, &inc, "notes", KZ_CAT_SCAN);
	kz_time_set_fixed(T0 + 5);
	assert_int_equal(
	    kz_incident_note(st, inc.ticket, "bob", "ISPに連絡済み\n2行目"), 0);
	assert_int_equal(
	    kz_incident_note(st, inc.ticket, "bob", ""), KZ_EINVAL);
	assert_string_equal(kz_error_message(), "note must not be empty");
	assert_int_equal(
	    kz_incident_note(st, inc.ticket, "bob", NULL), KZ_EINVAL);
	assert_int_equal(
	    kz_incident_note(st, "KZ-2026-000002", "bob", "x"), KZ_ENOTFOUND);
	n = events(st, inc.id, &ev);
	assert_int_equal(n, 2);
	assert_string_equal(ev[1].kind, "note");
	assert_string_equal(ev[1].actor, "bob");
	assert_string_equal(ev[1].text, "ISPに連絡済み\n2行目");
	assert_null(ev[1].data);
	assert_int_equal(ev[1].at, T0 + 5);
	kz_event_list_free(ev, n);
	got = get(st, inc.ticket);
	assert_int_equal(got->updated_at, T0 + 5);
	kz_incident_free(got);
	kz_store_close(st);
}

/* A fixed set of incidents for the filter tests, a day apart. */
static void
seed(struct kz_store *st)
{
	static const struct {
		const char *title;
		const char *description;
		enum kz_category cat;
		int priority;
		enum kz_tlp tlp;
		const char *assignee;
		enum kz_status status;
	} rows[] = {
		/* 1 */ { "銀行を装うフィッシングサイト", "偽のログイン画面",
		    KZ_CAT_PHISHING, 1, KZ_TLP_AMBER, "bob", KZ_ST_NEW },
		/* 2 */
		{ "改ざんの報告", "Webサイトが改ざんされ不正送金を誘導",
		    KZ_CAT_DEFACEMENT, 2, KZ_TLP_GREEN, "alice",
		    KZ_ST_TRIAGED },
		/* 3 */
		{ "Port scan from 192.0.2.1", "tcp/22 and tcp/23", KZ_CAT_SCAN,
		    5, KZ_TLP_CLEAR, NULL, KZ_ST_CLOSED },
		/* 4 */
		{ "100% discount phishing kit", "sold on a forum",
		    KZ_CAT_PHISHING, 3, KZ_TLP_RED, "bob", KZ_ST_COORDINATING },
		/* 5 */
		{ "1000 off coupon spam", "no percent sign here", KZ_CAT_OTHER,
		    4, KZ_TLP_AMBER_STRICT, NULL, KZ_ST_REJECTED },
		/* 6 */
		{ "file a_b.exe dropped", "malware", KZ_CAT_MALWARE_SITE, 2,
		    KZ_TLP_AMBER, "carol", KZ_ST_NEW },
		/* 7 */
		{ "file axb.exe dropped", "say \"hi\" to the C2",
		    KZ_CAT_MALWARE_SITE, 3, KZ_TLP_AMBER, NULL, KZ_ST_NEW },
		/* 8 */
		{ "銀行 DDoS", "大量の通信", KZ_CAT_DOS, 1, KZ_TLP_AMBER,
		    "alice", KZ_ST_TRIAGED },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct kz_incident inc;

		kz_incident_init(&inc);
		inc.title = (char *)rows[i].title;
		inc.description = (char *)rows[i].description;
		inc.category = rows[i].cat;
		inc.priority = rows[i].priority;
		inc.tlp = rows[i].tlp;
		inc.assignee = (char *)rows[i].assignee;
		inc.created_at = T0 + (int64_t)i * DAY;
		assert_int_equal(kz_incident_create(st, &inc, "alice"), 0);
		if (rows[i].status != KZ_ST_NEW)
			assert_int_equal(kz_incident_set_status(st, inc.ticket,
					     rows[i].status, "alice", NULL),
			    0);
	}
}

/* Lists with f and compares the ticket numbers (newest first unless f
 * says otherwise) with want, e.g. "8 4 1". */
static void
expect(struct kz_store *st, const struct kz_incident_filter *f,
    const char *want, int64_t total)
{
	struct kz_incident_list l;
	char got[256] = "";

	if (kz_incident_list(&l, st, f) != 0)
		fail_msg("list: %s", kz_error_message());
	for (size_t i = 0; i < l.n; i++)
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%d",
		    i ? " " : "", atoi(l.items[i].ticket + 8));
	if (strcmp(got, want) != 0)
		fail_msg("text '%s': got '%s', want '%s'",
		    f->text ? f->text : "", got, want);
	assert_int_equal(l.total, total < 0 ? (int64_t)l.n : total);
	kz_incident_list_release(&l);
}

static void
test_list_filters(void **state)
{
	struct kz_store *st = fresh();
	struct kz_incident_filter f;

	(void)state;
	seed(st);
	memset(&f, 0, sizeof(f));
	expect(st, &f, "8 7 6 5 4 3 2 1", -1);
	f.oldest_first = 1;
	expect(st, &f, "1 2 3 4 5 6 7 8", -1);
	f.oldest_first = 0;

	f.statuses = 1u << KZ_ST_NEW;
	expect(st, &f, "7 6 1", -1);
	f.statuses |= 1u << KZ_ST_CLOSED | 1u << KZ_ST_REJECTED;
	expect(st, &f, "7 6 5 3 1", -1);
	f.statuses = 0;

	f.categories = 1u << KZ_CAT_PHISHING;
	expect(st, &f, "4 1", -1);
	f.categories |= 1u << KZ_CAT_DOS;
	expect(st, &f, "8 4 1", -1);
	f.categories = 0;

	f.tlps = 1u << KZ_TLP_AMBER_STRICT | 1u << KZ_TLP_RED;
	expect(st, &f, "5 4", -1);
	f.tlps = 1u << KZ_TLP_CLEAR;
	expect(st, &f, "3", -1);
	f.tlps = 0;

	f.assignee = "bob";
	expect(st, &f, "4 1", -1);
	f.assignee = "-";
	expect(st, &f, "7 5 3", -1);
	f.assignee = "nobody";
	expect(st, &f, "", 0);
	f.assignee = NULL;

	f.priority_min = 2;
	f.priority_max = 3;
	expect(st, &f, "7 6 4 2", -1);
	f.priority_min = 0;
	f.priority_max = 1;
	expect(st, &f, "8 1", -1);
	f.priority_max = 0;

	f.from = T0 + 2 * DAY;
	f.to = T0 + 5 * DAY;
	expect(st, &f, "5 4 3", -1);
	f.to = 0;
	expect(st, &f, "8 7 6 5 4 3", -1);
	f.from = 0;
	f.to = T0 + DAY;
	expect(st, &f, "1", -1);
	f.to = 0;

	/* Everything at once. */
	f.statuses = 1u << KZ_ST_NEW | 1u << KZ_ST_COORDINATING;
	f.categories = 1u << KZ_CAT_PHISHING | 1u << KZ_CAT_MALWARE_SITE;
	f.assignee = "bob";
	f.priority_min = 3;
	expect(st, &f, "4", -1);
	kz_store_close(st);
}

static void
test_list_pages(void **state)
{
	struct kz_store *st = fresh();
	struct kz_incident_filter f;
	struct kz_incident inc;

	(void)state;
	seed(st);
	memset(&f, 0, sizeof(f));
	f.limit = 3;
	expect(st, &f, "8 7 6", 8);
	f.offset = 3;
	expect(st, &f, "5 4 3", 8);
	f.offset = 6;
	expect(st, &f, "2 1", 8);
	f.offset = 8;
	expect(st, &f, "", 8);
	f.offset = 100;
	expect(st, &f, "", 8);
	f.oldest_first = 1;
	f.offset = 2;
	expect(st, &f, "3 4 5", 8);
	/* The total follows the filter, not the page. */
	f.categories = 1u << KZ_CAT_MALWARE_SITE | 1u << KZ_CAT_PHISHING;
	f.offset = 0;
	f.limit = 1;
	expect(st, &f, "1", 4);

	/* Without a limit, pages are 50 long. */
	for (int i = 0; i < 52; i++)
		mk(st, &inc, "bulk", KZ_CAT_SCAN);
	memset(&f, 0, sizeof(f));
	{
		struct kz_incident_list l;

		assert_int_equal(kz_incident_list(&l, st, &f), 0);
		assert_int_equal(l.n, 50);
		assert_int_equal(l.total, 60);
		kz_incident_list_release(&l);
		assert_null(l.items);
		assert_int_equal(l.n, 0);
	}
	/* Same created_at: the newer id first. */
	f.limit = 2;
	expect(st, &f, "8 7", 60);
	kz_store_close(st);
}

static void
test_list_text(void **state)
{
	struct kz_store *st = fresh();
	struct kz_incident_filter f;

	(void)state;
	seed(st);
	memset(&f, 0, sizeof(f));
	/* Three characters and more: the trigram index. */
	f.text = "フィッシング";
	expect(st, &f, "1", -1);
	f.text = "不正送金";
	expect(st, &f, "2", -1);
	f.text = "ログイン画面";
	expect(st, &f, "1", -1);
	f.text = "PHISHING";
	expect(st, &f, "4", -1);
	f.text = "phishing kit";
	expect(st, &f, "4", -1);
	f.text = "フィッシング 偽の";
	expect(st, &f, "1", -1);
	f.text = "フィッシング 改ざん";
	expect(st, &f, "", 0);
	/* Shorter words: LIKE. */
	f.text = "銀行";
	expect(st, &f, "8 1", -1);
	f.text = "改ざ";
	expect(st, &f, "2", -1);
	f.text = "銀";
	expect(st, &f, "8 1", -1);
	f.text = "銀行 通信";
	expect(st, &f, "8", -1);
	/* Words are split on the ideographic space too. */
	f.text = "銀行\xe3\x80\x80"
		 "フィッシング";
	expect(st, &f, "1", -1);
	f.text = "　銀行　";
	expect(st, &f, "8 1", -1);
	f.text = "銀行 DDoS";
	expect(st, &f, "8", -1);
	/* % and _ are plain characters. */
	f.text = "0%";
	expect(st, &f, "4", -1);
	f.text = "%";
	expect(st, &f, "4", -1);
	f.text = "_b";
	expect(st, &f, "6", -1);
	f.text = "a_b";
	expect(st, &f, "6", -1);
	f.text = "_";
	expect(st, &f, "6", -1);
	f.text = "\\";
	expect(st, &f, "", 0);
	/* Quotes do not break the full-text query. */
	f.text = "\"hi\"";
	expect(st, &f, "7", -1);
	f.text = "say \"hi";
	expect(st, &f, "7", -1);
	f.text = "AND OR NOT";
	expect(st, &f, "", 0);
	f.text = "tcp/22*";
	expect(st, &f, "", 0);
	/* Blank text is no filter. */
	f.text = "   ";
	expect(st, &f, "8 7 6 5 4 3 2 1", -1);
	/* With the other filters, and with pages. */
	f.text = "file";
	f.statuses = 1u << KZ_ST_NEW;
	f.limit = 1;
	expect(st, &f, "7", 2);
	kz_store_close(st);
}

static void
test_list_text_limits(void **state)
{
	struct kz_store *st = fresh();
	struct kz_incident_filter f;
	struct kz_incident_list l;
	char many[128] = "";
	char *longtext = malloc(1002);

	(void)state;
	seed(st);
	memset(&f, 0, sizeof(f));
	memset(longtext, 'a', 1001);
	longtext[1001] = '\0';
	f.text = longtext;
	assert_int_equal(kz_incident_list(&l, st, &f), KZ_EINVAL);
	assert_string_equal(kz_error_message(),
	    "search text is too long (1001 bytes, at most 1000)");
	assert_int_equal(l.n, 0);
	free(longtext);
	f.text = "\xff\xfe";
	assert_int_equal(kz_incident_list(&l, st, &f), KZ_EINVAL);
	assert_string_equal(
	    kz_error_message(), "search text is not valid UTF-8");
	/* Every word counts, also past the sixteenth short one. */
	for (int i = 0; i < 16; i++)
		strcat(many, "銀 ");
	f.text = many;
	expect(st, &f, "8 1", -1);
	strcat(many, "zz");
	assert_int_equal(kz_incident_list(&l, st, &f), KZ_EINVAL);
	assert_string_equal(kz_error_message(),
	    "too many short words in the search text (at most 16)");
	assert_int_equal(l.n, 0);
	/* Long words are not limited that way. */
	many[0] = '\0';
	for (int i = 0; i < 20; i++)
		strcat(many, "file ");
	f.text = many;
	expect(st, &f, "7 6", -1);
	kz_store_close(st);
}

static void
test_search_follows_updates(void **state)
{
	struct kz_store *st = fresh();
	struct kz_incident inc, chg;
	struct kz_incident_filter f;

	(void)state;
	mk(st, &inc, "古い件名です", KZ_CAT_SCAN);
	kz_incident_init(&chg);
	chg.title = "新しい件名です";
	chg.description = "追加の説明文";
	assert_int_equal(kz_incident_update(st, inc.ticket, &chg,
			     KZ_F_TITLE | KZ_F_DESCRIPTION, NULL),
	    0);
	memset(&f, 0, sizeof(f));
	f.text = "古い件名";
	expect(st, &f, "", 0);
	f.text = "新しい件名";
	expect(st, &f, "1", -1);
	f.text = "説明文";
	expect(st, &f, "1", -1);
	kz_store_close(st);
}

static void
test_import(void **state)
{
	struct kz_store *st = fresh();
	struct kz_incident inc, *got;
	struct kz_event *ev;
	int64_t c, u, x;
	size_t n;

	(void)state;
	assert_int_equal(kz_time_parse(&c, "2024-03-01T00:00:00Z"), 0);
	assert_int_equal(kz_time_parse(&u, "2024-03-05T00:00:00Z"), 0);
	assert_int_equal(kz_time_parse(&x, "2024-03-04T00:00:00Z"), 0);
	kz_incident_init(&inc);
	inc.title = "旧システムの案件";
	inc.category = KZ_CAT_TARGETED;
	inc.status = KZ_ST_CLOSED;
	inc.coordinated = 1;
	inc.created_at = c;
	inc.updated_at = u;
	inc.closed_at = x;
	assert_int_equal(kz_incident_import(st, &inc, "migrator"), 0);
	assert_string_equal(inc.ticket, "KZ-2024-000001");
	got = get(st, inc.ticket);
	assert_int_equal(got->status, KZ_ST_CLOSED);
	assert_int_equal(got->coordinated, 1);
	assert_int_equal(got->created_at, c);
	assert_int_equal(got->updated_at, u);
	assert_int_equal(got->closed_at, x);
	kz_incident_free(got);
	n = events(st, inc.id, &ev);
	assert_int_equal(n, 1);
	assert_string_equal(ev[0].kind, "imported");
	assert_string_equal(ev[0].actor, "migrator");
	assert_int_equal(ev[0].at, c);
	kz_event_list_free(ev, n);

	/* Closed without a closing time: the last update closed it. */
	kz_incident_init(&inc);
	inc.title = "rejected long ago";
	inc.status = KZ_ST_REJECTED;
	inc.created_at = c;
	inc.updated_at = u;
	assert_int_equal(kz_incident_import(st, &inc, NULL), 0);
	assert_string_equal(inc.ticket, "KZ-2024-000002");
	assert_int_equal(inc.closed_at, u);
	/* Open: no closing time, whatever was given; updated_at is at
	 * least created_at. */
	kz_incident_init(&inc);
	inc.title = "still open";
	inc.status = KZ_ST_WAITING;
	inc.created_at = c;
	inc.closed_at = u;
	assert_int_equal(kz_incident_import(st, &inc, NULL), 0);
	got = get(st, inc.ticket);
	assert_int_equal(got->status, KZ_ST_WAITING);
	assert_int_equal(got->closed_at, 0);
	assert_int_equal(got->updated_at, c);
	kz_incident_free(got);
	/* Without a time: now. */
	kz_incident_init(&inc);
	inc.title = "now";
	assert_int_equal(kz_incident_import(st, &inc, NULL), 0);
	assert_string_equal(inc.ticket, "KZ-2026-000001");
	assert_int_equal(inc.created_at, T0);

	/* Refused. */
	kz_incident_init(&inc);
	inc.title = "bad";
	inc.status = KZ_ST_CLOSED;
	inc.created_at = u;
	inc.closed_at = c;
	assert_int_equal(kz_incident_import(st, &inc, NULL), KZ_EINVAL);
	assert_string_equal(
	    kz_error_message(), "closed_at is before created_at");
	inc.closed_at = 0;
	inc.status = KZ_ST_COUNT;
	assert_int_equal(kz_incident_import(st, &inc, NULL), KZ_EINVAL);
	inc.status = KZ_ST_NEW;
	inc.title = NULL;
	assert_int_equal(kz_incident_import(st, &inc, NULL), KZ_EINVAL);
	assert_int_equal(query_int(st, "SELECT count(*) FROM incidents"), 4);

	/* Inside a caller's transaction that is rolled back: nothing. */
	assert_int_equal(kz_store_begin(st), 0);
	for (int i = 0; i < 3; i++) {
		kz_incident_init(&inc);
		inc.title = "batch";
		inc.created_at = c;
		assert_int_equal(kz_incident_import(st, &inc, NULL), 0);
	}
	kz_store_rollback(st);
	assert_int_equal(query_int(st, "SELECT count(*) FROM incidents"), 4);
	assert_int_equal(query_int(st, "SELECT count(*) FROM events"), 4);
	kz_store_close(st);
}

/* The total of a list as kz_incident_list says it. */
static int64_t
list_total(struct kz_store *st, unsigned statuses, unsigned cats, unsigned tlps,
    const char *text)
{
	struct kz_incident_filter f = { 0 };
	struct kz_incident_list l;
	int64_t n;

	f.statuses = statuses;
	f.categories = cats;
	f.tlps = tlps;
	f.text = text;
	f.limit = 1;
	assert_int_equal(kz_incident_list(&l, st, &f), 0);
	n = l.total;
	kz_incident_list_release(&l);
	return n;
}

static void
test_totals_from_counts(void **state)
{
	struct kz_store *st = fresh();
	struct kz_incident inc, chg;
	char tickets[40][KZ_TICKET_MAX];

	(void)state;
	for (int i = 0; i < 40; i++) {
		kz_incident_init(&inc);
		inc.title = "counted";
		inc.category = (enum kz_category)(i % KZ_CAT_COUNT);
		inc.tlp = (enum kz_tlp)(i % KZ_TLP_COUNT);
		assert_int_equal(kz_incident_create(st, &inc, "alice"), 0);
		memcpy(tickets[i], inc.ticket, KZ_TICKET_MAX);
	}
	/* moves: status, category and TLP, one of them a no-op */
	for (int i = 0; i < 40; i += 3)
		assert_int_equal(kz_incident_set_status(st, tickets[i],
				     KZ_ST_TRIAGED, "alice", NULL),
		    0);
	for (int i = 1; i < 40; i += 4) {
		kz_incident_init(&chg);
		chg.category = KZ_CAT_PHISHING;
		chg.tlp =
		    i % 8 == 1 ? KZ_TLP_RED : (enum kz_tlp)(i % KZ_TLP_COUNT);
		assert_int_equal(kz_incident_update(st, tickets[i], &chg,
				     KZ_F_CATEGORY | KZ_F_TLP, "alice"),
		    0);
	}
	/* a failed change leaves the counts alone */
	assert_int_not_equal(
	    kz_incident_set_status(st, tickets[0], KZ_ST_NEW, "alice", NULL),
	    0);
	for (unsigned sb = 0; sb < 4; sb++)
		for (unsigned cb = 0; cb < 4; cb++)
			for (unsigned tb = 0; tb < 3; tb++) {
				unsigned ss = sb == 0 ? 0 :
				    sb == 1           ? 1u << KZ_ST_NEW :
				    sb == 2           ? 1u << KZ_ST_TRIAGED :
							(1u << KZ_ST_NEW) |
					(1u << KZ_ST_TRIAGED);
				unsigned cs = cb == 0 ? 0 :
				    cb == 1           ? 1u << KZ_CAT_PHISHING :
				    cb == 2           ? 1u << KZ_CAT_SCAN :
							(1u << KZ_CAT_PHISHING) |
					(1u << KZ_CAT_OTHER);
				unsigned ts = tb == 0 ? 0 :
				    tb == 1           ? 1u << KZ_TLP_RED :
							(1u << KZ_TLP_AMBER) |
					(1u << KZ_TLP_CLEAR);
				/* the words force a real count */
				assert_int_equal(
				    list_total(st, ss, cs, ts, NULL),
				    list_total(st, ss, cs, ts, "counted"));
			}
	assert_int_equal(list_total(st, 0, 0, 0, NULL), 40);
	assert_int_equal(
	    query_int(st, "SELECT sum(n) FROM incident_counts"), 40);
	kz_store_close(st);
}

static void
test_to_json(void **state)
{
	struct kz_store *st = fresh();
	struct kz_incident inc, *got;
	json_t *j;
	char *d;

	(void)state;
	kz_incident_init(&inc);
	inc.title = "JSON";
	inc.category = KZ_CAT_PHISHING;
	inc.tlp = KZ_TLP_AMBER_STRICT;
	inc.assignee = "bob";
	assert_int_equal(kz_incident_create(st, &inc, NULL), 0);
	got = get(st, inc.ticket);
	j = kz_incident_to_json(got);
	d = kz_json_dump(j, 0);
	assert_string_equal(d,
	    "{\"ticket\":\"KZ-2026-000001\",\"title\":\"JSON\","
	    "\"description\":\"\",\"category\":\"phishing\","
	    "\"rsit\":\"fraud/phishing\",\"status\":\"new\",\"priority\":3,"
	    "\"tlp\":\"TLP:AMBER+STRICT\",\"stage\":null,\"assignee\":\"bob\","
	    "\"reporter\":null,\"coordinated\":false,"
	    "\"created_at\":\"2026-07-01T00:00:00Z\","
	    "\"updated_at\":\"2026-07-01T00:00:00Z\",\"closed_at\":null}");
	free(d);
	json_decref(j);
	kz_incident_free(got);
	kz_store_close(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create),
		cmocka_unit_test(test_tickets_per_year),
		cmocka_unit_test(test_prefix),
		cmocka_unit_test(test_ticket_valid),
		cmocka_unit_test(test_validation),
		cmocka_unit_test(test_get),
		cmocka_unit_test(test_update),
		cmocka_unit_test(test_update_nothing),
		cmocka_unit_test(test_update_invalid),
		cmocka_unit_test(test_set_status),
		cmocka_unit_test(test_set_status_refused),
		cmocka_unit_test(test_note),
		cmocka_unit_test(test_list_filters),
		cmocka_unit_test(test_list_pages),
		cmocka_unit_test(test_list_text),
		cmocka_unit_test(test_list_text_limits),
		cmocka_unit_test(test_search_follows_updates),
		cmocka_unit_test(test_import),
		cmocka_unit_test(test_totals_from_counts),
		cmocka_unit_test(test_to_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
