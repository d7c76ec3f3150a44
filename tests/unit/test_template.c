/* SPDX-License-Identifier: MIT */
/* Tests for the template language: values, blocks, errors, built-ins. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/buf.h"
#include "core/error.h"
#include "notify/template.h"

static void
render(const char *text, struct kz_tvars *v, const char *want_subject,
    const char *want_body)
{
	struct kz_template *t;
	struct kz_buf s = KZ_BUF_INIT(1 << 20), b = KZ_BUF_INIT(1 << 20);

	if (kz_template_parse(&t, "t.txt", text, strlen(text)))
		fail_msg("parse: %s", kz_error_message());
	assert_int_equal(kz_template_render(&s, &b, t, v), 0);
	assert_string_equal(s.ptr, want_subject);
	assert_string_equal(b.ptr, want_body);
	kz_template_free(t);
	kz_buf_release(&s);
	kz_buf_release(&b);
}

static void
bad(const char *text, const char *want_in_message)
{
	struct kz_template *t = NULL;

	assert_int_equal(
	    kz_template_parse(&t, "bad.txt", text, strlen(text)), KZ_EINVAL);
	assert_null(t);
	if (!strstr(kz_error_message(), want_in_message))
		fail_msg("message '%s' lacks '%s'", kz_error_message(),
		    want_in_message);
}

static void
test_values(void **state)
{
	struct kz_tvars *v = kz_tvars_new();

	(void)state;
	assert_int_equal(kz_tvars_set(v, "ticket", "KZ-2026-000001"), 0);
	assert_int_equal(kz_tvars_set(v, "title", "フィッシング"), 0);
	render("Subject: [{{ticket}}] {{ title }}\n\nHello {{team}}.\n", v,
	    "[KZ-2026-000001] フィッシング", "Hello .\n");
	assert_int_equal(kz_tvars_set(v, "nosuch", "x"), KZ_EINVAL);
	assert_string_equal(kz_tvars_get(v, "ticket"), "KZ-2026-000001");
	assert_string_equal(kz_tvars_get(v, "org"), "");
	kz_tvars_free(v);
}

static void
test_each_and_if(void **state)
{
	struct kz_tvars *v = kz_tvars_new();
	const char *tpl = "Subject: s\n\n"
			  "## a comment\n"
			  "List:\n"
			  "{{#each indicators}}\n"
			  "  - {{value}} ({{type}}) {{ticket}}\n"
			  "{{/each}}\n"
			  "{{#if org}}\n"
			  "org={{org}}\n"
			  "{{/if}}\n"
			  "end{{#if excerpt}} x{{/if}}\n";

	(void)state;
	assert_int_equal(kz_tvars_set(v, "ticket", "T"), 0);
	render(tpl, v, "s", "List:\nend\n");
	assert_int_equal(kz_tvars_add_item(v), 0);
	assert_int_equal(kz_tvars_item_set(v, "value", "192.0.2.1"), 0);
	assert_int_equal(kz_tvars_item_set(v, "type", "ipv4"), 0);
	assert_int_equal(kz_tvars_add_item(v), 0);
	assert_int_equal(kz_tvars_item_set(v, "value", "example.com"), 0);
	assert_int_equal(kz_tvars_item_set(v, "type", "domain"), 0);
	assert_int_equal(kz_tvars_item_set(v, "nosuch", "x"), KZ_EINVAL);
	assert_int_equal(kz_tvars_set(v, "org", "ISP"), 0);
	assert_int_equal(kz_tvars_set(v, "excerpt", "e"), 0);
	/* inside each, {{ticket}} is the item's (empty here) */
	render(tpl, v, "s",
	    "List:\n  - 192.0.2.1 (ipv4) \n  - example.com (domain) \n"
	    "org=ISP\nend x\n");
	kz_tvars_free(v);
}

static void
test_errors(void **state)
{
	(void)state;
	bad("Subject: x\n\nline two\n{{nosuch}}\n",
	    "template 'bad.txt' line 4: unknown placeholder 'nosuch'");
	bad("no subject\n\nbody\n", "line 1: the first line must be");
	bad("Subject: x\nbody right away\n", "line 2: an empty line");
	bad("Subject: x\n\n{{#each indicators}}\n", "not closed");
	bad("Subject: x\n\n{{/each}}\n", "without its opening tag");
	bad("Subject: x\n\n{{#if org}}x{{/each}}\n", "closes the wrong block");
	bad("Subject: x\n\n{{ticket\n", "'{{' without '}}'");
	bad("Subject: x\n\n{{#if nosuch}}x{{/if}}\n",
	    "unknown placeholder 'nosuch'");
	bad("Subject: {{value}}\n\n", "unknown placeholder 'value'");
	bad("Subject: x\n\n{{#each indicators}}{{#each indicators}}"
	    "{{/each}}{{/each}}\n",
	    "inside");
	bad("Subject: x\n\n\xff\n", "not valid UTF-8");
}

static void
test_builtin(void **state)
{
	struct kz_templates *set;
	const struct kz_template *t;
	static const char *const cats[] = { "phishing", "defacement",
		"malware_site", "scan", "dos", "other", "targeted" };

	(void)state;
	if (kz_templates_load(&set, NULL))
		fail_msg("load: %s", kz_error_message());
	assert_true(kz_templates_count(set) >= 16);
	for (size_t i = 0; i < sizeof(cats) / sizeof(cats[0]); i++) {
		assert_int_equal(
		    kz_templates_find(&t, set, "notify", cats[i], "ja"), 0);
		assert_int_equal(
		    kz_templates_find(&t, set, "notify", cats[i], "en"), 0);
	}
	assert_int_equal(
	    kz_templates_find(&t, set, "notify", "phishing", "ja"), 0);
	assert_string_equal(kz_template_name(t), "notify-phishing.ja.txt");
	assert_int_equal(
	    kz_templates_find(&t, set, "notify", "other", "en"), 0);
	assert_string_equal(kz_template_name(t), "notify.en.txt");
	assert_int_equal(kz_templates_find(&t, set, "reminder", NULL, "ja"), 0);
	assert_int_equal(kz_templates_find(&t, set, "result", NULL, "en"), 0);
	assert_int_equal(
	    kz_templates_find(&t, set, "nosuch", NULL, "en"), KZ_ENOTFOUND);
	kz_templates_free(set);
}

static void
write_file(const char *dir, const char *name, const char *text)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void
test_override_dir(void **state)
{
	struct kz_templates *set;
	const struct kz_template *t;
	char dir[1024], bad_dir[1024];

	(void)state;
	snprintf(dir, sizeof(dir), "%s/tpl-good", tu_tmpdir());
	snprintf(bad_dir, sizeof(bad_dir), "%s/tpl-bad", tu_tmpdir());
	mkdir(dir, 0700);
	mkdir(bad_dir, 0700);
	write_file(dir, "notify.en.txt", "Subject: [{{ticket}}] mine\n\nx\n");
	write_file(dir, "takedown.ja.txt", "Subject: {{title}}\n\ny\n");
	write_file(bad_dir, "notify.ja.txt",
	    "Subject: s\n\nok\n{{ticket}}\n{{tikcet}}\n");
	assert_int_equal(kz_templates_load(&set, dir), 0);
	assert_int_equal(
	    kz_templates_find(&t, set, "notify", "other", "en"), 0);
	assert_string_equal(kz_template_name(t), "notify.en.txt");
	assert_int_equal(kz_templates_find(&t, set, "takedown", NULL, "ja"), 0);
	kz_templates_free(set);
	assert_int_equal(kz_templates_load(&set, bad_dir), KZ_EINVAL);
	assert_non_null(strstr(kz_error_message(),
	    "template 'notify.ja.txt' line 5: unknown placeholder 'tikcet'"));
	assert_int_equal(kz_templates_load(&set, "/nonexistent/dir"), KZ_EIO);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_each_and_if),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_builtin),
		cmocka_unit_test(test_override_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
