/* SPDX-License-Identifier: MIT */
/* Tests for the SQLite backend: migrations, files, cache, locking, PRAGMAs. */
#include "testutil.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/error.h"
#include "core/timeutil.h"
#include "store/store.h"

#define T0 1782864000 /* 2026-07-01T00:00:00Z */

static char *
new_path(char *out, size_t n, const char *tag)
{
	static int seq;

	snprintf(out, n, "%s/%s-%d.db", tu_tmpdir(), tag, ++seq);
	return out;
}

static struct kz_store *
open_ok(const char *path, unsigned flags)
{
	struct kz_store *st = NULL;

	if (kz_store_open(&st, path, flags) != 0)
		fail_msg("open %s: %s", path, kz_error_message());
	return st;
}

static int64_t
query_int(struct kz_store *st, const char *sql)
{
	struct kz_stmt *s;
	int64_t v;

	if (kz_store_prepare(&s, st, sql) != 0)
		fail_msg("%s: %s", sql, kz_error_message());
	assert_int_equal(kz_stmt_step(s), KZ_ROW);
	v = kz_stmt_int(s, 0);
	while (kz_stmt_step(s) == KZ_ROW)
		;
	return v;
}

/* Runs sql on the file with SQLite itself, behind the store's back. */
static void
raw_exec(const char *path, const char *sql)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	sqlite3_close(db);
}

static void
write_file(const char *path, const char *data, size_t n)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	fclose(f);
}

static void
test_migrations_applied(void **state)
{
	char path[512], **files, *dir;
	struct kz_store *st;
	struct kz_stmt *s;
	size_t nfiles;

	(void)state;
	kz_time_set_fixed(T0);
	st = open_ok(new_path(path, sizeof(path), "mig"), 0);
	/* One row per numbered file in sql/sqlite, in order. */
	dir = tu_data_path("../../src/lib/store/sql/sqlite");
	assert_int_equal(tu_list_dir(&files, &nfiles, dir, ".sql"), 0);
	assert_true(nfiles >= 1);
	assert_int_equal(kz_store_schema_latest(), (int)nfiles);
	assert_int_equal(kz_store_schema_version(st), (int)nfiles);
	assert_int_equal(kz_store_prepare(&s, st,
			     "SELECT version, name, applied_at FROM "
			     "schema_migrations ORDER BY version"),
	    0);
	for (size_t i = 0; i < nfiles; i++) {
		const char *base = strrchr(files[i], '/') + 1;

		assert_int_equal(kz_stmt_step(s), KZ_ROW);
		assert_int_equal(kz_stmt_int(s, 0), (int64_t)i + 1);
		assert_int_equal(atoi(base), (int)i + 1);
		assert_string_equal(kz_stmt_text(s, 1), base);
		assert_int_equal(kz_stmt_int(s, 2), T0);
	}
	assert_int_equal(kz_stmt_step(s), KZ_DONE);
	/* The schema is there. */
	assert_int_equal(query_int(st,
			     "SELECT count(*) FROM sqlite_master WHERE "
			     "name IN ('incidents', 'events', 'reports', "
			     "'orgs', 'incidents_fts')"),
	    5);
	tu_free_list(files, nfiles);
	free(dir);
	kz_store_close(st);
}

static void
test_reopen_no_reapply(void **state)
{
	char path[512];
	struct kz_store *st;

	(void)state;
	kz_time_set_fixed(T0);
	st = open_ok(new_path(path, sizeof(path), "reopen"), 0);
	assert_int_equal(kz_store_exec(st,
			     "INSERT INTO ticket_seq (year, last) "
			     "VALUES (2026, 41)"),
	    0);
	kz_store_close(st);
	kz_time_set_fixed(T0 + 3600);
	st = open_ok(path, 0);
	assert_int_equal(kz_store_schema_version(st), kz_store_schema_latest());
	assert_int_equal(
	    query_int(st, "SELECT count(*) FROM schema_migrations"),
	    kz_store_schema_latest());
	/* Still the first application's time; the data survived. */
	assert_int_equal(
	    query_int(st, "SELECT max(applied_at) FROM schema_migrations"), T0);
	assert_int_equal(
	    query_int(st, "SELECT last FROM ticket_seq WHERE year = 2026"), 41);
	kz_store_close(st);
	kz_time_set_fixed(T0);
}

static void
test_newer_version(void **state)
{
	char path[512];
	struct kz_store *st;

	(void)state;
	st = open_ok(new_path(path, sizeof(path), "newer"), 0);
	assert_int_equal(kz_store_exec(st,
			     "INSERT INTO schema_migrations VALUES "
			     "(9999, '9999_future.sql', 0)"),
	    0);
	kz_store_close(st);
	st = (struct kz_store *)1;
	assert_int_equal(kz_store_open(&st, path, 0), KZ_EVERSION);
	assert_null(st);
	assert_non_null(strstr(kz_error_message(), "schema version 9999"));
	assert_non_null(strstr(kz_error_message(), "use a newer kizuki"));
	assert_int_equal(
	    kz_store_open(&st, path, KZ_STORE_READONLY), KZ_EVERSION);
	assert_null(st);
}

static void
test_not_a_database(void **state)
{
	char path[512], junk[4096];
	struct kz_store *st = NULL;
	char *back;
	size_t n;

	(void)state;
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = "this is not a database\n"[i % 23];
	new_path(path, sizeof(path), "junk");
	write_file(path, junk, sizeof(junk));
	assert_int_equal(kz_store_open(&st, path, 0), KZ_EIO);
	assert_null(st);
	assert_non_null(strstr(kz_error_message(), path));
	assert_non_null(
	    strstr(kz_error_message(), "is corrupt or not a kizuki database"));
	/* The file was left as it was. */
	back = tu_read_file(path, &n);
	assert_int_equal(n, sizeof(junk));
	assert_memory_equal(back, junk, n);
	free(back);
	assert_int_equal(kz_store_open(&st, path, KZ_STORE_READONLY), KZ_EIO);
}

static void
test_foreign_database(void **state)
{
	char path[512];
	struct kz_store *st = NULL;

	(void)state;
	new_path(path, sizeof(path), "foreign");
	raw_exec(path, "CREATE TABLE mail (id INTEGER PRIMARY KEY, body TEXT)");
	assert_int_equal(kz_store_open(&st, path, 0), KZ_EIO);
	assert_null(st);
	assert_non_null(strstr(kz_error_message(),
	    "is not a kizuki database (it has tables but no "
	    "schema_migrations)"));
}

static void
test_empty_file(void **state)
{
	char path[512];
	struct kz_store *st;

	(void)state;
	/* An empty file is an empty database: it gets the schema. */
	new_path(path, sizeof(path), "empty");
	write_file(path, "", 0);
	st = open_ok(path, KZ_STORE_NOCREATE);
	assert_int_equal(kz_store_schema_version(st), kz_store_schema_latest());
	kz_store_close(st);
}

static void
test_missing_and_readonly(void **state)
{
	char path[512], dir[512];
	struct kz_store *st = NULL;
	struct stat sb;

	(void)state;
	new_path(path, sizeof(path), "missing");
	assert_int_equal(
	    kz_store_open(&st, path, KZ_STORE_NOCREATE), KZ_ENOTFOUND);
	assert_non_null(strstr(kz_error_message(), "does not exist"));
	assert_int_equal(
	    kz_store_open(&st, path, KZ_STORE_READONLY), KZ_ENOTFOUND);
	assert_null(st);
	assert_int_equal(stat(path, &sb), -1);

	/* Read-only: reads work, writes fail, nothing migrates. */
	st = open_ok(path, 0);
	kz_store_close(st);
	st = open_ok(path, KZ_STORE_READONLY);
	assert_int_equal(kz_store_schema_version(st), kz_store_schema_latest());
	assert_int_equal(query_int(st, "SELECT count(*) FROM incidents"), 0);
	assert_int_equal(
	    kz_store_exec(st, "INSERT INTO ticket_seq VALUES (2026, 1)"),
	    KZ_EIO);
	assert_non_null(strstr(kz_error_message(), "readonly"));
	kz_store_close(st);

	/* A directory, or a file in a directory that does not exist. */
	assert_int_equal(kz_store_open(&st, tu_tmpdir(), 0), KZ_EIO);
	assert_non_null(strstr(kz_error_message(), "is not a file"));
	snprintf(dir, sizeof(dir), "%s/no/such/dir/x.db", tu_tmpdir());
	assert_int_equal(kz_store_open(&st, dir, 0), KZ_EIO);
	assert_non_null(strstr(kz_error_message(), "cannot open database"));
	assert_null(st);
}

static void
test_readonly_needs_migration(void **state)
{
	char path[512];
	struct kz_store *st = NULL;

	(void)state;
	/* A database an older kizuki left at version 0. */
	new_path(path, sizeof(path), "old");
	raw_exec(path,
	    "CREATE TABLE schema_migrations (version INTEGER "
	    "PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER "
	    "NOT NULL)");
	assert_int_equal(
	    kz_store_open(&st, path, KZ_STORE_READONLY), KZ_EVERSION);
	assert_non_null(strstr(kz_error_message(), "open it once read-write"));
	assert_null(st);
	st = open_ok(path, 0);
	assert_int_equal(kz_store_schema_version(st), kz_store_schema_latest());
	kz_store_close(st);
	st = open_ok(path, KZ_STORE_READONLY);
	kz_store_close(st);
}

static void
test_pragmas(void **state)
{
	char path[512];
	struct kz_store *st;
	struct kz_stmt *s;

	(void)state;
	st = open_ok(new_path(path, sizeof(path), "pragma"), 0);
	assert_int_equal(kz_store_prepare(&s, st, "PRAGMA journal_mode"), 0);
	assert_int_equal(kz_stmt_step(s), KZ_ROW);
	assert_string_equal(kz_stmt_text(s, 0), "wal");
	assert_int_equal(kz_stmt_step(s), KZ_DONE);
	assert_int_equal(query_int(st, "PRAGMA foreign_keys"), 1);
	assert_true(query_int(st, "PRAGMA busy_timeout") >= 1000);
	/* Foreign keys are enforced, not only declared. */
	assert_int_equal(kz_store_exec(st,
			     "INSERT INTO events (incident_id, at, kind) "
			     "VALUES (12345, 0, 'note')"),
	    KZ_EINVAL);
	assert_non_null(strstr(kz_error_message(), "FOREIGN KEY"));
	kz_store_close(st);
	/* WAL is a property of the file: a read-only open sees it too. */
	st = open_ok(path, KZ_STORE_READONLY);
	assert_int_equal(query_int(st, "PRAGMA foreign_keys"), 1);
	kz_store_close(st);
}

static void
test_constraint_codes(void **state)
{
	char path[512];
	struct kz_store *st;

	(void)state;
	st = open_ok(new_path(path, sizeof(path), "constraint"), 0);
	assert_int_equal(
	    kz_store_exec(st, "INSERT INTO ticket_seq VALUES (2026, 1)"), 0);
	assert_int_equal(
	    kz_store_exec(st, "INSERT INTO ticket_seq VALUES (2026, 2)"),
	    KZ_EEXISTS);
	/* CHECK and NOT NULL are bad input. */
	assert_int_equal(kz_store_exec(st,
			     "INSERT INTO orgs (name, kind, created_at, "
			     "updated_at) VALUES ('x', 'bank', 0, 0)"),
	    KZ_EINVAL);
	assert_non_null(strstr(kz_error_message(), "CHECK"));
	assert_int_equal(kz_store_exec(st,
			     "INSERT INTO orgs (name, kind, created_at, "
			     "updated_at) VALUES (NULL, 'isp', 0, 0)"),
	    KZ_EINVAL);
	assert_non_null(strstr(kz_error_message(), "NOT NULL"));
	kz_store_close(st);
}

static void
test_statement_cache(void **state)
{
	char path[512], buf[64], other[64];
	struct kz_stmt *a, *b, *c;
	struct kz_stmt *many[100];
	struct kz_store *st;

	(void)state;
	st = open_ok(new_path(path, sizeof(path), "cache"), 0);
	assert_int_equal(kz_store_prepare(&a, st, "SELECT 1"), 0);
	assert_int_equal(kz_store_prepare(&b, st, "SELECT 1"), 0);
	assert_ptr_equal(a, b);
	/* The same text at another address finds the same statement. */
	strcpy(other, "SELECT 1");
	assert_int_equal(kz_store_prepare(&c, st, other), 0);
	assert_ptr_equal(a, c);
	/* Other text at an address seen before is another statement. */
	strcpy(buf, "SELECT 2 AS x");
	assert_int_equal(kz_store_prepare(&a, st, buf), 0);
	strcpy(buf, "SELECT 3 AS x");
	assert_int_equal(kz_store_prepare(&b, st, buf), 0);
	assert_ptr_not_equal(a, b);
	assert_int_equal(kz_stmt_step(b), KZ_ROW);
	assert_int_equal(kz_stmt_int(b, 0), 3);
	assert_int_equal(kz_stmt_step(b), KZ_DONE);
	assert_int_equal(kz_stmt_step(a), KZ_ROW);
	assert_int_equal(kz_stmt_int(a, 0), 2);
	assert_int_equal(kz_stmt_step(a), KZ_DONE);

	/* Preparing again resets a half-read statement and its bindings. */
	assert_int_equal(kz_store_prepare(&a, st,
			     "SELECT value FROM json_each('[10,20,30]') "
			     "WHERE ? IS NULL OR value > ?"),
	    0);
	kz_stmt_bind_int(a, 1, 1);
	kz_stmt_bind_int(a, 2, 15);
	assert_int_equal(kz_stmt_step(a), KZ_ROW);
	assert_int_equal(kz_stmt_int(a, 0), 20);
	assert_int_equal(kz_store_prepare(&b, st,
			     "SELECT value FROM json_each('[10,20,30]') "
			     "WHERE ? IS NULL OR value > ?"),
	    0);
	assert_ptr_equal(a, b);
	assert_int_equal(kz_stmt_step(b), KZ_ROW);
	assert_int_equal(kz_stmt_int(b, 0), 10);
	while (kz_stmt_step(b) == KZ_ROW)
		;

	/* The cache grows past its first size and keeps every entry. */
	for (int i = 0; i < 100; i++) {
		snprintf(buf, sizeof(buf), "SELECT %d", i);
		assert_int_equal(kz_store_prepare(&many[i], st, buf), 0);
	}
	for (int i = 0; i < 100; i++) {
		snprintf(other, sizeof(other), "SELECT %d", i);
		assert_int_equal(kz_store_prepare(&c, st, other), 0);
		assert_ptr_equal(c, many[i]);
		assert_int_equal(kz_stmt_step(c), KZ_ROW);
		assert_int_equal(kz_stmt_int(c, 0), i);
		assert_int_equal(kz_stmt_step(c), KZ_DONE);
	}
	/* A statement that does not prepare is not cached. */
	assert_int_equal(kz_store_prepare(&c, st, "SELECT nosuch"), KZ_EIO);
	assert_int_equal(kz_store_prepare(&c, st, "SELECT nosuch"), KZ_EIO);
	kz_store_close(st);
}

struct writer {
	const char *path;
	int id;
	int rows;
	int failures;
	char err[256];
	pthread_barrier_t *start;
};

static void *
writer_main(void *arg)
{
	struct writer *w = arg;
	struct kz_store *st;
	struct kz_stmt *s;

	if (w->start)
		pthread_barrier_wait(w->start);
	if (kz_store_open(&st, w->path, 0) != 0) {
		snprintf(w->err, sizeof(w->err), "%s", kz_error_message());
		w->failures++;
		return NULL;
	}
	for (int i = 0; i < w->rows; i++) {
		if (kz_store_begin(st) ||
		    kz_store_prepare(&s, st,
			"INSERT INTO ticket_seq (year, last) VALUES (?, ?)") ||
		    kz_stmt_bind_int(s, 1, w->id * 100000 + i) ||
		    kz_stmt_bind_int(s, 2, i) || kz_stmt_exec(s) ||
		    kz_store_commit(st)) {
			snprintf(
			    w->err, sizeof(w->err), "%s", kz_error_message());
			w->failures++;
			kz_store_rollback(st);
		}
	}
	kz_store_close(st);
	return NULL;
}

static void
test_two_writers(void **state)
{
	char path[512];
	struct writer w[2];
	pthread_t t[2];
	struct kz_store *st;

	(void)state;
	st = open_ok(new_path(path, sizeof(path), "writers"), 0);
	kz_store_close(st);
	for (int i = 0; i < 2; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].path = path;
		w[i].id = i + 1;
		w[i].rows = 200;
		assert_int_equal(
		    pthread_create(&t[i], NULL, writer_main, &w[i]), 0);
	}
	for (int i = 0; i < 2; i++) {
		pthread_join(t[i], NULL);
		if (w[i].failures)
			fail_msg("writer %d: %d failures, last: %s", i + 1,
			    w[i].failures, w[i].err);
	}
	st = open_ok(path, 0);
	assert_int_equal(query_int(st, "SELECT count(*) FROM ticket_seq"), 400);
	kz_store_close(st);
}

static void
test_two_first_opens(void **state)
{
	pthread_barrier_t start;

	(void)state;
	/* Two processes run 'kizuki' on a new file at the same moment: one
	 * migrates, the other waits and finds the schema in place. */
	for (int round = 0; round < 10; round++) {
		char path[512];
		struct writer w[2];
		pthread_t t[2];
		struct kz_store *st;

		new_path(path, sizeof(path), "race");
		pthread_barrier_init(&start, NULL, 2);
		for (int i = 0; i < 2; i++) {
			memset(&w[i], 0, sizeof(w[i]));
			w[i].path = path;
			w[i].id = i + 1;
			w[i].rows = 1;
			w[i].start = &start;
			assert_int_equal(
			    pthread_create(&t[i], NULL, writer_main, &w[i]), 0);
		}
		for (int i = 0; i < 2; i++) {
			pthread_join(t[i], NULL);
			if (w[i].failures)
				fail_msg("round %d opener %d: %s", round, i + 1,
				    w[i].err);
		}
		pthread_barrier_destroy(&start);
		st = open_ok(path, 0);
		assert_int_equal(
		    query_int(st, "SELECT count(*) FROM schema_migrations"),
		    kz_store_schema_latest());
		assert_int_equal(
		    query_int(st, "SELECT count(*) FROM ticket_seq"), 2);
		kz_store_close(st);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_migrations_applied),
		cmocka_unit_test(test_reopen_no_reapply),
		cmocka_unit_test(test_newer_version),
		cmocka_unit_test(test_not_a_database),
		cmocka_unit_test(test_foreign_database),
		cmocka_unit_test(test_empty_file),
		cmocka_unit_test(test_missing_and_readonly),
		cmocka_unit_test(test_readonly_needs_migration),
		cmocka_unit_test(test_pragmas),
		cmocka_unit_test(test_constraint_codes),
		cmocka_unit_test(test_statement_cache),
		cmocka_unit_test(test_two_writers),
		cmocka_unit_test(test_two_first_opens),
	};

	kz_time_set_fixed(T0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
