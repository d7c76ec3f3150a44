/* SPDX-License-Identifier: MIT */
/*
 * Tests for IODEF documents: validated against the RFC 7970 schema
 * (tests/data/iodef/iodef-2.0.xsd, whose imports point at local stand-ins
 * for the XML Signature, enum and SCI schemas), and hostile text escaped.
 */
#include "testutil.h"

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/error.h"
#include "notify/iodef.h"

static xmlSchemaPtr schema;

static int
setup(void **state)
{
	char *path = tu_data_path("iodef/iodef-2.0.xsd");
	xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(path);

	(void)state;
	schema = pc ? xmlSchemaParse(pc) : NULL;
	xmlSchemaFreeParserCtxt(pc);
	free(path);
	return schema ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	xmlSchemaFree(schema);
	return 0;
}

static xmlDocPtr
build_valid(const struct kz_notice_data *d, struct kz_buf *b)
{
	xmlSchemaValidCtxtPtr vc;
	xmlDocPtr doc;

	assert_int_equal(kz_iodef_build(b, d), 0);
	doc = xmlReadMemory(
	    b->ptr, (int)b->len, "iodef.xml", NULL, XML_PARSE_NONET);
	assert_non_null(doc);
	vc = xmlSchemaNewValidCtxt(schema);
	if (xmlSchemaValidateDoc(vc, doc) != 0)
		fail_msg("not valid IODEF:\n%s", b->ptr);
	xmlSchemaFreeValidCtxt(vc);
	return doc;
}

static const struct kz_notice_ioc iocs[] = {
	{ KZ_IOC_IPV4, "192.0.2.10", "KZ-2026-000001", 1782864000, 0 },
	{ KZ_IOC_IPV6, "2001:db8::1", NULL, 0, 0 },
	{ KZ_IOC_CIDR, "198.51.100.0/24", NULL, 0, 0 },
	{ KZ_IOC_DOMAIN, "bad.example.jp", NULL, 0, 0 },
	{ KZ_IOC_URL, "http://bad.example.jp/a?b=1&c=<x>", NULL, 0, 0 },
	{ KZ_IOC_EMAIL, "phish@bad.example.jp", NULL, 0, 0 },
	{ KZ_IOC_ASN, "AS64500", NULL, 0, 0 },
	{ KZ_IOC_SHA256,
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	    NULL, 0, 0 },
	{ KZ_IOC_CVE, "CVE-2024-12345", NULL, 0, 0 },
};

static void
fill(struct kz_notice_data *d, enum kz_category cat)
{
	memset(d, 0, sizeof(*d));
	d->ticket = "KZ-2026-000001";
	d->title = "Phishing <site> & \"bank\" \x01 フィッシング";
	d->category = cat;
	d->tlp = KZ_TLP_AMBER;
	d->priority = 2;
	d->created_at = 1782864000;
	d->first_seen = 1782864000;
	d->last_seen = 1782950400;
	d->now = 1783000000;
	d->team = "Example CSIRT";
	d->team_email = "csirt@csirt.example";
	d->team_domain = "csirt.example";
	d->lang = "ja";
	d->iocs = iocs;
	d->n_iocs = sizeof(iocs) / sizeof(iocs[0]);
}

static void
test_valid_every_category(void **state)
{
	(void)state;
	for (int c = 0; c < KZ_CAT_COUNT; c++) {
		struct kz_notice_data d;
		struct kz_buf b = KZ_BUF_INIT(1 << 20);

		fill(&d, (enum kz_category)c);
		d.tlp = (enum kz_tlp)(c % KZ_TLP_COUNT);
		xmlFreeDoc(build_valid(&d, &b));
		kz_buf_release(&b);
	}
}

static void
test_content(void **state)
{
	struct kz_notice_data d;
	struct kz_buf b = KZ_BUF_INIT(1 << 20);
	xmlDocPtr doc;

	(void)state;
	fill(&d, KZ_CAT_PHISHING);
	doc = build_valid(&d, &b);
	assert_non_null(strstr(b.ptr, "version=\"2.00\""));
	assert_non_null(strstr(b.ptr,
	    "<IncidentID name=\"csirt.example\">"
	    "KZ-2026-000001</IncidentID>"));
	assert_non_null(strstr(b.ptr, "purpose=\"reporting\""));
	assert_non_null(strstr(b.ptr, "<ReportTime>2026-07-02T13:46:40Z"));
	assert_non_null(
	    strstr(b.ptr, "category=\"ipv4-addr\">192.0.2.10</Address>"));
	assert_non_null(
	    strstr(b.ptr, "category=\"ipv6-net\"") == NULL ? "ok" : NULL);
	assert_non_null(strstr(b.ptr, "category=\"ipv4-net\">198.51.100.0/24"));
	assert_non_null(strstr(b.ptr, "<Name>bad.example.jp</Name>"));
	assert_non_null(strstr(b.ptr,
	    "category=\"site-uri\">http://bad.example.jp/a?b=1&amp;c=&lt;x&gt;"));
	assert_non_null(strstr(b.ptr, "category=\"asn\">64500</Address>"));
	assert_non_null(strstr(b.ptr, "NodeRole category=\"phishing-site\""));
	assert_non_null(strstr(b.ptr, "meaning=\"sha256\""));
	assert_non_null(strstr(b.ptr, "Phishing &lt;site&gt; &amp;"));
	assert_null(strchr(b.ptr, '\x01'));
	assert_non_null(strstr(b.ptr, "フィッシング"));
	assert_non_null(
	    strstr(b.ptr, "<EmailTo>csirt@csirt.example</EmailTo>"));
	xmlFreeDoc(doc);
	kz_buf_release(&b);
}

static void
test_no_indicators(void **state)
{
	struct kz_notice_data d;
	struct kz_buf b = KZ_BUF_INIT(1 << 20);

	(void)state;
	fill(&d, KZ_CAT_OTHER);
	d.n_iocs = 0;
	d.title = "";
	d.team_domain = NULL;
	xmlFreeDoc(build_valid(&d, &b));
	assert_null(strstr(b.ptr, "EventData"));
	kz_buf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_every_category),
		cmocka_unit_test(test_content),
		cmocka_unit_test(test_no_indicators),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
