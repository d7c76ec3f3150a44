/* SPDX-License-Identifier: MIT */
/*
 * Tests for the ASN range table: the CSV shape and its malformed rows,
 * overlaps (smallest range wins, earlier row on a tie), range edges,
 * IPv6, the data-driven lookups of tests/data/enrich and a check against
 * a brute-force search on random tables.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/error.h"
#include "enrich/asn.h"

static struct kz_asn_table *
load_sample(void)
{
	struct kz_asn_table *t;
	char *path = tu_data_path("enrich/ranges.csv");

	assert_int_equal(kz_asn_table_new(&t), 0);
	assert_int_equal(kz_asn_table_load_file(t, path, 0), 0);
	assert_int_equal(kz_asn_table_build(t), 0);
	free(path);
	return t;
}

static void
test_sample_stats(void **state)
{
	struct kz_asn_table *t = load_sample();
	const struct kz_asn_stats *s = kz_asn_table_stats(t);

	assert_int_equal(s->rows_v4, 7);
	assert_int_equal(s->rows_v6, 2);
	assert_int_equal(s->malformed, 9);
	assert_int_equal(s->nproblems, KZ_ASN_PROBLEMS_KEPT);
	assert_int_equal(s->problems[0].line, 10);
	assert_string_equal(s->problems[0].what, "bad start address '1.2.3'");
	assert_int_equal(s->problems[1].line, 11);
	assert_string_equal(s->problems[1].what, "bad end address '1.2.3.300'");
	assert_non_null(strstr(s->problems[2].what, "different families"));
	assert_non_null(strstr(s->problems[3].what, "start after end"));
	assert_string_equal(s->problems[4].what, "bad AS number 'ASX'");
	assert_non_null(strstr(s->problems[0].source, "ranges.csv"));
	assert_int_equal(s->overlaps, 4);
	assert_int_equal(s->noverlap_kept, 4);
	assert_int_equal(s->overlap_kept[0].line, 4);
	assert_int_equal(s->overlap_kept[0].other_line, 3);
	kz_asn_table_free(t);
}

static void
test_sample_lookups(void **state)
{
	struct kz_asn_table *t = load_sample();
	char *path = tu_data_path("enrich/lookups.txt");
	char *text = tu_read_file(path, NULL), *save = NULL, *line;
	int cases = 0;

	assert_non_null(text);
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char ip[64], want[16];
		struct kz_asn_hit h;
		int r;

		if (line[0] == '#')
			continue;
		assert_int_equal(sscanf(line, "%63s %15s", ip, want), 2);
		r = kz_asn_lookup_text(t, ip, &h);
		if (strcmp(want, "-") == 0) {
			if (r != 0)
				fail_msg(
				    "%s: found AS%u, want none", ip, h.asn);
		} else {
			if (r != 1 || h.asn != strtoul(want, NULL, 10))
				fail_msg("%s: got %d AS%u, want AS%s", ip, r,
				    r == 1 ? h.asn : 0, want);
		}
		cases++;
	}
	assert_true(cases >= 20);
	free(text);
	free(path);
	kz_asn_table_free(t);
}

static void
test_names_and_ranges(void **state)
{
	struct kz_asn_table *t = load_sample();
	struct kz_asn_hit h;
	char range[96];

	assert_int_equal(kz_asn_lookup_text(t, "198.51.100.1", &h), 1);
	assert_string_equal(h.name, "Example Hosting, Inc.");
	assert_true(h.v4);
	/* The outer range is split around the nested one. */
	assert_string_equal(
	    kz_asn_hit_range(range, &h), "198.51.100.0-198.51.100.127");
	assert_int_equal(kz_asn_lookup_text(t, "198.51.100.130", &h), 1);
	assert_string_equal(h.name, "NESTED \"INNER\" NET");
	assert_int_equal(kz_asn_lookup_text(t, "10.0.0.1", &h), 1);
	assert_string_equal(h.name, "");
	assert_int_equal(kz_asn_lookup_text(t, "2001:db8:1::1", &h), 1);
	assert_false(h.v4);
	assert_string_equal(kz_asn_hit_range(range, &h),
	    "2001:db8:1::-2001:db8:1:ffff:ffff:ffff:ffff:ffff");
	assert_int_equal(kz_asn_lookup_text(t, "not-an-ip", &h), KZ_EINVAL);
	assert_string_equal(kz_asn_name(t, 64503), "Doc Net Three");
	assert_string_equal(kz_asn_name(t, 1), "");
	assert_int_equal(kz_asn_lookup_v4(t, 0xc0000201u, NULL), 1);
	kz_asn_table_free(t);
}

static void
test_strict(void **state)
{
	struct kz_asn_table *t;
	const char csv[] = "192.0.2.0,192.0.2.255,64500,A\n"
			   "192.0.3.0,192.0.3.x,64501,B\n";

	assert_int_equal(kz_asn_table_new(&t), 0);
	assert_int_equal(
	    kz_asn_table_add_csv(t, csv, strlen(csv), "s.csv", KZ_ASN_STRICT),
	    KZ_EINVAL);
	assert_string_equal(
	    kz_error_message(), "s.csv line 2: bad end address '192.0.3.x'");
	kz_asn_table_free(t);
}

static void
test_crlf_empty_and_edges(void **state)
{
	struct kz_asn_table *t;
	struct kz_asn_hit h;
	const char csv[] = "\r\n0.0.0.0,0.0.0.0,1,zero\r\n"
			   "255.255.255.255,255.255.255.255,2,top\r\n"
			   "::,::,3,v6zero\r\n"
			   "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff,"
			   "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff,4,v6top";

	assert_int_equal(kz_asn_table_new(&t), 0);
	assert_int_equal(kz_asn_table_add_csv(t, csv, strlen(csv), "e", 0), 0);
	assert_int_equal(kz_asn_table_build(t), 0);
	assert_int_equal(kz_asn_table_stats(t)->malformed, 0);
	assert_int_equal(kz_asn_lookup_text(t, "0.0.0.0", &h), 1);
	assert_int_equal(h.asn, 1);
	assert_int_equal(kz_asn_lookup_text(t, "0.0.0.1", &h), 0);
	assert_int_equal(kz_asn_lookup_text(t, "255.255.255.255", &h), 1);
	assert_int_equal(h.asn, 2);
	assert_int_equal(kz_asn_lookup_text(t, "::", &h), 1);
	assert_int_equal(h.asn, 3);
	assert_int_equal(kz_asn_lookup_text(
			     t, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", &h),
	    1);
	assert_int_equal(h.asn, 4);
	assert_int_equal(kz_asn_lookup_text(t, "8000::", &h), 0);
	kz_asn_table_free(t);

	/* An empty table answers nothing. */
	assert_int_equal(kz_asn_table_new(&t), 0);
	assert_int_equal(kz_asn_table_build(t), 0);
	assert_int_equal(kz_asn_lookup_text(t, "1.1.1.1", &h), 0);
	assert_int_equal(kz_asn_lookup_text(t, "2001:db8::", &h), 0);
	kz_asn_table_free(t);
}

static void
test_missing_file(void **state)
{
	struct kz_asn_table *t;

	assert_int_equal(kz_asn_table_new(&t), 0);
	assert_int_equal(
	    kz_asn_table_load_file(t, "/nonexistent/asn.csv", 0), KZ_EIO);
	assert_non_null(strstr(kz_error_message(), "/nonexistent/asn.csv"));
	kz_asn_table_free(t);
}

static void
test_parse_asn(void **state)
{
	uint32_t a;

	assert_int_equal(kz_asn_parse(&a, "AS64500"), 0);
	assert_int_equal(a, 64500);
	assert_int_equal(kz_asn_parse(&a, "as1"), 0);
	assert_int_equal(kz_asn_parse(&a, "4294967295"), 0);
	assert_int_equal(kz_asn_parse(&a, "4294967296"), KZ_EINVAL);
	assert_int_equal(kz_asn_parse(&a, "AS"), KZ_EINVAL);
	assert_int_equal(kz_asn_parse(&a, "64500x"), KZ_EINVAL);
}

/* Random overlapping tables against a brute-force search. */
static uint64_t seed = 42;

static uint32_t
rnd(void)
{
	seed = seed * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(seed >> 33);
}

static void
test_random_vs_brute(void **state)
{
	for (int round = 0; round < 30; round++) {
		struct kz_asn_table *t;
		struct kz_buf csv = KZ_BUF_INIT(1 << 20);
		uint32_t lo[60], hi[60];
		int n = 5 + (int)(rnd() % 55);

		for (int i = 0; i < n; i++) {
			uint32_t a = rnd() % 4000, b = a + rnd() % 600;

			lo[i] = 0x0a000000u + a;
			hi[i] = 0x0a000000u + b;
			kz_buf_addf(&csv, "10.0.%u.%u,10.0.%u.%u,%d,n%d\n",
			    (lo[i] >> 8) & 255, lo[i] & 255, (hi[i] >> 8) & 255,
			    hi[i] & 255, i + 1, i + 1);
		}
		assert_int_equal(kz_asn_table_new(&t), 0);
		assert_int_equal(
		    kz_asn_table_add_csv(t, csv.ptr, csv.len, "r", 0), 0);
		assert_int_equal(kz_asn_table_build(t), 0);
		for (uint32_t x = 0x0a000000u; x < 0x0a000000u + 4700; x++) {
			struct kz_asn_hit h;
			int best = -1, r = kz_asn_lookup_v4(t, x, &h);

			for (int i = 0; i < n; i++) {
				if (x < lo[i] || x > hi[i])
					continue;
				if (best < 0 ||
				    hi[i] - lo[i] < hi[best] - lo[best])
					best = i;
			}
			if (best < 0) {
				assert_int_equal(r, 0);
			} else {
				assert_int_equal(r, 1);
				assert_int_equal(h.asn, best + 1);
			}
		}
		kz_asn_table_free(t);
		kz_buf_release(&csv);
	}
}

static void
test_alloc_failures(void **state)
{
	const char csv[] = "192.0.2.0,192.0.2.255,64500,A\n"
			   "192.0.2.10,192.0.2.20,64501,B\n"
			   "2001:db8::,2001:db8::ff,64502,C\n";
	unsigned long total;

	kz_alloc_fail_at(0);
	{
		struct kz_asn_table *t;

		assert_int_equal(kz_asn_table_new(&t), 0);
		assert_int_equal(
		    kz_asn_table_add_csv(t, csv, strlen(csv), "a", 0), 0);
		assert_int_equal(kz_asn_table_build(t), 0);
		kz_asn_table_free(t);
	}
	total = kz_alloc_fail_at(0);
	for (unsigned long i = 1; i <= total; i++) {
		struct kz_asn_table *t = NULL;
		int rc;

		kz_alloc_fail_at(i);
		rc = kz_asn_table_new(&t);
		if (rc == 0)
			rc = kz_asn_table_add_csv(t, csv, strlen(csv), "a", 0);
		if (rc == 0)
			rc = kz_asn_table_build(t);
		kz_alloc_fail_at(0);
		assert_true(rc == 0 || rc == KZ_ENOMEM);
		kz_asn_table_free(t);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample_stats),
		cmocka_unit_test(test_sample_lookups),
		cmocka_unit_test(test_names_and_ranges),
		cmocka_unit_test(test_strict),
		cmocka_unit_test(test_crlf_empty_and_edges),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_parse_asn),
		cmocka_unit_test(test_random_vs_brute),
		cmocka_unit_test(test_alloc_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
