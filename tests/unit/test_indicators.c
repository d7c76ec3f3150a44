/* SPDX-License-Identifier: MIT */
/* Tests for the indicator table: canonical forms, metadata, loaders. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "match/domainset.h"
#include "match/indicators.h"
#include "match/ipset.h"

static void
canon_is(enum kz_ioc_type t, const char *in, enum kz_ioc_type want_t,
    const char *want)
{
	struct kz_buf b = KZ_BUF_INIT(1 << 16);
	enum kz_ioc_type got = KZ_IOC_NTYPES;
	int rc = kz_ioc_table_canonical(&b, &got, t, in, strlen(in));

	if (!want) {
		assert_int_equal(rc, KZ_EINVAL);
	} else {
		assert_int_equal(rc, 0);
		assert_string_equal(b.ptr, want);
		assert_int_equal(got, want_t);
	}
	kz_buf_release(&b);
}

static void
test_canonical(void **state)
{
	const enum kz_ioc_type G = KZ_IOC_NTYPES;

	canon_is(
	    G, " Evil[.]Example[.]COM. ", KZ_IOC_DOMAIN, "evil.example.com");
	canon_is(G, "*.evil.com", KZ_IOC_DOMAIN, "evil.com");
	canon_is(G, "hxxps://Bad.example.com:443/a", KZ_IOC_URL,
	    "https://bad.example.com/a");
	canon_is(G, "28.142.180.1", KZ_IOC_IPV4, "28.142.180.1");
	canon_is(G, "28[.]142[.]180[.]1", KZ_IOC_IPV4, "28.142.180.1");
	/* not defanged, though it looks close: taken as it is */
	canon_is(G, "hxa.Example.com", KZ_IOC_DOMAIN, "hxa.example.com");
	canon_is(G, "fxp.example.com", KZ_IOC_DOMAIN, "ftp.example.com");
	canon_is(G, "fxp://files.example.com/a", KZ_IOC_URL,
	    "ftp://files.example.com/a");
	canon_is(G, "10.0.0.0/8", KZ_IOC_CIDR, "10.0.0.0/8");
	canon_is(G, "2001:DB8::1", KZ_IOC_IPV6, "2001:db8::1");
	canon_is(G, "CEO[@]Examp1e.CO.JP", KZ_IOC_EMAIL, "CEO@examp1e.co.jp");
	canon_is(G, "D41D8CD98F00B204E9800998ECF8427E", KZ_IOC_MD5,
	    "d41d8cd98f00b204e9800998ecf8427e");
	canon_is(G, "cve-2021-44228", KZ_IOC_CVE, "CVE-2021-44228");
	canon_is(G, "AS64500", KZ_IOC_ASN, "AS64500");
	canon_is(G, "例え.テスト", KZ_IOC_DOMAIN, "xn--r8jz45g.xn--zckzah");
	canon_is(G, "not an indicator", G, NULL);
	canon_is(KZ_IOC_CIDR, "10.1.2.3/8", G, NULL);
	canon_is(KZ_IOC_CIDR, "10.1.2.3", KZ_IOC_CIDR, "10.1.2.3/32");
	canon_is(KZ_IOC_IPV4, "10.0.0.0/8", G, NULL);
	canon_is(KZ_IOC_IPV4, "999.1.1.1", G, NULL);
	canon_is(KZ_IOC_DOMAIN, "bad domain.com", G, NULL);
	canon_is(KZ_IOC_MD5, "abc", G, NULL);
	canon_is(KZ_IOC_EMAIL, "@example.com", G, NULL);
	canon_is(KZ_IOC_EMAIL_SUBJECT, "  Urgent [payment]  ",
	    KZ_IOC_EMAIL_SUBJECT, "Urgent [payment]");
}

static void
test_add_and_dups(void **state)
{
	struct kz_ioc_table *t;
	struct kz_ioc_meta m1 = { "feedA", "c2,emotet", "TLP:AMBER" };
	struct kz_ioc_meta m2 = { "feedB", NULL, "white" };
	struct kz_ioc ioc;
	uint32_t a, b, c, d;

	assert_int_equal(kz_ioc_table_new(&t), 0);
	assert_int_equal(
	    kz_ioc_table_add(t, &a, KZ_IOC_DOMAIN, "evil.com", 8, &m1), 0);
	assert_int_equal(kz_ioc_table_add_auto(t, &b, "EVIL.com", 8, &m2), 0);
	assert_int_equal(kz_ioc_table_add_auto(t, &c, "192.0.2.1", 9, &m1), 0);
	assert_int_equal(
	    kz_ioc_table_add_auto(t, &d, "192.0.2.1/32", 12, &m2), 0);
	assert_int_equal(
	    kz_ioc_table_add_auto(t, NULL, "co.jp", 5, NULL), KZ_EINVAL);
	assert_non_null(strstr(kz_error_message(), "public suffix"));
	{
		struct kz_ioc_meta bad = { "x", NULL, "purple" };

		assert_int_equal(
		    kz_ioc_table_add_auto(t, NULL, "a.com", 5, &bad),
		    KZ_EINVAL);
		assert_non_null(
		    strstr(kz_error_message(), "unknown TLP 'purple'"));
	}
	assert_int_equal(
	    kz_ioc_table_add(t, NULL, KZ_IOC_NTYPES, "a.com", 5, NULL),
	    KZ_EINVAL);
	assert_int_equal(kz_ioc_table_build(t), 0);
	assert_int_equal(kz_ioc_table_count(t), 4);
	kz_ioc_table_get(t, a, &ioc);
	assert_string_equal(ioc.value, "evil.com");
	assert_string_equal(ioc.source, "feedA");
	assert_string_equal(ioc.tags, "c2,emotet");
	assert_string_equal(ioc.tlp, "amber");
	kz_ioc_table_get(t, b, &ioc);
	assert_string_equal(ioc.tlp, "clear");
	assert_int_equal(kz_ioc_table_next_dup(t, a), b);
	assert_int_equal(kz_ioc_table_next_dup(t, b), KZ_IOC_NONE);
	assert_int_equal(kz_ioc_table_next_dup(t, c), d);
	assert_int_equal(kz_domainset_lookup(
			     kz_ioc_table_domains(t), "x.evil.com", 10, NULL),
	    a);
	assert_int_equal(
	    kz_ipset_lookup4(kz_ioc_table_ipset(t), 0xc0000201u), c);
	assert_string_equal(kz_ioc_table_type_name(KZ_IOC_CIDR), "cidr");
	kz_ioc_table_free(t);
}

static void
test_load_formats(void **state)
{
	const char *plain = "# feed\n\nevil.com\n  192.0.2.0/24  # note\n"
			    "bad line here\nco.jp\r\nhxxp://x[.]evil.org/a\n";
	const char *csv = "\xef\xbb\xbftype,value,source,tags,tlp\n"
			  "domain,evil.com,feedC,\"c2,bank\",amber\n"
			  "ipv4,192.0.2.1,,,\n"
			  "nosuch,x,,,\n"
			  "url,\"http://a.example.com/q?x=1,2\",feedC,,red\n";
	const char *zeek =
	    "#separator \\x09\n"
	    "#fields\tindicator\tindicator_type\tmeta.source\tmeta.desc\n"
	    "evil.com\tIntel::DOMAIN\tzeekfeed\tbad\n"
	    "198.51.100.9\tIntel::ADDR\t-\t-\n"
	    "example.net/payload\tIntel::URL\tzeekfeed\t-\n"
	    "ceo@examp1e.co.jp\tIntel::EMAIL\tzeekfeed\t-\n"
	    "x\tIntel::SOFTWARE\tzeekfeed\t-\n";
	struct kz_ioc_table *t;
	struct kz_ioc_load_stats st;
	struct kz_ioc_meta dflt = { NULL, "default-tag", "green" };
	struct kz_ioc ioc;
	uint32_t i;
	int found = 0;

	assert_int_equal(kz_ioc_table_new(&t), 0);
	kz_ioc_load_stats_init(&st);
	assert_int_equal(kz_ioc_table_load(t, plain, strlen(plain),
			     KZ_IOC_LIST_AUTO, "plain.txt", &dflt, 0, &st),
	    0);
	assert_int_equal(st.added, 3);
	assert_int_equal(st.rejected, 2);
	assert_non_null(strstr(st.errors.ptr, "plain.txt:5: 'bad' is not"));
	assert_non_null(
	    strstr(st.errors.ptr, "plain.txt:6: 'co.jp' is a public"));
	kz_ioc_table_get(t, 0, &ioc);
	assert_string_equal(ioc.source, "plain.txt");
	assert_string_equal(ioc.tags, "default-tag");
	assert_string_equal(ioc.tlp, "green");
	kz_ioc_load_stats_release(&st);

	kz_ioc_load_stats_init(&st);
	assert_int_equal(kz_ioc_table_load(t, csv, strlen(csv),
			     KZ_IOC_LIST_AUTO, "feed.csv", NULL, 0, &st),
	    0);
	assert_int_equal(st.added, 3);
	assert_int_equal(st.duplicates, 1);
	assert_int_equal(st.rejected, 1);
	assert_non_null(strstr(
	    st.errors.ptr, "feed.csv:4: unknown indicator type 'nosuch'"));
	kz_ioc_load_stats_release(&st);

	kz_ioc_load_stats_init(&st);
	assert_int_equal(kz_ioc_table_load(t, zeek, strlen(zeek),
			     KZ_IOC_LIST_AUTO, "intel.dat", NULL, 0, &st),
	    0);
	assert_int_equal(st.added, 4);
	assert_int_equal(st.rejected, 1);
	kz_ioc_load_stats_release(&st);
	assert_int_equal(kz_ioc_table_build(t), 0);
	for (i = 0; i < kz_ioc_table_count(t); i++) {
		kz_ioc_table_get(t, i, &ioc);
		if (!strcmp(ioc.value, "http://example.net/payload"))
			found++;
		if (!strcmp(ioc.value, "http://a.example.com/q?x=1,2")) {
			assert_string_equal(ioc.tlp, "red");
			found++;
		}
		if (!strcmp(ioc.source, "feedC") && ioc.type == KZ_IOC_DOMAIN) {
			assert_string_equal(ioc.tags, "c2,bank");
			found++;
		}
	}
	assert_int_equal(found, 3);

	/* strict mode stops at the first bad line, naming it */
	kz_ioc_load_stats_init(&st);
	assert_int_equal(
	    kz_ioc_table_load(t, plain, strlen(plain), KZ_IOC_LIST_PLAIN,
		"p.txt", NULL, KZ_IOC_LOAD_STRICT, &st),
	    KZ_EINVAL);
	assert_non_null(strstr(kz_error_message(), "p.txt: 5: "));
	kz_ioc_load_stats_release(&st);

	/* a CSV without a value column */
	kz_ioc_load_stats_init(&st);
	assert_int_equal(kz_ioc_table_load(t, "a,b\n1,2\n", 8, KZ_IOC_LIST_CSV,
			     "x.csv", NULL, 0, &st),
	    KZ_EINVAL);
	kz_ioc_load_stats_release(&st);
	assert_int_equal(
	    kz_ioc_table_load_file(t, "/nonexistent/x", 0, NULL, 0, &st),
	    KZ_EIO);
	kz_ioc_table_free(t);
}

static void
test_alloc_failures(void **state)
{
	const char *list = "evil.com\n192.0.2.0/24\nhttp://a.example/x\n"
			   "a@b.example\nd41d8cd98f00b204e9800998ecf8427e\n";
	unsigned long nth;

	for (nth = 1; nth < 80; nth++) {
		struct kz_ioc_table *t = NULL;
		struct kz_ioc_load_stats st;

		kz_ioc_load_stats_init(&st);
		kz_alloc_fail_at(nth);
		if (kz_ioc_table_new(&t) == 0) {
			kz_ioc_table_load(
			    t, list, strlen(list), 0, "l", NULL, 0, &st);
			kz_ioc_table_build(t);
		}
		kz_alloc_fail_at(0);
		kz_ioc_load_stats_release(&st);
		kz_ioc_table_free(t);
	}
}

/*
 * A list load queues its domains for a few lines before adding them: the
 * duplicates it finds, near or far apart, are still counted and chained
 * in the order the lines came, and lookups answer the first.
 */
static void
test_load_duplicates(void **state)
{
	struct kz_ioc_table *t;
	struct kz_ioc_load_stats st;
	char *list = malloc(1 << 16);
	size_t len = 0;
	uint32_t id, first[40], n;
	int i;

	for (i = 0; i < 200; i++) /* d0 .. d39 again and again */
		len += (size_t)sprintf(list + len, "d%d.example.com\n", i % 40);
	len += (size_t)sprintf(list + len, "D7.Example.COM.\n");
	assert_int_equal(kz_ioc_table_new(&t), 0);
	kz_ioc_load_stats_init(&st);
	assert_int_equal(kz_ioc_table_load(t, list, len, KZ_IOC_LIST_PLAIN,
			     "dups.txt", NULL, 0, &st),
	    0);
	assert_int_equal(st.added, 201);
	assert_int_equal(st.duplicates, 161);
	assert_int_equal(kz_ioc_table_build(t), 0);
	for (i = 0; i < 40; i++) {
		char h[64];

		snprintf(h, sizeof(h), "www.d%d.example.com", i);
		first[i] = kz_domainset_lookup(
		    kz_ioc_table_domains(t), h, strlen(h), NULL);
		assert_int_equal(first[i], (uint32_t)i);
	}
	/* d7: ids 7, 47, 87, 127, 167, then the upper-case line (200) */
	for (id = first[7], n = 0; id != KZ_IOC_NONE;
	     id = kz_ioc_table_next_dup(t, id), n++)
		assert_int_equal(id, n < 5 ? 7 + 40 * n : 200);
	assert_int_equal(n, 6);
	kz_ioc_load_stats_release(&st);
	kz_ioc_table_free(t);
	free(list);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_canonical),
		cmocka_unit_test(test_add_and_dups),
		cmocka_unit_test(test_load_formats),
		cmocka_unit_test(test_load_duplicates),
		cmocka_unit_test(test_alloc_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
