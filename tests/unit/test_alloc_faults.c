/* SPDX-License-Identifier: MIT */
/* Fault injection: every allocation of a typical session fails in turn. */
#include "testutil.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/timeutil.h"
#include "model/event.h"
#include "model/incident.h"
#include "model/org.h"
#include "model/report.h"
#include "store/store.h"

#define T0 1782864000 /* 2026-07-01T00:00:00Z */

/* How far the session got, for the consistency checks. */
struct progress {
	int step; /* the step that failed, or 0 when all succeeded */
	int rc;   /* its result */
	char msg[256];
};

static int
fail_step(struct progress *p, int step, int rc)
{
	p->step = step;
	p->rc = rc;
	snprintf(p->msg, sizeof(p->msg), "%s", kz_error_message());
	return rc;
}

/*
 * The session: open a new database, create an incident, update it, move
 * it on, note, attach a report, list with a search, read the timeline,
 * and add an org with entries of every kind.
 */
static int
session(const char *path, struct progress *p)
{
	struct kz_store *st = NULL;
	struct kz_incident inc, chg, *got = NULL;
	struct kz_incident_filter f;
	struct kz_incident_list l;
	struct kz_event *ev;
	struct kz_report rep;
	struct kz_org org;
	size_t n;
	int rc;

	memset(p, 0, sizeof(*p));
	if ((rc = kz_store_open(&st, path, 0)))
		return fail_step(p, 1, rc);
	kz_incident_init(&inc);
	inc.title = "銀行を装うフィッシング";
	inc.description = "偽サイト";
	inc.category = KZ_CAT_PHISHING;
	inc.assignee = "bob";
	if ((rc = kz_incident_create(st, &inc, "alice"))) {
		fail_step(p, 2, rc);
		goto out;
	}
	kz_incident_init(&chg);
	chg.title = "updated";
	chg.priority = 1;
	chg.assignee = "carol";
	if ((rc = kz_incident_update(st, inc.ticket, &chg,
		 KZ_F_TITLE | KZ_F_PRIORITY | KZ_F_ASSIGNEE, "alice"))) {
		fail_step(p, 3, rc);
		goto out;
	}
	if ((rc = kz_incident_set_status(
		 st, inc.ticket, KZ_ST_COORDINATING, "alice", "ISPへ連絡"))) {
		fail_step(p, 4, rc);
		goto out;
	}
	if ((rc = kz_incident_note(st, inc.ticket, "alice", "memo"))) {
		fail_step(p, 5, rc);
		goto out;
	}
	memset(&rep, 0, sizeof(rep));
	rep.incident_id = inc.id;
	rep.source = "email";
	rep.format = "eml";
	rep.subject = "報告";
	rep.raw = (unsigned char *)"raw\0bytes";
	rep.size = 9;
	if ((rc = kz_report_add(st, &rep, "alice"))) {
		fail_step(p, 6, rc);
		goto out;
	}
	memset(&f, 0, sizeof(f));
	f.text = "upd 偽サイト 偽";
	f.statuses = 1u << KZ_ST_COORDINATING;
	f.assignee = "carol";
	if ((rc = kz_incident_list(&l, st, &f))) {
		fail_step(p, 7, rc);
		goto out;
	}
	kz_incident_list_release(&l);
	if ((rc = kz_incident_get(&got, st, inc.ticket))) {
		fail_step(p, 8, rc);
		goto out;
	}
	kz_incident_free(got);
	if ((rc = kz_event_list(&ev, &n, st, inc.id))) {
		fail_step(p, 9, rc);
		goto out;
	}
	kz_event_list_free(ev, n);
	kz_org_init(&org);
	if ((org.name = kz_strdup("Example ISP")) == NULL ||
	    kz_strlist_add(&org.contacts, "Abuse@Example.JP") ||
	    kz_strlist_add(&org.contacts, "noc@example.jp") ||
	    kz_strlist_add(&org.netblocks, "2001:DB8::/32") ||
	    kz_strlist_add(&org.domains, "例え.テスト") ||
	    kz_org_add_asn(&org, "AS64500")) {
		kz_org_release(&org);
		fail_step(p, 10, kz_error_code());
		goto out;
	}
	rc = kz_org_add(st, &org);
	kz_org_release(&org);
	if (rc) {
		fail_step(p, 11, rc);
		goto out;
	}
out:
	kz_store_close(st);
	return p->rc;
}

static int64_t
query_int(struct kz_store *st, const char *sql)
{
	struct kz_stmt *s;
	int64_t v;

	if (kz_store_prepare(&s, st, sql) != 0)
		fail_msg("%s: %s", sql, kz_error_message());
	assert_int_equal(kz_stmt_step(s), KZ_ROW);
	v = kz_stmt_int(s, 0);
	while (kz_stmt_step(s) == KZ_ROW)
		;
	return v;
}

/* Every operation was whole or absent. */
static void
check_consistent(const char *path, unsigned long nth)
{
	static const struct {
		const char *what;
		const char *sql;
	} checks[] = {
		{ "an incident without its opened event",
		    "SELECT count(*) FROM incidents i WHERE NOT EXISTS (SELECT 1 "
		    "FROM events e WHERE e.incident_id = i.id AND "
		    "e.kind = 'opened')" },
		{ "an update without its event",
		    "SELECT count(*) FROM incidents i WHERE title = 'updated' AND "
		    "NOT EXISTS (SELECT 1 FROM events e WHERE e.incident_id = "
		    "i.id AND e.kind = 'update')" },
		{ "an update event without the update",
		    "SELECT count(*) FROM events e JOIN incidents i ON i.id = "
		    "e.incident_id WHERE e.kind = 'update' AND i.title != "
		    "'updated'" },
		{ "a status change without its event",
		    "SELECT count(*) FROM incidents i WHERE status != 'new' AND "
		    "NOT EXISTS (SELECT 1 FROM events e WHERE e.incident_id = "
		    "i.id AND e.kind = 'status')" },
		{ "a report without its event",
		    "SELECT count(*) FROM reports r WHERE NOT EXISTS (SELECT 1 "
		    "FROM events e WHERE e.incident_id = r.incident_id AND "
		    "e.kind = 'report')" },
		{ "a report event without the report",
		    "SELECT count(*) FROM events e WHERE e.kind = 'report' AND "
		    "NOT EXISTS (SELECT 1 FROM reports r WHERE r.incident_id = "
		    "e.incident_id)" },
		{ "a half-added org",
		    "SELECT count(*) FROM orgs o WHERE (SELECT count(*) FROM "
		    "org_contacts c WHERE c.org_id = o.id) != 2 OR (SELECT "
		    "count(*) FROM org_netblocks b WHERE b.org_id = o.id) != 1 "
		    "OR (SELECT count(*) FROM org_domains d WHERE d.org_id = "
		    "o.id) != 1 OR (SELECT count(*) FROM org_asns a WHERE "
		    "a.org_id = o.id) != 1" },
		{ "a ticket number handed out twice or not used",
		    "SELECT count(*) FROM ticket_seq s WHERE s.last != (SELECT "
		    "count(*) FROM incidents)" },
		{ "an out-of-sync search index",
		    "SELECT count(*) FROM incidents i WHERE i.title = 'updated' "
		    "AND i.id NOT IN (SELECT rowid FROM incidents_fts WHERE "
		    "incidents_fts MATCH '\"updated\"')" },
	};
	struct kz_store *st;
	struct kz_stmt *s;

	if (access(path, F_OK) != 0)
		return;
	if (kz_store_open(&st, path, 0) != 0)
		fail_msg("N=%lu: reopen: %s", nth, kz_error_message());
	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++)
		if (query_int(st, checks[i].sql) != 0)
			fail_msg("N=%lu: %s", nth, checks[i].what);
	assert_int_equal(kz_store_prepare(&s, st, "PRAGMA integrity_check"), 0);
	assert_int_equal(kz_stmt_step(s), KZ_ROW);
	assert_string_equal(kz_stmt_text(s, 0), "ok");
	while (kz_stmt_step(s) == KZ_ROW)
		;
	kz_store_close(st);
}

static void
test_every_allocation(void **state)
{
	struct progress p;
	unsigned long total, n;
	char path[512];
	int failed_at[12] = { 0 };

	(void)state;
	kz_time_set_fixed(T0);
	/* A clean run first: it must succeed, and says how many there are. */
	snprintf(path, sizeof(path), "%s/faults-0.db", tu_tmpdir());
	kz_alloc_fail_at(0);
	assert_int_equal(session(path, &p), 0);
	total = kz_alloc_fail_at(0);
	assert_true(total > 10);
	check_consistent(path, 0);

	for (n = 1; n <= total; n++) {
		int rc;

		snprintf(
		    path, sizeof(path), "%s/faults-%lu.db", tu_tmpdir(), n);
		kz_alloc_fail_at(n);
		rc = session(path, &p);
		kz_alloc_fail_at(0);
		if (rc > 0)
			fail_msg("N=%lu: step %d returned %d", n, p.step, rc);
		if (rc < 0) {
			/* An error, with its message. */
			if (!p.msg[0])
				fail_msg("N=%lu: step %d failed with %d and "
					 "no message",
				    n, p.step, rc);
			failed_at[p.step]++;
		}
		check_consistent(path, n);
		unlink(path);
	}
	/* Failures reached every step of the session. */
	for (int step = 1; step <= 11; step++)
		if (step != 10 && failed_at[step] == 0)
			fail_msg("no allocation failure reached step %d", step);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_allocation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
