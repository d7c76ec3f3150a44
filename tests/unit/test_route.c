/* SPDX-License-Identifier: MIT */
/*
 * Tests for routing: the data-driven cases of tests/data/route/cases.txt
 * (each step of the order: netblock, org AS, org domain, abuse table by
 * prefix and AS, country fallback, none), grouping by party, the JSON
 * shape, routing an incident by ticket, the abuse-table import and the
 * fallback table.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "enrich/route.h"
#include "model/incident.h"

struct world {
	struct kz_store *st;
	struct kz_asn_table *asn;
	struct kz_psl *psl;
	struct kz_route_fallbacks fb;
	struct kz_route_ctx ctx;
};

static void
add_org(struct kz_store *st, const char *name, const char *contact,
    const char *netblock, const char *asn, const char *domain)
{
	struct kz_org o;

	kz_org_init(&o);
	o.name = kz_strdup(name);
	o.kind = 0;
	if (contact)
		assert_int_equal(kz_strlist_add(&o.contacts, contact), 0);
	if (netblock)
		assert_int_equal(kz_strlist_add(&o.netblocks, netblock), 0);
	if (domain)
		assert_int_equal(kz_strlist_add(&o.domains, domain), 0);
	if (asn)
		assert_int_equal(kz_org_add_asn(&o, asn), 0);
	if (kz_org_add(st, &o))
		fail_msg("org %s: %s", name, kz_error_message());
	kz_org_release(&o);
}

static const char abuse_csv[] = "key,address,source\n"
				"203.0.113.0/24,abuse@doc3.example\n"
				"203.0.113.0/25,abuse-small@DOC3.example\n"
				"AS64511,abuse@v6.example,rir\n"
				"\n"
				"# a comment\n";

static int
setup(void **state)
{
	struct world *w = calloc(1, sizeof(*w));
	char path[512], *csv;
	size_t added = 9, skipped = 9;

	tu_store_uri(path, sizeof(path), "route");
	assert_int_equal(kz_store_open(&w->st, path, 0), 0);
	add_org(w->st, "Example Hosting", "abuse@hosting.example",
	    "198.51.100.0/24", NULL, NULL);
	add_org(w->st, "Inner Customer", "noc@inner.example",
	    "198.51.100.128/26", NULL, NULL);
	add_org(w->st, "Example Transit", "noc@transit.example", NULL,
	    "AS64500", NULL);
	add_org(w->st, "Shop Owner", "security@example.co.jp", NULL, NULL,
	    "example.co.jp");
	add_org(w->st, "Shop Subsidiary", "cert@shop.example.co.jp", NULL, NULL,
	    "shop.example.co.jp");
	add_org(w->st, "No Contact Org", NULL, NULL, NULL, "nocontact.example");
	assert_int_equal(
	    kz_abuse_import_csv(w->st, abuse_csv, strlen(abuse_csv), "test.csv",
		0, &added, &skipped),
	    0);
	assert_int_equal(added, 3);
	assert_int_equal(skipped, 0);

	csv = tu_data_path("enrich/ranges.csv");
	assert_int_equal(kz_asn_table_new(&w->asn), 0);
	assert_int_equal(kz_asn_table_load_file(w->asn, csv, 0), 0);
	assert_int_equal(kz_asn_table_build(w->asn), 0);
	free(csv);
	assert_int_equal(kz_psl_new(&w->psl, NULL), 0);
	assert_int_equal(
	    kz_route_fallback_add(&w->fb, "jp", "csirt@JPCERT.example"), 0);
	w->ctx.st = w->st;
	w->ctx.asn = w->asn;
	w->ctx.psl = w->psl;
	w->ctx.fallbacks = &w->fb;
	*state = w;
	return 0;
}

static int
teardown(void **state)
{
	struct world *w = *state;

	kz_store_close(w->st);
	kz_asn_table_free(w->asn);
	kz_psl_free(w->psl);
	kz_route_fallbacks_release(&w->fb);
	free(w);
	return 0;
}

static char *
field(char **s)
{
	char *f = *s, *bar = strstr(f, " | "), *e;

	if (bar) {
		*bar = '\0';
		*s = bar + 3;
	} else {
		*s = f + strlen(f);
	}
	e = f + strlen(f);
	while (e > f && (e[-1] == ' ' || e[-1] == '\r'))
		*--e = '\0';
	return f;
}

static void
test_cases(void **state)
{
	struct world *w = *state;
	char *path = tu_data_path("route/cases.txt");
	char *text = tu_read_file(path, NULL), *save = NULL, *line;
	struct kz_indicator iocs[64];
	char *want[64][3];
	struct kz_route_result res;
	size_t n = 0;

	assert_non_null(text);
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *s = line;
		enum kz_ioc_type t;

		if (line[0] == '#')
			continue;
		assert_true(n < 64);
		kz_indicator_init(&iocs[n]);
		assert_int_equal(kz_ioc_type_parse(&t, field(&s)), 0);
		iocs[n].type = t;
		iocs[n].value = field(&s);
		want[n][0] = field(&s);
		want[n][1] = field(&s);
		want[n][2] = field(&s);
		n++;
	}
	assert_true(n >= 15);
	assert_int_equal(kz_route_indicators(&res, &w->ctx, iocs, n), 0);
	assert_int_equal(res.n, n);
	for (size_t i = 0; i < n; i++) {
		const struct kz_route_proposal *p = &res.v[i];
		const char *party = p->party ? p->party : "-";
		const char *matched = p->matched ? p->matched : "-";

		if (strcmp(kz_route_via_name(p->via), want[i][0]) != 0 ||
		    strcmp(party, want[i][1]) != 0 ||
		    strcmp(matched, want[i][2]) != 0)
			fail_msg("%s: got %s | %s | %s, want %s | %s | %s",
			    p->value, kz_route_via_name(p->via), party, matched,
			    want[i][0], want[i][1], want[i][2]);
		if (p->via == KZ_ROUTE_NONE)
			assert_non_null(p->note);
	}
	kz_route_result_release(&res);
	free(text);
	free(path);
}

static const struct kz_route_proposal *
route1(struct kz_route_result *res, struct world *w, enum kz_ioc_type t,
    const char *v)
{
	struct kz_indicator ioc;

	kz_indicator_init(&ioc);
	ioc.type = t;
	ioc.value = (char *)v;
	assert_int_equal(kz_route_indicators(res, &w->ctx, &ioc, 1), 0);
	return &res->v[0];
}

static void
test_details(void **state)
{
	struct world *w = *state;
	struct kz_route_result res;
	const struct kz_route_proposal *p;
	char reason[256];

	p = route1(&res, w, KZ_IOC_IPV4, "198.51.100.5");
	assert_string_equal(kz_route_reason(reason, sizeof(reason), p, NULL),
	    "netblock 198.51.100.0/24 of Example Hosting");
	assert_int_equal(p->contacts.n, 1);
	assert_string_equal(p->contacts.v[0], "abuse@hosting.example");
	assert_int_equal(p->asn, 64501);
	assert_string_equal(p->as_name, "Example Hosting, Inc.");
	kz_route_result_release(&res);

	p = route1(&res, w, KZ_IOC_IPV4, "192.0.2.7");
	assert_string_equal(kz_route_reason(reason, sizeof(reason), p, NULL),
	    "AS64500 (EXAMPLE-AS) of Example Transit");
	kz_route_result_release(&res);

	p = route1(&res, w, KZ_IOC_IPV4, "203.0.113.5");
	assert_string_equal(p->contacts.v[0], "abuse-small@doc3.example");
	assert_string_equal(kz_route_reason(reason, sizeof(reason), p, NULL),
	    "abuse table prefix 203.0.113.0/25: abuse-small@doc3.example");
	kz_route_result_release(&res);

	p = route1(&res, w, KZ_IOC_DOMAIN, "phish.example.jp");
	assert_string_equal(kz_route_reason(reason, sizeof(reason), p, NULL),
	    "country JP fallback: csirt@jpcert.example");
	assert_string_equal(p->registrable, "example.jp");
	kz_route_result_release(&res);

	p = route1(&res, w, KZ_IOC_DOMAIN, "x.nocontact.example");
	assert_int_equal(p->contacts.n, 0);
	assert_string_equal(p->note, "the org has no contact address");
	kz_route_result_release(&res);

	p = route1(&res, w, KZ_IOC_MD5, "d41d8cd98f00b204e9800998ecf8427e");
	assert_int_equal(p->via, KZ_ROUTE_NONE);
	assert_string_equal(
	    p->note, "this kind of indicator names no network or domain");
	assert_string_equal(
	    kz_route_reason(reason, sizeof(reason), p, NULL), "no route");
	assert_int_equal(res.unrouted, 1);
	assert_int_equal(res.nparties, 0);
	kz_route_result_release(&res);

	/* A value that is not of its type is listed, never dropped. */
	p = route1(&res, w, KZ_IOC_IPV4, "not-an-address");
	assert_int_equal(p->via, KZ_ROUTE_NONE);
	assert_string_equal(p->note, "the value could not be read as its type");
	kz_route_result_release(&res);
}

static void
test_groups_and_json(void **state)
{
	struct world *w = *state;
	struct kz_indicator iocs[5];
	static const char *const v[5] = { "198.51.100.5", "192.0.2.7",
		"198.51.100.6", "192.0.2.8", "233.252.0.9" };
	struct kz_route_result res;
	json_t *j, *parties, *props;

	for (int i = 0; i < 5; i++) {
		kz_indicator_init(&iocs[i]);
		iocs[i].type = KZ_IOC_IPV4;
		iocs[i].value = (char *)v[i];
	}
	assert_int_equal(kz_route_indicators(&res, &w->ctx, iocs, 5), 0);
	assert_int_equal(res.nparties, 2);
	assert_string_equal(res.parties[0].party, "Example Hosting");
	assert_int_equal(res.parties[0].nitems, 2);
	assert_int_equal(res.parties[0].items[1], 2);
	assert_string_equal(res.parties[1].party, "Example Transit");
	assert_int_equal(res.parties[1].nitems, 2);
	assert_int_equal(res.unrouted, 1);
	j = kz_route_result_to_json(&res);
	assert_non_null(j);
	props = json_object_get(j, "proposals");
	assert_int_equal(json_array_size(props), 5);
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(props, 4), "via")),
	    "none");
	parties = json_object_get(j, "parties");
	assert_int_equal(json_array_size(parties), 2);
	assert_int_equal(json_array_size(json_object_get(
			     json_array_get(parties, 0), "indicators")),
	    2);
	assert_int_equal(json_integer_value(json_object_get(j, "unrouted")), 1);
	/* No country database was given: the JSON says so. */
	assert_string_equal(
	    json_string_value(json_array_get(json_object_get(j, "missing"), 0)),
	    "country_db");
	json_decref(j);
	kz_route_result_release(&res);
}

static void
test_incident(void **state)
{
	struct world *w = *state;
	struct kz_incident inc;
	struct kz_indicator ioc;
	struct kz_route_result res;
	int64_t id;

	kz_incident_init(&inc);
	inc.title = "scan";
	inc.category = KZ_CAT_SCAN;
	assert_int_equal(kz_incident_create(w->st, &inc, "t"), 0);
	kz_indicator_init(&ioc);
	ioc.type = KZ_IOC_IPV4;
	ioc.value = "198.51.100.77";
	assert_int_equal(kz_indicator_upsert(&id, w->st, &ioc), 0);
	assert_int_equal(kz_indicator_link(w->st, inc.id, id), 0);
	assert_int_equal(kz_route_incident(&res, &w->ctx, inc.ticket), 0);
	assert_int_equal(res.n, 1);
	assert_int_equal(res.v[0].indicator_id, id);
	assert_int_equal(res.v[0].via, KZ_ROUTE_NETBLOCK);
	kz_route_result_release(&res);
	assert_int_equal(
	    kz_route_incident(&res, &w->ctx, "KZ-1999-999999"), KZ_ENOTFOUND);
	kz_route_result_release(&res);
}

static void
test_abuse_import_errors(void **state)
{
	struct world *w = *state;
	const char bad[] = "AS64999,ok@x.example\n"
			   "999.1.1.1/8,abuse@x.example\n";
	const char badaddr[] = "AS64999,not an address\n";
	const char many[] = "AS64999,a@x.example,s,extra\n";
	const char dup[] = "203.0.113.0/24,abuse@doc3.example,other\n";
	size_t added, skipped;
	int64_t before, after;

	assert_int_equal(kz_abuse_count(&before, w->st, NULL), 0);
	assert_int_equal(before, 3);
	assert_int_equal(
	    kz_abuse_import_csv(w->st, bad, strlen(bad), "b", 0, NULL, NULL),
	    KZ_EINVAL);
	assert_non_null(strstr(kz_error_message(), "line 2"));
	assert_non_null(strstr(kz_error_message(), "999.1.1.1/8"));
	assert_int_equal(kz_abuse_import_csv(w->st, badaddr, strlen(badaddr),
			     "b", 0, NULL, NULL),
	    KZ_EINVAL);
	assert_non_null(strstr(kz_error_message(), "e-mail"));
	assert_int_equal(
	    kz_abuse_import_csv(w->st, many, strlen(many), "b", 0, NULL, NULL),
	    KZ_EINVAL);
	assert_int_equal(kz_abuse_count(&after, w->st, NULL), 0);
	assert_int_equal(after, before); /* nothing half written */
	/* The same key and address again is a duplicate, not an error. */
	assert_int_equal(kz_abuse_import_csv(
			     w->st, dup, strlen(dup), "b", 0, &added, &skipped),
	    0);
	assert_int_equal(added, 0);
	assert_int_equal(skipped, 1);
	/* --replace drops the rows of the sources it imports. */
	assert_int_equal(kz_abuse_import_csv(w->st, "AS1,x@y.example\n", 16,
			     "rir", 1, &added, &skipped),
	    0);
	assert_int_equal(kz_abuse_count(&after, w->st, "asn"), 0);
	assert_int_equal(after, 1);
}

static void
test_fallbacks(void **state)
{
	struct kz_route_fallbacks f = { 0 };

	assert_int_equal(
	    kz_route_fallback_add(&f, "JPN", "a@b.example"), KZ_EINVAL);
	assert_int_equal(
	    kz_route_fallback_add(&f, "J1", "a@b.example"), KZ_EINVAL);
	assert_int_equal(kz_route_fallback_add(&f, "de", "  "), KZ_EINVAL);
	assert_int_equal(kz_route_fallback_add(&f, "de", "nope"), KZ_EINVAL);
	assert_int_equal(
	    kz_route_fallback_add(&f, "de", "a@cert.example, b@cert.example"),
	    0);
	assert_int_equal(kz_route_fallback_add(&f, "DE", "c@cert.example"), 0);
	assert_int_equal(kz_route_fallback_add(&f, "*", "d@cert.example"), 0);
	assert_int_equal(f.n, 2);
	assert_string_equal(f.v[0].country, "DE");
	assert_int_equal(f.v[0].addresses.n, 3);
	kz_route_fallbacks_release(&f);
}

static void
test_star_fallback(void **state)
{
	struct world *w = *state;
	struct kz_route_result res;
	const struct kz_route_proposal *p;

	assert_int_equal(
	    kz_route_fallback_add(&w->fb, "*", "cc@all.example"), 0);
	p = route1(&res, w, KZ_IOC_IPV4, "233.252.0.1");
	assert_int_equal(p->via, KZ_ROUTE_COUNTRY);
	assert_string_equal(p->matched, "*");
	kz_route_result_release(&res);
	/* Hashes still route nowhere. */
	p = route1(
	    &res, w, KZ_IOC_SHA1, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
	assert_int_equal(p->via, KZ_ROUTE_NONE);
	kz_route_result_release(&res);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_cases, setup, teardown),
		cmocka_unit_test_setup_teardown(test_details, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_groups_and_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_incident, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_abuse_import_errors, setup, teardown),
		cmocka_unit_test(test_fallbacks),
		cmocka_unit_test_setup_teardown(
		    test_star_fallback, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
