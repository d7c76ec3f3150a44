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

/*
 * De-duplication against the one-item-per-occurrence mode: the same
 * values in the same order of first appearance, with the offsets of the
 * first occurrence and the number of occurrences. Enough values of every
 * kind to grow the table several times, repeats near and far.
 */
static void
test_dedup_matches_all(void **state)
{
	struct kz_buf t = KZ_BUF_INIT(1 << 24);
	struct kz_extract_result all, r;
	unsigned seed = 7;

	(void)state;
	for (int i = 0; i < 20000; i++) {
		unsigned v;

		seed = seed * 1103515245 + 12345;
		v = (seed >> 8) % (i < 10000 ? 6000 : 300);
		switch ((seed >> 4) % 6) {
		case 0:
			kz_buf_addf(&t, "%u.%u.2.%u ", v >> 8, v & 255, v % 7);
			break;
		case 1:
			kz_buf_addf(&t, "h%u.example.com ", v);
			break;
		case 2:
			kz_buf_addf(&t, "hxxp://example[.]org/p/%u ", v);
			break;
		case 3:
			kz_buf_addf(&t, "%032x ", v * 2654435761u);
			break;
		case 4:
			kz_buf_addf(&t, "u%u@example.net 2001:db8::%x ", v, v);
			break;
		default:
			/* not canonical: found as 10.0.x.1 */
			kz_buf_addf(&t, "010.0.%u.1 ", v & 255);
			break;
		}
	}
	assert_int_equal(t.err, 0);
	kz_extract_result_init(&all);
	kz_extract_result_init(&r);
	assert_int_equal(kz_extract(&all, t.ptr, t.len, KZ_EXTRACT_ALL), 0);
	for (int pass = 0; pass < 2; pass++) {
		size_t k = 0;

		/* the second pass reuses a result that kept every item */
		assert_int_equal(kz_extract(&r, t.ptr, t.len, 0), 0);
		for (size_t i = 0; i < all.n; i++) {
			const struct kz_extract_item *a = &all.items[i], *it;

			assert_int_equal(a->count, 1);
			it = kz_extract_find(&r, a->type, a->value);
			assert_non_null(it);
			assert_int_equal(it->type, a->type);
			assert_string_equal(it->value, a->value);
			assert_int_equal(it->len, strlen(it->value));
			if (it->start == a->start) {
				/* first occurrence: the next item */
				assert_ptr_equal(it, &r.items[k]);
				assert_int_equal(it->end, a->end);
				k++;
			}
		}
		assert_int_equal(k, r.n);
		{
			size_t occ = 0;

			for (size_t i = 0; i < r.n; i++)
				occ += r.items[i].count;
			assert_int_equal(occ, all.n);
		}
		for (size_t i = 0; i < r.n; i++) {
			size_t c = 0;

			if (i % 97)
				continue; /* quadratic: a sample */
			for (size_t j = 0; j < all.n; j++)
				c += all.items[j].type == r.items[i].type &&
				    strcmp(all.items[j].value,
					r.items[i].value) == 0;
			assert_int_equal(r.items[i].count, c);
		}
		assert_int_equal(
		    kz_extract(&all, t.ptr, t.len, KZ_EXTRACT_ALL), 0);
	}
	assert_true(r.n > 5000);
	kz_extract_result_release(&all);
	kz_extract_result_release(&r);
	kz_buf_release(&t);
}

/* Addresses are looked up by their number: only the canonical spelling. */
static void
test_find_ipv4(void **state)
{
	const char *t = "10.0.0.1 0.0.0.0 255.255.255.255 10.0.0.1 "
			"example.com 1.2.3.40";
	struct kz_extract_result r;
	const struct kz_extract_item *it;

	(void)state;
	kz_extract_result_init(&r);
	assert_int_equal(kz_extract(&r, t, strlen(t), 0), 0);
	assert_int_equal(r.n, 5);
	it = kz_extract_find(&r, KZ_IOC_IPV4, "10.0.0.1");
	assert_ptr_equal(it, &r.items[0]);
	assert_int_equal(it->count, 2);
	assert_ptr_equal(
	    kz_extract_find(&r, KZ_IOC_IPV4, "0.0.0.0"), &r.items[1]);
	assert_ptr_equal(
	    kz_extract_find(&r, KZ_IOC_IPV4, "255.255.255.255"), &r.items[2]);
	assert_ptr_equal(
	    kz_extract_find(&r, KZ_IOC_IPV4, "1.2.3.40"), &r.items[4]);
	assert_null(kz_extract_find(&r, KZ_IOC_IPV4, "010.0.0.1"));
	assert_null(kz_extract_find(&r, KZ_IOC_IPV4, "10.0.0.01"));
	assert_null(kz_extract_find(&r, KZ_IOC_IPV4, "10.0.0.1."));
	assert_null(kz_extract_find(&r, KZ_IOC_IPV4, "10.0.0"));
	assert_null(kz_extract_find(&r, KZ_IOC_IPV4, "1.2.3.4"));
	assert_null(kz_extract_find(&r, KZ_IOC_IPV4, "1.2.3.400"));
	assert_null(kz_extract_find(&r, KZ_IOC_IPV4, ""));
	assert_null(kz_extract_find(&r, KZ_IOC_DOMAIN, "10.0.0.1"));
	assert_null(kz_extract_find(&r, KZ_IOC_IPV4, "example.com"));
	assert_non_null(kz_extract_find(&r, KZ_IOC_DOMAIN, "example.com"));
	kz_extract_result_release(&r);
}

static void
test_alloc_failures(void **state)
{
	const char *t =
	    "hxxp://例え.みんな/a ceo[at]example.com 192.0.2.1 "
	    "ｅｘａｍｐｌｅ．ｃｏｍ d41d8cd98f00b204e9800998ecf8427e "
	    /* more values than are queued for look-up at once */
	    "10.0.0.1 10.0.0.2 10.0.0.3 10.0.0.4 10.0.0.5 10.0.0.6 10.0.0.7 "
	    "a.example.com b.example.com c.example.com d.example.com "
	    "e.example.com f.example.com g.example.com 10.0.0.1 "
	    "http://example.net/x 192.0.2.1 AS64496 CVE-2021-44228";
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
		/* what was kept is whole */
		for (size_t k = 0; k < r.n; k++) {
			assert_non_null(r.items[k].value);
			assert_int_equal(
			    strlen(r.items[k].value), r.items[k].len);
			assert_true(r.items[k].count >= 1);
			assert_ptr_equal(kz_extract_find(&r, r.items[k].type,
					     r.items[k].value),
			    &r.items[k]);
		}
		if (rc == 0)
			assert_int_equal(r.n, 20);
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
		cmocka_unit_test(test_dedup_matches_all),
		cmocka_unit_test(test_find_ipv4),
		cmocka_unit_test(test_alloc_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
