/* SPDX-License-Identifier: MIT */
/* Tests for orgs: canonical entries, duplicates, updates that roll back. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/json.h"
#include "core/timeutil.h"
#include "model/org.h"
#include "model/taxonomy.h"

#define T0 1782864000 /* 2026-07-01T00:00:00Z */

static struct kz_store *
fresh(void)
{
	struct kz_store *st;
	char path[512];

	kz_time_set_fixed(T0);
	tu_store_uri(path, sizeof(path), "org");
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

static void
add_all(struct kz_strlist *l, const char *const *v)
{
	for (; *v; v++)
		assert_int_equal(kz_strlist_add(l, *v), 0);
}

/* An org with a name and kind, owning its strings as kz_org wants. */
static void
mk(struct kz_org *o, const char *name, const char *kind)
{
	kz_org_init(o);
	o->name = strdup(name);
	o->kind = kz_org_kind_parse(kind);
	assert_true(o->kind >= 0);
}

static struct kz_org *
get(struct kz_store *st, const char *name)
{
	struct kz_org *o;

	if (kz_org_get(&o, st, name) != 0)
		fail_msg("get %s: %s", name, kz_error_message());
	return o;
}

static void
assert_list(const struct kz_strlist *l, const char *const *want)
{
	size_t i;

	for (i = 0; want[i]; i++) {
		if (i >= l->n)
			fail_msg("missing '%s'", want[i]);
		assert_string_equal(l->v[i], want[i]);
	}
	assert_int_equal(l->n, i);
}

static int
add_one(
    struct kz_store *st, const char *name, const char *list, const char *entry)
{
	struct kz_org o;
	int rc;

	mk(&o, name, "isp");
	if (strcmp(list, "contact") == 0)
		kz_strlist_add(&o.contacts, entry);
	else if (strcmp(list, "netblock") == 0)
		kz_strlist_add(&o.netblocks, entry);
	else if (strcmp(list, "domain") == 0)
		kz_strlist_add(&o.domains, entry);
	else if (kz_org_add_asn(&o, entry))
		fail_msg("asn %s", entry);
	rc = kz_org_add(st, &o);
	kz_org_release(&o);
	return rc;
}

static void
test_add_canonical(void **state)
{
	static const char *const contacts[] = { "Abuse@ISP.Example.JP",
		"noc@例え.jp", NULL };
	static const char *const netblocks[] = { "198.51.100.0/24",
		"2001:DB8:0::/32", "192.0.2.1", "10.0.0.0/8", NULL };
	static const char *const domains[] = { "Example.JP.", "例え.テスト",
		"sub.ISP.example", NULL };
	struct kz_store *st = fresh();
	struct kz_org o, *got;

	(void)state;
	mk(&o, "Example ISP 株式会社", "isp");
	o.country = strdup("jp");
	o.note = strdup("24時間対応");
	add_all(&o.contacts, contacts);
	add_all(&o.netblocks, netblocks);
	add_all(&o.domains, domains);
	assert_int_equal(kz_org_add_asn(&o, "AS64500"), 0);
	assert_int_equal(kz_org_add_asn(&o, "as64501"), 0);
	assert_int_equal(kz_org_add_asn(&o, "4200000000"), 0);
	assert_int_equal(kz_org_add(st, &o), 0);
	assert_true(o.id > 0);
	assert_int_equal(o.created_at, T0);
	assert_int_equal(o.updated_at, T0);
	/* The caller's org now holds the canonical forms. */
	assert_string_equal(o.country, "JP");
	assert_string_equal(o.lang, "en");
	assert_string_equal(o.contacts.v[0], "Abuse@isp.example.jp");
	kz_org_release(&o);
	assert_null(o.name);

	got = get(st, "Example ISP 株式会社");
	assert_string_equal(got->name, "Example ISP 株式会社");
	assert_string_equal(kz_org_kind_names[got->kind], "isp");
	assert_string_equal(got->country, "JP");
	assert_string_equal(got->lang, "en");
	assert_string_equal(got->note, "24時間対応");
	{
		/* The local part keeps its case; the domain does not. */
		static const char *const c[] = { "Abuse@isp.example.jp",
			"noc@例え.jp", NULL };
		/* Ordered by address, IPv4 before IPv6. */
		static const char *const n[] = { "10.0.0.0/8", "192.0.2.1/32",
			"198.51.100.0/24", "2001:db8::/32", NULL };
		static const char *const d[] = { "example.jp",
			"sub.isp.example", "xn--r8jz45g.xn--zckzah", NULL };

		assert_list(&got->contacts, c);
		assert_list(&got->netblocks, n);
		assert_list(&got->domains, d);
	}
	assert_int_equal(got->nasns, 3);
	assert_int_equal(got->asns[0], 64500);
	assert_int_equal(got->asns[1], 64501);
	assert_int_equal(got->asns[2], 4200000000LL);
	/* The netblock rows carry the hex range used for routing. */
	assert_int_equal(query_int(st,
			     "SELECT count(*) FROM org_netblocks WHERE "
			     "lo = '00000000000000000000ffffc6336400' AND "
			     "hi = '00000000000000000000ffffc63364ff' AND "
			     "prefix = 120"),
	    1);
	kz_org_free(got);
	kz_store_close(st);
}

static void
test_get_and_list(void **state)
{
	struct kz_store *st = fresh();
	struct kz_org o, *got, *list;
	char idtext[32];
	size_t n;
	int64_t id;

	(void)state;
	mk(&o, "JPCERT/CC", "csirt");
	o.lang = strdup("ja+en");
	assert_int_equal(kz_org_add(st, &o), 0);
	id = o.id;
	kz_org_release(&o);
	mk(&o, "Alpha Hosting", "hosting");
	assert_int_equal(kz_org_add(st, &o), 0);
	kz_org_release(&o);
	mk(&o, "Beta Hosting", "hosting");
	o.lang = strdup("ja");
	assert_int_equal(kz_org_add(st, &o), 0);
	kz_org_release(&o);

	snprintf(idtext, sizeof(idtext), "%lld", (long long)id);
	got = get(st, idtext);
	assert_string_equal(got->name, "JPCERT/CC");
	assert_string_equal(got->lang, "ja+en");
	assert_null(got->country);
	assert_string_equal(got->note, "");
	assert_int_equal(got->contacts.n, 0);
	assert_int_equal(got->nasns, 0);
	kz_org_free(got);
	got = (struct kz_org *)1;
	assert_int_equal(kz_org_get(&got, st, "jpcert/cc"), KZ_ENOTFOUND);
	assert_null(got);
	assert_string_equal(
	    kz_error_message(), "no org 'jpcert/cc' (see 'kizuki org list')");
	assert_int_equal(kz_org_get(&got, st, "999"), KZ_ENOTFOUND);
	assert_int_equal(kz_org_get(&got, st, NULL), KZ_ENOTFOUND);
	kz_org_free(NULL);

	assert_int_equal(kz_org_list(&list, &n, st, -1), 0);
	assert_int_equal(n, 3);
	assert_string_equal(list[0].name, "Alpha Hosting");
	assert_string_equal(list[1].name, "Beta Hosting");
	assert_string_equal(list[2].name, "JPCERT/CC");
	kz_org_list_free(list, n);
	assert_int_equal(
	    kz_org_list(&list, &n, st, kz_org_kind_parse("hosting")), 0);
	assert_int_equal(n, 2);
	assert_string_equal(list[1].lang, "ja");
	kz_org_list_free(list, n);
	assert_int_equal(
	    kz_org_list(&list, &n, st, kz_org_kind_parse("police")), 0);
	assert_int_equal(n, 0);
	kz_org_list_free(list, n);
	kz_store_close(st);
}

static void
check_bad(
    struct kz_store *st, const char *list, const char *entry, const char *msg)
{
	kz_error_clear();
	if (add_one(st, "bad", list, entry) != KZ_EINVAL)
		fail_msg("%s '%s' accepted", list, entry);
	if (msg)
		assert_string_equal(kz_error_message(), msg);
}

static void
test_bad_entries(void **state)
{
	struct kz_store *st = fresh();
	struct kz_org o;

	(void)state;
	check_bad(st, "contact", "not-an-email",
	    "'not-an-email' is not an e-mail address (like abuse@example.net)");
	check_bad(st, "contact", "a@localhost", NULL);
	check_bad(st, "contact", "@example.jp", NULL);
	check_bad(st, "contact", "abuse@", NULL);
	check_bad(st, "contact", "a b@example.jp", NULL);
	check_bad(st, "contact", "Abuse <abuse@example.jp>", NULL);
	check_bad(st, "contact", "a@example.jp, b@example.jp", NULL);
	check_bad(st, "contact", "a@\xff.jp", NULL);
	check_bad(st, "domain", "localhost",
	    "'localhost' is not a domain name (like example.jp)");
	check_bad(st, "domain", "exa mple.jp", NULL);
	check_bad(st, "domain", ".example.jp", NULL);
	check_bad(st, "domain", "a..jp", NULL);
	check_bad(st, "domain", "", NULL);
	check_bad(st, "domain", "under_score.jp", NULL);
	check_bad(st, "netblock", "198.51.100.1/24",
	    "'198.51.100.1/24' has host bits set (did you mean "
	    "'198.51.100.0/24'?)");
	check_bad(st, "netblock", "example.jp", NULL);
	/* Nothing of the refused orgs was stored. */
	assert_int_equal(query_int(st, "SELECT count(*) FROM orgs"), 0);

	kz_org_init(&o);
	assert_int_equal(kz_org_add_asn(&o, "AS0"), KZ_EINVAL);
	assert_string_equal(kz_error_message(),
	    "'AS0' is not an AS number (like 64500 or AS64500)");
	assert_int_equal(kz_org_add_asn(&o, "4294967296"), KZ_EINVAL);
	assert_int_equal(kz_org_add_asn(&o, "ASN64500"), KZ_EINVAL);
	assert_int_equal(kz_org_add_asn(&o, "64500x"), KZ_EINVAL);
	assert_int_equal(kz_org_add_asn(&o, "-1"), KZ_EINVAL);
	assert_int_equal(kz_org_add_asn(&o, ""), KZ_EINVAL);
	assert_int_equal(kz_org_add_asn(&o, NULL), KZ_EINVAL);
	assert_int_equal(o.nasns, 0);
	assert_int_equal(kz_org_add_asn(&o, "4294967295"), 0);
	assert_int_equal(o.nasns, 1);
	kz_org_release(&o);
	kz_store_close(st);
}

static void
test_bad_scalars(void **state)
{
	struct kz_store *st = fresh();
	struct kz_org o;
	char longname[202];

	(void)state;
	mk(&o, "  ", "isp");
	assert_int_equal(kz_org_add(st, &o), KZ_EINVAL);
	assert_string_equal(kz_error_message(),
	    "org name must be 1 to 200 bytes of UTF-8 text");
	kz_org_release(&o);
	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	mk(&o, longname, "isp");
	assert_int_equal(kz_org_add(st, &o), KZ_EINVAL);
	kz_org_release(&o);
	mk(&o, "ok", "isp");
	o.country = strdup("JPN");
	assert_int_equal(kz_org_add(st, &o), KZ_EINVAL);
	assert_string_equal(kz_error_message(),
	    "'JPN' is not a country code (two letters, like JP)");
	free(o.country);
	o.country = strdup("1A");
	assert_int_equal(kz_org_add(st, &o), KZ_EINVAL);
	free(o.country);
	o.country = NULL;
	o.lang = strdup("fr");
	assert_int_equal(kz_org_add(st, &o), KZ_EINVAL);
	assert_string_equal(kz_error_message(),
	    "unknown language 'fr' (one of: ja, en, ja+en)");
	free(o.lang);
	o.lang = NULL;
	o.note = strdup("\xed\xa0\x80"); /* a surrogate */
	assert_int_equal(kz_org_add(st, &o), KZ_EINVAL);
	assert_string_equal(kz_error_message(), "note is not valid UTF-8");
	free(o.note);
	o.note = NULL;
	o.kind = -1;
	assert_int_equal(kz_org_add(st, &o), KZ_EINVAL);
	assert_string_equal(kz_error_message(), "org kind out of range");
	o.kind = 8;
	assert_int_equal(kz_org_add(st, &o), KZ_EINVAL);
	o.kind = 100;
	assert_int_equal(kz_org_add(st, &o), KZ_EINVAL);
	kz_org_release(&o);
	assert_int_equal(query_int(st, "SELECT count(*) FROM orgs"), 0);
	kz_store_close(st);
}

static void
test_duplicates(void **state)
{
	struct kz_store *st = fresh();
	struct kz_org o;

	(void)state;
	assert_int_equal(add_one(st, "ISP A", "contact", "abuse@a.example"), 0);
	/* The name is taken. */
	assert_int_equal(
	    add_one(st, "ISP A", "contact", "other@a.example"), KZ_EEXISTS);
	assert_string_equal(
	    kz_error_message(), "an org named 'ISP A' exists already");
	/* Entries that are the same once canonical. */
	mk(&o, "ISP B", "isp");
	kz_strlist_add(&o.contacts, "abuse@B.example");
	kz_strlist_add(&o.contacts, "abuse@b.EXAMPLE");
	assert_int_equal(kz_org_add(st, &o), KZ_EEXISTS);
	assert_string_equal(
	    kz_error_message(), "contact 'abuse@b.example' is listed twice");
	kz_org_release(&o);
	mk(&o, "ISP B", "isp");
	kz_strlist_add(&o.netblocks, "2001:db8::/32");
	kz_strlist_add(&o.netblocks, "2001:0DB8::/32");
	assert_int_equal(kz_org_add(st, &o), KZ_EEXISTS);
	assert_string_equal(
	    kz_error_message(), "netblock '2001:db8::/32' is listed twice");
	kz_org_release(&o);
	mk(&o, "ISP B", "isp");
	kz_strlist_add(&o.domains, "Example.jp");
	kz_strlist_add(&o.domains, "example.jp.");
	assert_int_equal(kz_org_add(st, &o), KZ_EEXISTS);
	assert_string_equal(
	    kz_error_message(), "domain 'example.jp' is listed twice");
	kz_org_release(&o);
	mk(&o, "ISP B", "isp");
	kz_org_add_asn(&o, "AS64500");
	kz_org_add_asn(&o, "64500");
	assert_int_equal(kz_org_add(st, &o), KZ_EEXISTS);
	assert_string_equal(kz_error_message(), "AS64500 is listed twice");
	kz_org_release(&o);
	/* None of ISP B was written, not even its name. */
	assert_int_equal(query_int(st, "SELECT count(*) FROM orgs"), 1);
	assert_int_equal(query_int(st, "SELECT count(*) FROM org_contacts"), 1);
	assert_int_equal(
	    query_int(st, "SELECT count(*) FROM org_netblocks"), 0);
	assert_int_equal(query_int(st, "SELECT count(*) FROM org_asns"), 0);
	assert_int_equal(query_int(st, "SELECT count(*) FROM org_domains"), 0);
	/* Two orgs may share an entry: routing picks between them. */
	assert_int_equal(add_one(st, "ISP C", "contact", "abuse@a.example"), 0);
	kz_store_close(st);
}

static void
seed_org(struct kz_store *st)
{
	static const char *const c[] = { "abuse@isp.example", "noc@isp.example",
		NULL };
	static const char *const n[] = { "198.51.100.0/24", NULL };
	static const char *const d[] = { "isp.example", NULL };
	struct kz_org o;

	mk(&o, "ISP", "isp");
	o.country = strdup("JP");
	add_all(&o.contacts, c);
	add_all(&o.netblocks, n);
	add_all(&o.domains, d);
	kz_org_add_asn(&o, "AS64500");
	assert_int_equal(kz_org_add(st, &o), 0);
	kz_org_release(&o);
}

static void
test_update(void **state)
{
	struct kz_store *st = fresh();
	struct kz_org set, add, del, *got;

	(void)state;
	seed_org(st);
	kz_org_init(&set);
	kz_org_init(&add);
	kz_org_init(&del);
	set.name = "ISP Renamed";
	set.kind = kz_org_kind_parse("hosting");
	set.country = "us";
	set.lang = "ja";
	set.note = "メモ";
	kz_strlist_add(&add.contacts, "soc@ISP.example");
	kz_strlist_add(&add.netblocks, "2001:db8:1::/48");
	kz_strlist_add(&add.domains, "ISP.example.net");
	kz_org_add_asn(&add, "AS64501");
	kz_strlist_add(&del.contacts, "noc@ISP.EXAMPLE");
	kz_strlist_add(&del.netblocks, "198.51.100.0/24");
	kz_strlist_add(&del.domains, "Isp.Example");
	kz_org_add_asn(&del, "64500");
	kz_time_set_fixed(T0 + 60);
	assert_int_equal(kz_org_update(st, "ISP", &set,
			     KZ_ORG_NAME | KZ_ORG_KIND | KZ_ORG_COUNTRY |
				 KZ_ORG_LANG | KZ_ORG_NOTE,
			     &add, &del),
	    0);
	/* The caller's set is not rewritten. */
	assert_string_equal(set.country, "us");
	kz_org_release(&add);
	kz_org_release(&del);

	got = get(st, "ISP Renamed");
	assert_string_equal(kz_org_kind_names[got->kind], "hosting");
	assert_string_equal(got->country, "US");
	assert_string_equal(got->lang, "ja");
	assert_string_equal(got->note, "メモ");
	assert_int_equal(got->created_at, T0);
	assert_int_equal(got->updated_at, T0 + 60);
	{
		static const char *const c[] = { "abuse@isp.example",
			"soc@isp.example", NULL };
		static const char *const n[] = { "2001:db8:1::/48", NULL };
		static const char *const d[] = { "isp.example.net", NULL };

		assert_list(&got->contacts, c);
		assert_list(&got->netblocks, n);
		assert_list(&got->domains, d);
	}
	assert_int_equal(got->nasns, 1);
	assert_int_equal(got->asns[0], 64501);
	kz_org_free(got);

	/* Only the fields in the mask change. */
	kz_org_init(&add);
	kz_org_init(&del);
	set.name = "ignored";
	set.country = NULL;
	assert_int_equal(
	    kz_org_update(st, "ISP Renamed", &set, KZ_ORG_COUNTRY, &add, &del),
	    0);
	got = get(st, "ISP Renamed");
	assert_null(got->country);
	assert_string_equal(got->lang, "ja");
	kz_org_free(got);
	kz_store_close(st);
}

static void
test_update_rolls_back(void **state)
{
	struct kz_store *st = fresh();
	struct kz_org set, add, del, *got;

	(void)state;
	seed_org(st);
	kz_time_set_fixed(T0 + 60);
	kz_org_init(&set);
	kz_org_init(&add);
	kz_org_init(&del);
	set.name = "Should Not Stick";
	kz_strlist_add(&add.contacts, "new@isp.example");
	kz_org_add_asn(&add, "AS64999");
	kz_strlist_add(&del.contacts, "abuse@isp.example");
	kz_strlist_add(&del.domains, "nope.example");
	assert_int_equal(
	    kz_org_update(st, "ISP", &set, KZ_ORG_NAME, &add, &del),
	    KZ_ENOTFOUND);
	assert_string_equal(
	    kz_error_message(), "the org has no domain 'nope.example'");
	kz_org_release(&del);
	kz_org_init(&del);
	kz_org_add_asn(&del, "AS1");
	assert_int_equal(
	    kz_org_update(st, "ISP", &set, KZ_ORG_NAME, &add, &del),
	    KZ_ENOTFOUND);
	assert_string_equal(kz_error_message(), "the org has no AS1");
	kz_org_release(&del);
	kz_org_init(&del);
	kz_strlist_add(&del.netblocks, "203.0.113.0/24");
	assert_int_equal(
	    kz_org_update(st, "ISP", &set, KZ_ORG_NAME, &add, &del),
	    KZ_ENOTFOUND);
	assert_string_equal(
	    kz_error_message(), "the org has no netblock '203.0.113.0/24'");
	kz_org_release(&del);

	/* Adding what the org has already. */
	kz_org_init(&del);
	kz_strlist_add(&add.contacts, "abuse@isp.example");
	assert_int_equal(
	    kz_org_update(st, "ISP", &set, KZ_ORG_NAME, &add, &del),
	    KZ_EEXISTS);
	kz_org_release(&add);

	/* Everything is as it was. */
	assert_int_equal(
	    kz_org_get(&got, st, "Should Not Stick"), KZ_ENOTFOUND);
	got = get(st, "ISP");
	assert_int_equal(got->updated_at, T0);
	assert_int_equal(got->contacts.n, 2);
	assert_string_equal(got->contacts.v[0], "abuse@isp.example");
	assert_int_equal(got->nasns, 1);
	assert_int_equal(got->asns[0], 64500);
	assert_int_equal(got->domains.n, 1);
	kz_org_free(got);
	assert_int_equal(query_int(st, "SELECT count(*) FROM org_contacts"), 2);
	assert_int_equal(query_int(st, "SELECT count(*) FROM org_asns"), 1);
	assert_int_equal(kz_store_commit(st), KZ_EIO);
	kz_store_close(st);
}

static void
test_update_refused(void **state)
{
	struct kz_store *st = fresh();
	struct kz_org set, add, del, o;

	(void)state;
	seed_org(st);
	mk(&o, "Other", "vendor");
	assert_int_equal(kz_org_add(st, &o), 0);
	kz_org_release(&o);
	kz_org_init(&set);
	kz_org_init(&add);
	kz_org_init(&del);
	set.name = "Other";
	assert_int_equal(
	    kz_org_update(st, "ISP", &set, KZ_ORG_NAME, &add, &del),
	    KZ_EEXISTS);
	assert_string_equal(
	    kz_error_message(), "an org named 'Other' exists already");
	assert_int_equal(
	    kz_org_update(st, "Nobody", &set, KZ_ORG_NOTE, &add, &del),
	    KZ_ENOTFOUND);
	set.country = "XYZ";
	assert_int_equal(
	    kz_org_update(st, "ISP", &set, KZ_ORG_COUNTRY, &add, &del),
	    KZ_EINVAL);
	set.country = NULL;
	set.lang = "de";
	assert_int_equal(
	    kz_org_update(st, "ISP", &set, KZ_ORG_LANG, &add, &del), KZ_EINVAL);
	set.lang = NULL;
	kz_strlist_add(&add.domains, "not a domain");
	assert_int_equal(
	    kz_org_update(st, "ISP", &set, KZ_ORG_NOTE, &add, &del), KZ_EINVAL);
	kz_org_release(&add);
	assert_int_equal(query_int(st,
			     "SELECT count(*) FROM orgs WHERE "
			     "name = 'ISP' AND country = 'JP'"),
	    1);
	kz_store_close(st);
}

static void
test_strlist(void **state)
{
	struct kz_strlist l = { 0 };

	(void)state;
	assert_int_equal(kz_strlist_add(&l, "a"), 0);
	assert_int_equal(kz_strlist_add(&l, "日本"), 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[1], "日本");
	kz_strlist_release(&l);
	assert_null(l.v);
	assert_int_equal(l.n, 0);
	kz_strlist_release(&l);
}

static void
test_to_json(void **state)
{
	struct kz_store *st = fresh();
	struct kz_org *got;
	json_t *j;
	char *d;

	(void)state;
	seed_org(st);
	got = get(st, "ISP");
	j = kz_org_to_json(got);
	d = kz_json_dump(j, 0);
	assert_string_equal(d,
	    "{\"id\":1,\"name\":\"ISP\",\"kind\":\"isp\",\"country\":\"JP\","
	    "\"lang\":\"en\",\"note\":\"\","
	    "\"contacts\":[\"abuse@isp.example\",\"noc@isp.example\"],"
	    "\"netblocks\":[\"198.51.100.0/24\"],\"asns\":[64500],"
	    "\"domains\":[\"isp.example\"],"
	    "\"created_at\":\"2026-07-01T00:00:00Z\","
	    "\"updated_at\":\"2026-07-01T00:00:00Z\"}");
	free(d);
	json_decref(j);
	kz_org_free(got);
	kz_store_close(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_canonical),
		cmocka_unit_test(test_get_and_list),
		cmocka_unit_test(test_bad_entries),
		cmocka_unit_test(test_bad_scalars),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_update),
		cmocka_unit_test(test_update_rolls_back),
		cmocka_unit_test(test_update_refused),
		cmocka_unit_test(test_strlist),
		cmocka_unit_test(test_to_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
