/* SPDX-License-Identifier: MIT */
/*
 * Tests for the access rules: every role x TLP x org link x reported x
 * kind of access against the table of access.h written out again here,
 * and the SQL condition lists use agreeing with the rule on a database
 * holding every combination.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/timeutil.h"
#include "model/access.h"
#include "model/incident.h"
#include "model/org.h"
#include "model/user.h"

#define T0 1782864000 /* 2026-07-01T00:00:00Z */

static const enum kz_role roles[] = { KZ_ROLE_ADMIN, KZ_ROLE_HANDLER,
	KZ_ROLE_MEMBER, KZ_ROLE_REPORTER };

/* The member table of access.h: rows link, columns TLP. */
static const int member_reads[KZ_LINK_COUNT + 1][KZ_TLP_COUNT] = {
	/* CLEAR GREEN AMBER AMBER+STRICT RED */
	{ 1, 1, 1, 1, 0 }, /* concerned */
	{ 1, 1, 1, 0, 0 }, /* client */
	{ 1, 1, 1, 1, 1 }, /* recipient */
	{ 0, 0, 0, 0, 0 }, /* none */
};

static int
expected(enum kz_role role, enum kz_tlp tlp, enum kz_link link, int reported,
    enum kz_access what)
{
	int row = link == KZ_LINK_NONE ? KZ_LINK_COUNT : (int)link;

	if (role == KZ_ROLE_ADMIN || role == KZ_ROLE_HANDLER)
		return 1;
	if (what == KZ_ACCESS_WRITE || what == KZ_ACCESS_REPORTS)
		return 0;
	if (what == KZ_ACCESS_READ && reported)
		return 1;
	if (role == KZ_ROLE_REPORTER)
		return 0;
	return member_reads[row][tlp];
}

static void
test_rule_exhaustive(void **state)
{
	int n = 0;

	(void)state;
	for (size_t r = 0; r < 4; r++)
		for (int t = 0; t < KZ_TLP_COUNT; t++)
			for (int l = KZ_LINK_NONE; l < KZ_LINK_COUNT; l++)
				for (int rep = 0; rep < 2; rep++)
					for (int w = KZ_ACCESS_READ;
					     w <= KZ_ACCESS_WRITE; w++) {
						int got = kz_access_rule(
						    roles[r], (enum kz_tlp)t,
						    (enum kz_link)l, rep,
						    (enum kz_access)w);

						if (got !=
						    expected(roles[r],
							(enum kz_tlp)t,
							(enum kz_link)l, rep,
							(enum kz_access)w))
							fail_msg("role %d tlp "
								 "%d link %d "
								 "rep %d what "
								 "%d: %d",
							    (int)roles[r], t, l,
							    rep, w, got);
						n++;
					}
	assert_int_equal(n, 4 * 5 * 4 * 2 * 4);
}

static void
test_rule_spot_checks(void **state)
{
	(void)state;
	/* RED reaches a member only as a named recipient. */
	assert_false(kz_access_rule(
	    KZ_ROLE_MEMBER, KZ_TLP_RED, KZ_LINK_CONCERNED, 0, KZ_ACCESS_READ));
	assert_true(kz_access_rule(
	    KZ_ROLE_MEMBER, KZ_TLP_RED, KZ_LINK_RECIPIENT, 0, KZ_ACCESS_READ));
	/* AMBER+STRICT: the org, not its clients. */
	assert_true(kz_access_rule(KZ_ROLE_MEMBER, KZ_TLP_AMBER_STRICT,
	    KZ_LINK_CONCERNED, 0, KZ_ACCESS_TIMELINE));
	assert_false(kz_access_rule(KZ_ROLE_MEMBER, KZ_TLP_AMBER_STRICT,
	    KZ_LINK_CLIENT, 0, KZ_ACCESS_READ));
	/* Members never write nor read raw reports. */
	assert_false(kz_access_rule(KZ_ROLE_MEMBER, KZ_TLP_CLEAR,
	    KZ_LINK_RECIPIENT, 1, KZ_ACCESS_WRITE));
	assert_false(kz_access_rule(KZ_ROLE_MEMBER, KZ_TLP_CLEAR,
	    KZ_LINK_RECIPIENT, 1, KZ_ACCESS_REPORTS));
	/* A reporter reads its own report's incident, nothing more. */
	assert_true(kz_access_rule(
	    KZ_ROLE_REPORTER, KZ_TLP_RED, KZ_LINK_NONE, 1, KZ_ACCESS_READ));
	assert_false(kz_access_rule(
	    KZ_ROLE_REPORTER, KZ_TLP_RED, KZ_LINK_NONE, 1, KZ_ACCESS_TIMELINE));
	assert_false(kz_access_rule(KZ_ROLE_REPORTER, KZ_TLP_CLEAR,
	    KZ_LINK_CONCERNED, 0, KZ_ACCESS_READ));
}

static void
test_link_parse(void **state)
{
	enum kz_link l;

	(void)state;
	assert_int_equal(kz_link_parse(&l, "client"), 0);
	assert_int_equal(l, KZ_LINK_CLIENT);
	assert_int_equal(kz_link_parse(&l, "owner"), KZ_EINVAL);
	assert_non_null(strstr(kz_error_message(), "'owner'"));
}

struct world {
	struct kz_store *st;
	int64_t org_a, org_b, uid_m, uid_r;
	char tickets[KZ_TLP_COUNT][KZ_LINK_COUNT + 1][KZ_TICKET_MAX];
	char reported[KZ_TICKET_MAX];
};

static void
add_org(struct kz_store *st, const char *name, int64_t *id)
{
	struct kz_org o;

	kz_org_init(&o);
	o.name = strdup(name);
	o.kind = kz_org_kind_parse("member");
	assert_int_equal(kz_org_add(st, &o), 0);
	*id = o.id;
	kz_org_release(&o);
}

static void
build(struct world *w)
{
	struct kz_user u;
	char path[512];

	kz_time_set_fixed(T0);
	tu_store_uri(path, sizeof(path), "access");
	assert_int_equal(kz_store_open(&w->st, path, 0), 0);
	add_org(w->st, "org-a", &w->org_a);
	add_org(w->st, "org-b", &w->org_b);
	assert_int_equal(
	    kz_user_add(&u, w->st, "m", KZ_ROLE_MEMBER, "org-a", NULL, 0), 0);
	w->uid_m = u.id;
	kz_user_release(&u);
	assert_int_equal(
	    kz_user_add(&u, w->st, "r", KZ_ROLE_REPORTER, NULL, NULL, 0), 0);
	w->uid_r = u.id;
	kz_user_release(&u);
	for (int t = 0; t < KZ_TLP_COUNT; t++)
		for (int l = 0; l <= KZ_LINK_COUNT; l++) {
			struct kz_incident inc;

			kz_incident_init(&inc);
			inc.title = "case";
			inc.reporter = "someone@example";
			inc.tlp = (enum kz_tlp)t;
			assert_int_equal(
			    kz_incident_create(w->st, &inc, "h"), 0);
			memcpy(w->tickets[t][l], inc.ticket, KZ_TICKET_MAX);
			if (l < KZ_LINK_COUNT)
				assert_int_equal(
				    kz_access_link_org(w->st, inc.ticket,
					"org-a", (enum kz_link)l, "h"),
				    0);
			/* Org B's links never open anything to org A. */
			assert_int_equal(kz_access_link_org(w->st, inc.ticket,
					     "org-b", KZ_LINK_RECIPIENT, "h"),
			    0);
			/* inc's strings are literals: nothing to release. */
		}
	/* r reported the (RED, no link) one. */
	{
		struct kz_incident *inc;

		memcpy(w->reported, w->tickets[KZ_TLP_RED][KZ_LINK_COUNT],
		    KZ_TICKET_MAX);
		assert_int_equal(kz_incident_get(&inc, w->st, w->reported), 0);
		assert_int_equal(
		    kz_access_add_reporter(w->st, inc->id, w->uid_r), 0);
		kz_incident_free(inc);
	}
}

/* Whether the list as who holds ticket. */
static int
listed(struct world *w, const struct kz_principal *who, const char *ticket)
{
	struct kz_incident_filter f = { 0 };
	struct kz_incident_list l;
	int found = 0;

	f.limit = 1000;
	f.access_sql =
	    kz_access_incident_sql(who, f.access_args, &f.naccess_args);
	assert_int_equal(kz_incident_list(&l, w->st, &f), 0);
	for (size_t i = 0; i < l.n; i++)
		if (strcmp(l.items[i].ticket, ticket) == 0)
			found = 1;
	kz_incident_list_release(&l);
	return found;
}

static void
test_store_and_sql_agree(void **state)
{
	struct world w;
	struct kz_principal who[4] = {
		{ 1, "admin", KZ_ROLE_ADMIN, 0 },
		{ 2, "handler", KZ_ROLE_HANDLER, 0 },
		{ 0, "m", KZ_ROLE_MEMBER, 0 },
		{ 0, "r", KZ_ROLE_REPORTER, 0 },
	};

	(void)state;
	build(&w);
	who[2].user_id = w.uid_m;
	who[2].org_id = w.org_a;
	who[3].user_id = w.uid_r;
	for (int p = 0; p < 4; p++)
		for (int t = 0; t < KZ_TLP_COUNT; t++)
			for (int l = 0; l <= KZ_LINK_COUNT; l++) {
				const char *ticket = w.tickets[t][l];
				enum kz_link link = l == KZ_LINK_COUNT ?
				    KZ_LINK_NONE :
				    (enum kz_link)l;
				int rep =
				    p == 3 && strcmp(ticket, w.reported) == 0;
				struct kz_incident *inc;

				assert_int_equal(
				    kz_incident_get(&inc, w.st, ticket), 0);
				for (int a = KZ_ACCESS_READ;
				     a <= KZ_ACCESS_WRITE; a++) {
					int want = expected(who[p].role,
					    (enum kz_tlp)t, link, rep,
					    (enum kz_access)a);
					int readable = expected(who[p].role,
					    (enum kz_tlp)t, link, rep,
					    KZ_ACCESS_READ);
					int rc = kz_access_incident(w.st,
					    &who[p], inc, (enum kz_access)a);

					if (want)
						assert_int_equal(rc, 0);
					else
						assert_int_equal(rc,
						    readable ? KZ_EPERM :
							       KZ_ENOTFOUND);
				}
				assert_int_equal(listed(&w, &who[p], ticket),
				    expected(who[p].role, (enum kz_tlp)t, link,
					rep, KZ_ACCESS_READ));
				kz_incident_free(inc);
			}
	kz_store_close(w.st);
}

static void
test_member_of_other_org_sees_nothing(void **state)
{
	struct world w;
	struct kz_principal b = { 99, "b", KZ_ROLE_MEMBER, 0 };
	struct kz_incident_filter f = { 0 };
	struct kz_incident_list l;

	(void)state;
	build(&w);
	/* Org B is a recipient of everything: it sees all 25, org C none. */
	b.org_id = w.org_b;
	f.limit = 1000;
	f.access_sql =
	    kz_access_incident_sql(&b, f.access_args, &f.naccess_args);
	assert_int_equal(kz_incident_list(&l, w.st, &f), 0);
	assert_int_equal(l.total, KZ_TLP_COUNT * (KZ_LINK_COUNT + 1));
	kz_incident_list_release(&l);
	b.org_id = w.org_b + 100;
	f.access_sql =
	    kz_access_incident_sql(&b, f.access_args, &f.naccess_args);
	assert_int_equal(kz_incident_list(&l, w.st, &f), 0);
	assert_int_equal(l.total, 0);
	kz_incident_list_release(&l);
	kz_store_close(w.st);
}

static void
test_link_unlink_and_redact(void **state)
{
	struct world w;
	struct kz_principal m = { 0, "m", KZ_ROLE_MEMBER, 0 };
	struct kz_principal h = { 1, "h", KZ_ROLE_HANDLER, 0 };
	struct kz_incident *inc;
	const char *t;
	json_t *links;

	(void)state;
	build(&w);
	m.user_id = w.uid_m;
	m.org_id = w.org_a;
	t = w.tickets[KZ_TLP_AMBER][KZ_LINK_COUNT];
	assert_int_equal(kz_incident_get(&inc, w.st, t), 0);
	assert_int_equal(
	    kz_access_incident(w.st, &m, inc, KZ_ACCESS_READ), KZ_ENOTFOUND);
	assert_int_equal(
	    kz_access_link_org(w.st, t, "org-a", KZ_LINK_CLIENT, "h"), 0);
	assert_int_equal(kz_access_incident(w.st, &m, inc, KZ_ACCESS_READ), 0);
	assert_int_equal(
	    kz_access_incident(w.st, &m, inc, KZ_ACCESS_WRITE), KZ_EPERM);
	/* Re-linking replaces the role. */
	assert_int_equal(
	    kz_access_link_org(w.st, t, "org-a", KZ_LINK_RECIPIENT, "h"), 0);
	assert_int_equal(kz_access_links_json(&links, w.st, inc->id), 0);
	assert_int_equal(json_array_size(links), 2);
	json_decref(links);
	assert_int_equal(kz_access_unlink_org(w.st, t, "org-a", "h"), 0);
	assert_int_equal(
	    kz_access_unlink_org(w.st, t, "org-a", "h"), KZ_ENOTFOUND);
	assert_int_equal(
	    kz_access_incident(w.st, &m, inc, KZ_ACCESS_READ), KZ_ENOTFOUND);
	assert_int_equal(
	    kz_access_link_org(w.st, t, "nosuch", KZ_LINK_CLIENT, "h"),
	    KZ_ENOTFOUND);
	assert_int_equal(kz_access_link_org(w.st, "KZ-2026-999999", "org-a",
			     KZ_LINK_CLIENT, "h"),
	    KZ_ENOTFOUND);
	/* Staff keep the reporter; others lose it. */
	kz_access_redact(&h, inc);
	assert_non_null(inc->reporter);
	kz_access_redact(&m, inc);
	assert_null(inc->reporter);
	kz_incident_free(inc);
	/* Orgs. */
	assert_true(kz_access_org(&h, w.org_b, 1));
	assert_true(kz_access_org(&m, w.org_a, 0));
	assert_false(kz_access_org(&m, w.org_a, 1));
	assert_false(kz_access_org(&m, w.org_b, 0));
	kz_store_close(w.st);
}

/* Indicators of every TLP and an e-mail address, as from the store. */
static struct kz_indicator *
ioc_set(size_t *n)
{
	struct kz_indicator *v = calloc(KZ_TLP_COUNT + 1, sizeof(*v));
	char val[64];

	assert_non_null(v);
	for (int t = 0; t <= KZ_TLP_COUNT; t++) {
		kz_indicator_init(&v[t]);
		snprintf(val, sizeof(val),
		    t < KZ_TLP_COUNT ? "t%d.example.com" : "who%d@example.com",
		    t);
		v[t].type = t < KZ_TLP_COUNT ? KZ_IOC_DOMAIN : KZ_IOC_EMAIL;
		v[t].value = strdup(val);
		v[t].source = strdup("partner feed");
		v[t].tlp = t < KZ_TLP_COUNT ? (enum kz_tlp)t : KZ_TLP_CLEAR;
	}
	*n = KZ_TLP_COUNT + 1;
	return v;
}

static void
test_indicators_members_see(void **state)
{
	struct world w;
	struct kz_principal m = { 0, "m", KZ_ROLE_MEMBER, 0 };
	struct kz_principal h = { 1, "h", KZ_ROLE_HANDLER, 0 };
	struct kz_principal r = { 0, "r", KZ_ROLE_REPORTER, 0 };

	(void)state;
	build(&w);
	m.user_id = w.uid_m;
	m.org_id = w.org_a;
	r.user_id = w.uid_r;
	for (int t = 0; t < KZ_TLP_COUNT; t++)
		for (int l = 0; l <= KZ_LINK_COUNT; l++) {
			struct kz_incident *inc;
			struct kz_indicator *v;
			size_t n, k = 0;

			assert_int_equal(
			    kz_incident_get(&inc, w.st, w.tickets[t][l]), 0);
			/* staff: everything, sources too */
			v = ioc_set(&n);
			assert_int_equal(
			    kz_access_indicators(w.st, &h, inc, v, &n), 0);
			assert_int_equal(n, KZ_TLP_COUNT + 1);
			assert_non_null(v[0].source);
			kz_indicator_list_free(v, n);
			/* reporters: nothing, even of what they reported */
			v = ioc_set(&n);
			assert_int_equal(
			    kz_access_indicators(w.st, &r, inc, v, &n), 0);
			assert_int_equal(n, 0);
			kz_indicator_list_free(v, n);
			/* members: the table on the incident and on each */
			v = ioc_set(&n);
			assert_int_equal(
			    kz_access_indicators(w.st, &m, inc, v, &n), 0);
			for (int tt = 0; tt < KZ_TLP_COUNT; tt++)
				if (member_reads[l][t] && member_reads[l][tt]) {
					assert_true(k < n);
					assert_int_equal(v[k].tlp, tt);
					assert_int_equal(
					    v[k].type, KZ_IOC_DOMAIN);
					assert_null(v[k].source);
					k++;
				}
			assert_int_equal(n, k);
			kz_indicator_list_free(v, n);
			kz_incident_free(inc);
		}
	kz_store_close(w.st);
}

static void
test_events_members_see(void **state)
{
	struct kz_principal m = { 5, "m", KZ_ROLE_MEMBER, 7 };
	struct kz_principal h = { 1, "h", KZ_ROLE_HANDLER, 0 };
	static const struct {
		const char *kind;
		int shown;
	} cases[] = { { "opened", 1 }, { "status", 1 }, { "result", 1 },
		{ "note", 0 }, { "report", 0 }, { "link", 0 }, { "contact", 0 },
		{ "reply", 0 }, { "imported", 0 }, { "assign", 0 } };

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kz_event ev = { 0 };

		ev.kind = (char *)cases[i].kind;
		assert_int_equal(kz_access_event(&m, &ev), cases[i].shown);
		assert_int_equal(kz_access_event(&h, &ev), 1);
	}
	{
		struct kz_event ev = { 0 };

		ev.kind = "update";
		ev.data = json_pack("{s:{s:s, s:s}, s:{s:i, s:i}}", "reporter",
		    "from", "a@x.example", "to", "b@x.example", "priority",
		    "from", 3, "to", 1);
		assert_int_equal(kz_access_event(&h, &ev), 1);
		assert_non_null(json_object_get(ev.data, "reporter"));
		assert_int_equal(kz_access_event(&m, &ev), 1);
		assert_null(json_object_get(ev.data, "reporter"));
		assert_non_null(json_object_get(ev.data, "priority"));
		json_decref(ev.data);
		/* An update of the reporter alone is not shown at all. */
		ev.data = json_pack(
		    "{s:{s:n, s:s}}", "reporter", "from", "to", "b@x.example");
		assert_int_equal(kz_access_event(&m, &ev), 0);
		json_decref(ev.data);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rule_exhaustive),
		cmocka_unit_test(test_rule_spot_checks),
		cmocka_unit_test(test_link_parse),
		cmocka_unit_test(test_store_and_sql_agree),
		cmocka_unit_test(test_member_of_other_org_sees_nothing),
		cmocka_unit_test(test_link_unlink_and_redact),
		cmocka_unit_test(test_events_members_see),
		cmocka_unit_test(test_indicators_members_see),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
