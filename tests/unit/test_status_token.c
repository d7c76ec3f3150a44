/* SPDX-License-Identifier: MIT */
/*
 * Tests for status links: a token made for an incident looks it up again,
 * unknown and malformed tokens are not found, tokens differ, and the
 * database holds only their SHA-256.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/timeutil.h"
#include "model/incident.h"
#include "model/report.h"
#include "model/status_token.h"
#include "model/user.h"

#define T0 1782864000 /* 2026-07-01T00:00:00Z */

static struct kz_store *
fresh(int64_t *incident_id)
{
	struct kz_incident inc;
	struct kz_store *st;
	char path[512];

	kz_time_set_fixed(T0);
	tu_store_uri(path, sizeof(path), "token");
	if (kz_store_open(&st, path, 0) != 0)
		fail_msg("open %s: %s", path, kz_error_message());
	kz_incident_init(&inc);
	inc.title = "phishing site";
	assert_int_equal(kz_incident_create(st, &inc, "alice"), 0);
	*incident_id = inc.id;
	return st;
}

static int64_t
count_rows(struct kz_store *st, const char *sql, const char *arg)
{
	struct kz_stmt *s;
	int64_t v;

	assert_int_equal(kz_store_prepare(&s, st, sql), 0);
	if (arg)
		assert_int_equal(kz_stmt_bind_text(s, 1, arg), 0);
	assert_int_equal(kz_stmt_step(s), KZ_ROW);
	v = kz_stmt_int(s, 0);
	while (kz_stmt_step(s) == KZ_ROW)
		;
	return v;
}

static int
token_shape(const char *t)
{
	if (strlen(t) != KZ_STATUS_TOKEN_LEN)
		return 0;
	for (const char *p = t; *p; p++)
		if (!strchr(
			"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			"0123456789-_",
			*p))
			return 0;
	return 1;
}

static void
test_create_lookup(void **state)
{
	char t1[KZ_STATUS_TOKEN_LEN + 1], t2[KZ_STATUS_TOKEN_LEN + 1];
	struct kz_incident other;
	struct kz_store *st;
	int64_t id, got = 0;

	(void)state;
	st = fresh(&id);
	assert_int_equal(kz_status_token_create(t1, st, id, 0), 0);
	assert_true(token_shape(t1));
	assert_int_equal(kz_status_token_lookup(&got, st, t1), 0);
	assert_int_equal(got, id);

	/* Two links to two incidents, each finding its own. */
	kz_incident_init(&other);
	other.title = "scan";
	assert_int_equal(kz_incident_create(st, &other, "alice"), 0);
	assert_int_equal(kz_status_token_create(t2, st, other.id, 0), 0);
	assert_int_equal(kz_status_token_lookup(&got, st, t2), 0);
	assert_int_equal(got, other.id);
	assert_int_equal(kz_status_token_lookup(&got, st, t1), 0);
	assert_int_equal(got, id);
	kz_store_close(st);
}

static void
test_with_report(void **state)
{
	static const unsigned char raw[] = "From: a@example.jp\r\n\r\nbody\r\n";
	char t[KZ_STATUS_TOKEN_LEN + 1], hash[65];
	struct kz_store *st;
	struct kz_report rep;
	int64_t id, got = 0;

	(void)state;
	st = fresh(&id);
	memset(&rep, 0, sizeof(rep));
	rep.incident_id = id;
	rep.source = "web";
	rep.format = "eml";
	rep.raw = (unsigned char *)raw;
	rep.size = sizeof(raw) - 1;
	assert_int_equal(kz_report_add(st, &rep, NULL), 0);
	assert_int_equal(kz_status_token_create(t, st, id, rep.id), 0);
	assert_int_equal(kz_status_token_lookup(&got, st, t), 0);
	assert_int_equal(got, id);
	kz_sha256_hex(hash, t, strlen(t));
	assert_int_equal(
	    count_rows(
		st, "SELECT report_id FROM report_tokens WHERE hash = ?", hash),
	    rep.id);
	assert_int_equal(
	    count_rows(st,
		"SELECT created_at FROM report_tokens WHERE hash = ?", hash),
	    T0);
	kz_store_close(st);
}

static void
test_unknown_and_malformed(void **state)
{
	static const char *const bad[] = { "", "short",
		/* one character too many, one too few */
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		/* the right length with characters outside base64url */
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+",
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/",
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA ",
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\xc3\xa9",
		"../../../../../../../../../../../etc/passwd",
		"' OR 1=1 --AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" };
	char t[KZ_STATUS_TOKEN_LEN + 1], hash[65], first;
	struct kz_store *st;
	int64_t id, got = -1;

	(void)state;
	st = fresh(&id);
	assert_int_equal(kz_status_token_create(t, st, id, 0), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (kz_status_token_lookup(&got, st, bad[i]) != KZ_ENOTFOUND)
			fail_msg("'%s' was not refused", bad[i]);
		assert_string_equal(kz_error_message(), "no such status link");
	}
	assert_int_equal(kz_status_token_lookup(&got, st, NULL), KZ_ENOTFOUND);

	/* Well formed but never made: another token, one changed letter. */
	assert_int_equal(kz_status_token_lookup(&got, st,
			     "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
	    KZ_ENOTFOUND);
	first = t[0];
	t[0] = first == 'A' ? 'B' : 'A';
	assert_int_equal(kz_status_token_lookup(&got, st, t), KZ_ENOTFOUND);
	assert_string_equal(kz_error_message(), "no such status link");
	assert_int_equal(got, -1);

	/* The hash itself is no token. */
	t[0] = first;
	kz_sha256_hex(hash, t, strlen(t));
	assert_int_equal(kz_status_token_lookup(&got, st, hash), KZ_ENOTFOUND);
	assert_int_equal(kz_status_token_lookup(&got, st, t), 0);
	kz_store_close(st);
}

static void
test_unique(void **state)
{
	enum { N = 64 };
	char(*t)[KZ_STATUS_TOKEN_LEN + 1] = calloc(N, sizeof(*t));
	struct kz_store *st;
	int64_t id, got;

	(void)state;
	assert_non_null(t);
	st = fresh(&id);
	for (int i = 0; i < N; i++) {
		assert_int_equal(kz_status_token_create(t[i], st, id, 0), 0);
		assert_true(token_shape(t[i]));
		for (int j = 0; j < i; j++)
			assert_string_not_equal(t[i], t[j]);
	}
	assert_int_equal(
	    count_rows(
		st, "SELECT count(DISTINCT hash) FROM report_tokens", NULL),
	    N);
	for (int i = 0; i < N; i++) {
		got = 0;
		assert_int_equal(kz_status_token_lookup(&got, st, t[i]), 0);
		assert_int_equal(got, id);
	}
	free(t);
	kz_store_close(st);
}

static void
test_only_hash_stored(void **state)
{
	char t[KZ_STATUS_TOKEN_LEN + 1], hash[65];
	struct kz_store *st;
	struct kz_stmt *s;
	int64_t id;
	int rows = 0;

	(void)state;
	st = fresh(&id);
	assert_int_equal(kz_status_token_create(t, st, id, 0), 0);
	kz_sha256_hex(hash, t, strlen(t));
	assert_int_equal(strlen(hash), 64);
	assert_int_equal(
	    count_rows(
		st, "SELECT count(*) FROM report_tokens WHERE hash = ?", hash),
	    1);
	/* No column of the row holds the token. */
	assert_int_equal(kz_store_prepare(&s, st,
			     "SELECT hash, incident_id, report_id, created_at "
			     "FROM report_tokens"),
	    0);
	while (kz_stmt_step(s) == KZ_ROW) {
		for (int c = 0; c < 4; c++) {
			const char *v = kz_stmt_text(s, c);

			assert_true(v == NULL || strstr(v, t) == NULL);
		}
		assert_string_equal(kz_stmt_text(s, 0), hash);
		assert_true(kz_stmt_isnull(s, 2));
		rows++;
	}
	assert_int_equal(rows, 1);
	kz_store_close(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_lookup),
		cmocka_unit_test(test_with_report),
		cmocka_unit_test(test_unknown_and_malformed),
		cmocka_unit_test(test_unique),
		cmocka_unit_test(test_only_hash_stored),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
