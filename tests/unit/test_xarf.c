/* SPDX-License-Identifier: MIT */
/* Tests for X-ARF v4 reports: fields, category mapping, evidence. */
#include "testutil.h"

#include <jansson.h>
#include <string.h>

#include "core/buf.h"
#include "core/error.h"
#include "notify/xarf.h"

static const struct kz_notice_ioc iocs[] = {
	{ KZ_IOC_URL, "http://user@bad.example.jp:8080/login?x=1",
	    "KZ-2026-000001", 1782864000, 1782950400 },
	{ KZ_IOC_IPV4, "192.0.2.10", "KZ-2026-000002", 0, 0 },
	{ KZ_IOC_SHA256,
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	    NULL, 0, 0 },
};

static json_t *
build(enum kz_category cat, size_t i)
{
	struct kz_notice_data d = { 0 };
	struct kz_buf b = KZ_BUF_INIT(1 << 20);
	json_error_t e;
	json_t *j;

	d.ticket = "KZ-2026-000001";
	d.title = "偽の銀行サイト";
	d.category = cat;
	d.now = 1783000000;
	d.team = "Example CSIRT";
	d.team_email = "csirt@csirt.example";
	d.team_domain = "csirt.example";
	d.excerpt = "> ログインページの偽物です";
	d.iocs = iocs;
	d.n_iocs = 3;
	assert_int_equal(kz_xarf_build(&b, &d, i), 0);
	j = json_loads(b.ptr, 0, &e);
	if (!j)
		fail_msg("not JSON: %s\n%s", e.text, b.ptr);
	kz_buf_release(&b);
	return j;
}

static const char *
str(json_t *j, const char *k)
{
	json_t *v = json_object_get(j, k);

	return v ? json_string_value(v) : NULL;
}

static void
test_phishing(void **state)
{
	json_t *j = build(KZ_CAT_PHISHING, 0), *ev;

	(void)state;
	assert_string_equal(str(j, "xarf_version"), "4.0.0");
	assert_int_equal(strlen(str(j, "report_id")), 36);
	assert_string_equal(str(j, "category"), "content");
	assert_string_equal(str(j, "type"), "phishing");
	assert_string_equal(str(j, "source_identifier"), "bad.example.jp");
	assert_string_equal(
	    str(j, "url"), "http://user@bad.example.jp:8080/login?x=1");
	assert_string_equal(str(j, "domain"), "bad.example.jp");
	assert_string_equal(str(j, "timestamp"), "2026-07-02T13:46:40Z");
	assert_string_equal(str(j, "first_seen"), "2026-07-01T00:00:00Z");
	assert_string_equal(str(j, "description"), "偽の銀行サイト");
	assert_string_equal(str(json_object_get(j, "reporter"), "contact"),
	    "csirt@csirt.example");
	assert_string_equal(
	    str(json_object_get(j, "sender"), "domain"), "csirt.example");
	ev = json_array_get(json_object_get(j, "evidence"), 0);
	assert_non_null(ev);
	assert_non_null(str(ev, "payload"));
	assert_int_equal(strncmp(str(ev, "hash"), "sha256:", 7), 0);
	assert_string_equal(
	    json_string_value(json_array_get(json_object_get(j, "tags"), 0)),
	    "ticket:KZ-2026-000001");
	json_decref(j);
}

static void
test_mapping(void **state)
{
	json_t *j;

	(void)state;
	j = build(KZ_CAT_SCAN, 1);
	assert_string_equal(str(j, "category"), "connection");
	assert_string_equal(str(j, "type"), "port_scan");
	assert_string_equal(str(j, "source_identifier"), "192.0.2.10");
	/* the indicator's own incident is tagged too */
	assert_int_equal(json_array_size(json_object_get(j, "tags")), 2);
	json_decref(j);
	j = build(KZ_CAT_DEFACEMENT, 0);
	assert_string_equal(str(j, "type"), "remote_compromise");
	assert_string_equal(str(j, "compromise_type"), "defacement");
	json_decref(j);
	j = build(KZ_CAT_DOS, 1);
	assert_string_equal(str(j, "type"), "ddos");
	json_decref(j);
	j = build(KZ_CAT_TARGETED, 1);
	assert_string_equal(str(j, "category"), "infrastructure");
	json_decref(j);
}

static void
test_not_a_source(void **state)
{
	struct kz_notice_data d = { 0 };
	struct kz_buf b = KZ_BUF_INIT(1 << 20);

	(void)state;
	d.iocs = iocs;
	d.n_iocs = 3;
	assert_false(kz_xarf_can_report(KZ_IOC_SHA256));
	assert_int_equal(kz_xarf_build(&b, &d, 2), KZ_EINVAL);
	assert_int_equal(kz_xarf_build(&b, &d, 9), KZ_EINVAL);
	assert_int_equal(b.len, 0);
	kz_buf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_phishing),
		cmocka_unit_test(test_mapping),
		cmocka_unit_test(test_not_a_source),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
