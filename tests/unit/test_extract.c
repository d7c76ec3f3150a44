/* SPDX-License-Identifier: MIT */
/*
 * Tests for the indicator scanner. The cases live in tests/data/extract:
 * NNNN-name.txt is the input, NNNN-name.expected the indicators found
 * ("type<TAB>value", in order of first appearance). Adding a case needs
 * no code. The rest checks offsets, flags and failure paths.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/error.h"
#include "extract/extract.h"

static void
render(struct kz_buf *b, const struct kz_extract_result *r)
{
	for (size_t i = 0; i < r->n; i++)
		kz_buf_addf(b, "%s\t%s\n", kz_ioc_type_name(r->items[i].type),
		    r->items[i].value);
}

static void
test_data_cases(void **state)
{
	char *dir = tu_data_path("extract");
	char **list;
	size_t n, failed = 0;

	(void)state;
	assert_int_equal(tu_list_dir(&list, &n, dir, ".txt"), 0);
	assert_true(n >= 40);
	for (size_t i = 0; i < n; i++) {
		struct kz_extract_result r;
		struct kz_buf got = KZ_BUF_INIT(1 << 20);
		size_t len, l = strlen(list[i]);
		char *text = tu_read_file(list[i], &len);
		char *exp_path = malloc(l + 16), *want;

		assert_non_null(text);
		memcpy(exp_path, list[i], l - 4);
		strcpy(exp_path + l - 4, ".expected");
		want = tu_read_file(exp_path, NULL);
		if (!want)
			fail_msg("%s has no .expected file", list[i]);
		kz_extract_result_init(&r);
		assert_int_equal(kz_extract(&r, text, len, 0), 0);
		render(&got, &r);
		if (strcmp(got.ptr, want) != 0) {
			printf("case %s\n--- got\n%s--- want\n%s", list[i],
			    got.ptr, want);
			failed++;
		}
		/* every offset points at what was written */
		for (size_t k = 0; k < r.n; k++) {
			assert_true(r.items[k].start < r.items[k].end);
			assert_true(r.items[k].end <= len);
			assert_true(r.items[k].count >= 1);
		}
		kz_extract_result_release(&r);
		kz_buf_release(&got);
		free(text);
		free(want);
		free(exp_path);
	}
	tu_free_list(list, n);
	free(dir);
	assert_int_equal(failed, 0);
}

static void
test_offsets(void **state)
{
	const char *t = "ip 192.0.2[.]1 then ｅｘａｍｐｌｅ．ｃｏｍ, "
			"hxxp://example[.]org/a again 192.0.2.1";
	struct kz_extract_result r;
	const struct kz_extract_item *it;

	(void)state;
	kz_extract_result_init(&r);
	assert_int_equal(kz_extract(&r, t, strlen(t), 0), 0);
	assert_int_equal(r.n, 3);
	it = kz_extract_find(&r, KZ_IOC_IPV4, "192.0.2.1");
	assert_non_null(it);
	assert_int_equal(it->start, 3);
	assert_int_equal(it->end, 3 + strlen("192.0.2[.]1"));
	assert_int_equal(it->count, 2);
	it = kz_extract_find(&r, KZ_IOC_DOMAIN, "example.com");
	assert_non_null(it);
	assert_memory_equal(
	    t + it->start, "ｅｘａｍｐｌｅ．ｃｏｍ", it->end - it->start);
	assert_int_equal(it->end - it->start, strlen("ｅｘａｍｐｌｅ．ｃｏｍ"));
	it = kz_extract_find(&r, KZ_IOC_URL, "http://example.org/a");
	assert_non_null(it);
	assert_memory_equal(
	    t + it->start, "hxxp://example[.]org/a", it->end - it->start);
	assert_null(kz_extract_find(&r, KZ_IOC_URL, "http://example.org/b"));
	assert_int_equal(kz_extract_count(&r, KZ_IOC_IPV4), 1);
	assert_int_equal(kz_extract_count(&r, KZ_IOC_MD5), 0);
	kz_extract_result_release(&r);
}

static void
test_flags(void **state)
{
	const char *t = "a 192.0.2.1 b example.com c 192.0.2.1 d "
			"http://example.net/";
	struct kz_extract_result r;

	(void)state;
	kz_extract_result_init(&r);
	assert_int_equal(kz_extract(&r, t, strlen(t), KZ_EXTRACT_ALL), 0);
	assert_int_equal(r.n, 4);
	assert_int_equal(r.items[2].type, KZ_IOC_IPV4);
	assert_int_equal(r.items[2].start, 28);
	assert_non_null(kz_extract_find(&r, KZ_IOC_URL, "http://example.net/"));
	assert_int_equal(
	    kz_extract(&r, t, strlen(t), KZ_EXTRACT_ONLY(KZ_IOC_DOMAIN)), 0);
	/* with URLs not wanted, a URL's host counts as a domain */
	assert_int_equal(r.n, 2);
	assert_string_equal(r.items[0].value, "example.com");
	assert_string_equal(r.items[1].value, "example.net");
	assert_int_equal(
	    kz_extract(&r, t, strlen(t),
		KZ_EXTRACT_ONLY(KZ_IOC_IPV4) | KZ_EXTRACT_ONLY(KZ_IOC_URL)),
	    0);
	assert_int_equal(r.n, 2);
	/* the same result can be reused; it is emptied first */
	assert_int_equal(kz_extract(&r, "", 0, 0), 0);
	assert_int_equal(r.n, 0);
	kz_extract_result_release(&r);
}

/* Text not ending in NUL, binary bytes, broken UTF-8: no crash. */
static void
test_hostile_bytes(void **state)
{
	struct kz_extract_result r;
	unsigned seed = 12345;
	char *buf = malloc(1 << 16);
	const char *frag[] = { "http://", "[.]", "example.com", "1.2.3.4",
		"\xe3\x80\x82", "\xef\xbc", "@", "::", "\xff", "(dot)",
		"ｈｔｔｐ", "/24", "例え.", "CVE-2020-", "AS" };

	(void)state;
	kz_extract_result_init(&r);
	for (int round = 0; round < 200; round++) {
		size_t n = 0;

		while (n < (1 << 16) - 32) {
			seed = seed * 1103515245 + 12345;
			if ((seed >> 16) % 3 == 0) {
				const char *f = frag[(seed >> 8) %
				    (sizeof(frag) / sizeof(frag[0]))];

				memcpy(buf + n, f, strlen(f));
				n += strlen(f);
			} else {
				buf[n++] = (char)(seed >> 20);
			}
		}
		assert_int_equal(kz_extract(&r, buf, n, round & 1), 0);
		for (size_t k = 0; k < r.n; k++)
			assert_true(r.items[k].end <= n);
	}
	kz_extract_result_release(&r);
	free(buf);
}

static void
test_many_items(void **state)
{
	struct kz_buf t = KZ_BUF_INIT(1 << 24);
	struct kz_extract_result r;

	(void)state;
	for (int i = 0; i < 70000; i++)
		kz_buf_addf(&t, "10.%d.%d.%d ", (i >> 16) & 255, (i >> 8) & 255,
		    i & 255);
	assert_int_equal(t.err, 0);
	kz_extract_result_init(&r);
	assert_int_equal(kz_extract(&r, t.ptr, t.len, 0), 0);
	assert_int_equal(r.n, 70000);
	assert_non_null(kz_extract_find(&r, KZ_IOC_IPV4, "10.1.17.110"));
	assert_string_equal(r.items[69999].value, "10.1.17.111");
	kz_extract_result_release(&r);
	kz_buf_release(&t);
}

static void
test_alloc_failures(void **state)
{
	const char *t =
	    "hxxp://例え.みんな/a ceo[at]example.com 192.0.2.1 "
	    "ｅｘａｍｐｌｅ．ｃｏｍ d41d8cd98f00b204e9800998ecf8427e";
	unsigned long total;

	(void)state;
	kz_alloc_fail_at(0);
	{
		struct kz_extract_result r;

		kz_extract_result_init(&r);
		assert_int_equal(kz_extract(&r, t, strlen(t), 0), 0);
		kz_extract_result_release(&r);
	}
	total = kz_alloc_fail_at(0);
	assert_true(total > 0);
	for (unsigned long n = 1; n <= total; n++) {
		struct kz_extract_result r;
		int rc;

		kz_extract_result_init(&r);
		kz_alloc_fail_at(n);
		rc = kz_extract(&r, t, strlen(t), 0);
		kz_alloc_fail_at(0);
		assert_true(rc == 0 || rc == KZ_ENOMEM);
		kz_extract_result_release(&r);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_data_cases),
		cmocka_unit_test(test_offsets),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_hostile_bytes),
		cmocka_unit_test(test_many_items),
		cmocka_unit_test(test_alloc_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
