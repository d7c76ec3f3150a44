/* SPDX-License-Identifier: MIT */
/*
 * Tests for classification. The cases live in tests/data/classify:
 * NNNN-name.txt is a report (mail headers, a blank line and the body, or
 * only a body), NNNN-name.expected gives "category", "rule" and "stage"
 * lines (key<TAB>value) for the built-in rules. The rest checks the rules
 * file format, its error messages and handler overrides.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "extract/classify.h"

/* Splits a mail-like text: headers (if it starts with them) and body. */
static void
split_mail(
    const char *t, struct kz_classify_input *in, char *subject, size_t ssz)
{
	const char *body = t, *sep = strstr(t, "\n\n"), *s;
	const char *colon = strchr(t, ':'), *nl = strchr(t, '\n');

	memset(in, 0, sizeof(*in));
	subject[0] = '\0';
	if (sep && colon && nl && colon < nl && !memchr(t, ' ', colon - t)) {
		in->headers = t;
		in->headers_len = (size_t)(sep - t) + 1;
		body = sep + 2;
		s = strstr(t, "Subject:");
		if (s && s < sep) {
			const char *e = strchr(s, '\n');

			s += 8;
			while (*s == ' ')
				s++;
			snprintf(subject, ssz, "%.*s", (int)(e - s), s);
		}
	}
	in->subject = subject;
	in->text = body;
	in->text_len = strlen(body);
}

static void
test_data_cases(void **state)
{
	char *dir = tu_data_path("classify");
	char **list;
	size_t n, failed = 0;

	(void)state;
	assert_int_equal(tu_list_dir(&list, &n, dir, ".txt"), 0);
	assert_true(n >= 10);
	for (size_t i = 0; i < n; i++) {
		struct kz_classify_input in;
		struct kz_classification c;
		struct kz_extract_result r;
		char subject[512], got[512];
		size_t l = strlen(list[i]), len;
		char *text = tu_read_file(list[i], &len);
		char *exp_path = malloc(l + 16), *want;

		memcpy(exp_path, list[i], l - 4);
		strcpy(exp_path + l - 4, ".expected");
		want = tu_read_file(exp_path, NULL);
		assert_non_null(text);
		if (!want)
			fail_msg("%s has no .expected file", list[i]);
		split_mail(text, &in, subject, sizeof(subject));
		kz_extract_result_init(&r);
		assert_int_equal(kz_extract(&r, text, len, 0), 0);
		in.iocs = &r;
		assert_int_equal(kz_classify(&c, NULL, &in), 0);
		snprintf(got, sizeof(got),
		    "category\t%s\nrule\t%s\nstage\t%s\n",
		    kz_category_name(c.category), c.rule,
		    c.stage == KZ_STAGE_NONE ? "none" : kz_stage_name(c.stage));
		if (strcmp(got, want) != 0) {
			printf("case %s\n--- got\n%s--- want\n%s", list[i], got,
			    want);
			failed++;
		}
		assert_true(c.confidence >= 0.0 && c.confidence <= 1.0);
		if (strcmp(c.rule, "default") == 0)
			assert_true(c.confidence == 0.0);
		else
			assert_true(c.confidence > 0.0);
		kz_extract_result_release(&r);
		free(text);
		free(want);
		free(exp_path);
	}
	tu_free_list(list, n);
	free(dir);
	assert_int_equal(failed, 0);
}

static void
test_builtin_loads(void **state)
{
	struct kz_classify_rules *rs;
	char *path = tu_data_path("../../data/classify.rules");
	size_t len;
	char *text = tu_read_file(path, &len);

	(void)state;
	assert_int_equal(kz_classify_rules_load(&rs, NULL), 0);
	assert_true(kz_classify_rules_count(rs) > 50);
	kz_classify_rules_free(rs);
	/* the built-in copy is the data file */
	assert_non_null(text);
	assert_int_equal(len, kz_classify_default_rules_len);
	assert_memory_equal(text, kz_classify_default_rules, len);
	assert_int_equal(kz_classify_rules_load(&rs, path), 0);
	kz_classify_rules_free(rs);
	free(text);
	free(path);
}

static void
test_custom_rules(void **state)
{
	const char *rules = "# a comment\n"
			    "\n"
			    "keyword  k1  dos  0.5  Flood\n"
			    "keyword  k2  dos  0.5  洪水\n"
			    "subject  s1  scan 0.9  probe\n"
			    "header   h1  phishing 0.7  X-Kind: phish\n"
			    "header   h2  defacement 0.2  X-Present:\n"
			    "ioc      i1  malware_site 0.95  md5 2\n"
			    "stage    st  lateral 0.3  pivot\n";
	struct kz_classify_rules *rs;
	struct kz_classify_input in;
	struct kz_classification c;
	struct kz_extract_result r;
	const char *md5s = "d41d8cd98f00b204e9800998ecf8427e "
			   "44d88612fea8a8f36de82e1278abb02f";

	(void)state;
	assert_int_equal(
	    kz_classify_rules_parse(&rs, rules, strlen(rules), "test"), 0);
	assert_int_equal(kz_classify_rules_count(rs), 7);
	memset(&in, 0, sizeof(in));
	in.text = "a FLOOD and a 洪水, then a pivot";
	in.text_len = strlen(in.text);
	assert_int_equal(kz_classify(&c, rs, &in), 0);
	assert_int_equal(c.category, KZ_CAT_DOS);
	assert_true(c.confidence > 0.74 && c.confidence < 0.76);
	assert_string_equal(c.rule, "k1");
	assert_int_equal(c.stage, KZ_STAGE_LATERAL);
	assert_string_equal(c.stage_rule, "st");
	/* subject rules look at the subject only */
	in.text = "probe";
	in.text_len = 5;
	assert_int_equal(kz_classify(&c, rs, &in), 0);
	assert_int_equal(c.category, KZ_CAT_OTHER);
	assert_string_equal(c.rule, "default");
	assert_int_equal(c.stage, KZ_STAGE_NONE);
	in.subject = "Probe of our hosts";
	assert_int_equal(kz_classify(&c, rs, &in), 0);
	assert_int_equal(c.category, KZ_CAT_SCAN);
	/* headers, folded lines included */
	memset(&in, 0, sizeof(in));
	in.headers = "From: a@example.com\nX-Kind: spam,\n  Phish\n";
	in.headers_len = strlen(in.headers);
	assert_int_equal(kz_classify(&c, rs, &in), 0);
	assert_int_equal(c.category, KZ_CAT_PHISHING);
	in.headers = "X-Present: 1\n";
	in.headers_len = strlen(in.headers);
	assert_int_equal(kz_classify(&c, rs, &in), 0);
	assert_int_equal(c.category, KZ_CAT_DEFACEMENT);
	/* indicator counts */
	memset(&in, 0, sizeof(in));
	kz_extract_result_init(&r);
	assert_int_equal(kz_extract(&r, md5s, 32, 0), 0);
	in.iocs = &r;
	assert_int_equal(kz_classify(&c, rs, &in), 0);
	assert_int_equal(c.category, KZ_CAT_OTHER);
	assert_int_equal(kz_extract(&r, md5s, strlen(md5s), 0), 0);
	assert_int_equal(kz_classify(&c, rs, &in), 0);
	assert_int_equal(c.category, KZ_CAT_MALWARE_SITE);
	assert_string_equal(c.rule, "i1");
	kz_extract_result_release(&r);
	kz_classify_rules_free(rs);
}

static void
test_rule_errors(void **state)
{
	static const struct {
		const char *text;
		const char *msg;
	} bad[] = {
		{ "word x scan 0.5 y\n",
		    "t:1: unknown rule kind 'word' (one of: keyword, subject, "
		    "header, ioc, stage)" },
		{ "\nkeyword x nosuch 0.5 y\n",
		    "t:2: unknown category 'nosuch' (one of: scan, defacement, "
		    "phishing, malware_site, dos, targeted, control_system, "
		    "other)" },
		{ "stage x scan 0.5 y\n",
		    "t:1: unknown stage 'scan' (one of: recon, intrusion, "
		    "lateral, objective)" },
		{ "keyword x scan 1.5 y\n",
		    "t:1: weight '1.5' is not a number above 0 and at most 1" },
		{ "keyword x scan abc y\n",
		    "t:1: weight 'abc' is not a number above 0 and at most 1" },
		{ "keyword x scan 0.5\n", "t:1: rule 'x' has no pattern" },
		{ "ioc x scan 0.5 hostname\n",
		    "t:1: unknown indicator type 'hostname' (one of: ipv4, "
		    "ipv6, cidr, domain, url, email, email_subject, md5, sha1, "
		    "sha256, asn, cve, filename)" },
		{ "ioc x scan 0.5 url zero\n",
		    "t:1: count 'zero' is not a whole number from 1" },
		{ "header x scan 0.5 nocolon\n",
		    "t:1: header rule 'x' needs 'Name: text'" },
	};
	struct kz_classify_rules *rs;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(kz_classify_rules_parse(&rs, bad[i].text,
				     strlen(bad[i].text), "t"),
		    KZ_EINVAL);
		assert_null(rs);
		assert_string_equal(kz_error_message(), bad[i].msg);
	}
	assert_int_equal(
	    kz_classify_rules_load(&rs, "/nonexistent/rules"), KZ_EIO);
	assert_non_null(strstr(
	    kz_error_message(), "cannot read rules file '/nonexistent/rules'"));
}

static void
test_override(void **state)
{
	struct kz_classify_input in;
	struct kz_classification c;

	(void)state;
	memset(&in, 0, sizeof(in));
	in.text = "port scan during reconnaissance";
	in.text_len = strlen(in.text);
	assert_int_equal(kz_classify(&c, NULL, &in), 0);
	assert_int_equal(c.category, KZ_CAT_SCAN);
	assert_int_equal(c.stage, KZ_STAGE_RECON);
	assert_int_equal(kz_classify_override(&c, "targeted", NULL), 0);
	assert_int_equal(c.category, KZ_CAT_TARGETED);
	assert_string_equal(c.rule, "handler");
	assert_true(c.confidence == 1.0);
	assert_int_equal(c.stage, KZ_STAGE_RECON);
	assert_int_equal(kz_classify_override(&c, "targeted", "lateral"), 0);
	assert_int_equal(c.stage, KZ_STAGE_LATERAL);
	assert_int_equal(kz_classify_override(&c, "scan", "none"), 0);
	assert_int_equal(c.stage, KZ_STAGE_NONE);
	assert_int_equal(kz_classify_override(&c, "nosuch", NULL), KZ_EINVAL);
	assert_int_equal(c.category, KZ_CAT_SCAN);
	assert_int_equal(kz_classify_override(&c, "dos", "nosuch"), KZ_EINVAL);
	assert_int_equal(c.category, KZ_CAT_SCAN);
}

static void
test_alloc_failures(void **state)
{
	const char *rules = "keyword a scan 0.5 x\nheader b dos 0.5 A: b\n";
	unsigned long total;

	(void)state;
	kz_alloc_fail_at(0);
	{
		struct kz_classify_rules *rs;

		assert_int_equal(
		    kz_classify_rules_parse(&rs, rules, strlen(rules), "t"), 0);
		kz_classify_rules_free(rs);
	}
	total = kz_alloc_fail_at(0);
	for (unsigned long n = 1; n <= total; n++) {
		struct kz_classify_rules *rs;
		int rc;

		kz_alloc_fail_at(n);
		rc = kz_classify_rules_parse(&rs, rules, strlen(rules), "t");
		kz_alloc_fail_at(0);
		assert_true(rc == 0 || rc == KZ_ENOMEM);
		kz_classify_rules_free(rs);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_data_cases),
		cmocka_unit_test(test_builtin_loads),
		cmocka_unit_test(test_custom_rules),
		cmocka_unit_test(test_rule_errors),
		cmocka_unit_test(test_override),
		cmocka_unit_test(test_alloc_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
