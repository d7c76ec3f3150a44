/* SPDX-License-Identifier: MIT */
/* Tests for the backend-neutral store: opening, transactions, statements. */
#include "testutil.h"

#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "core/timeutil.h"
#include "store/store.h"
#include "store/store_int.h"

/* Where the last fresh() store is, to open it again. */
static char path[512];

static struct kz_store *
fresh(void)
{
	struct kz_store *st;

	tu_store_uri(path, sizeof(path), "store");
	if (kz_store_open(&st, path, 0) != 0)
		fail_msg("open %s: %s", path, kz_error_message());
	if (kz_store_exec(st,
		kz_store_dialect(st) == KZ_DIALECT_SQLITE ?
		    "CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT, b BLOB)" :
		    "CREATE TABLE t (k BIGINT PRIMARY KEY, v TEXT, b BYTEA)"))
		fail_msg("create: %s", kz_error_message());
	return st;
}

static int64_t
count_rows(struct kz_store *st)
{
	struct kz_stmt *s;
	int64_t n;

	assert_int_equal(kz_store_prepare(&s, st, "SELECT count(*) FROM t"), 0);
	assert_int_equal(kz_stmt_step(s), KZ_ROW);
	n = kz_stmt_int(s, 0);
	assert_int_equal(kz_stmt_step(s), KZ_DONE);
	return n;
}

static int
insert(struct kz_store *st, int64_t k, const char *v)
{
	struct kz_stmt *s;
	int rc;

	if ((rc = kz_store_prepare(
		 &s, st, "INSERT INTO t (k, v) VALUES (?, ?)")))
		return rc;
	kz_stmt_bind_int(s, 1, k);
	kz_stmt_bind_text(s, 2, v);
	return kz_stmt_exec(s);
}

static void
test_open_args(void **state)
{
	struct kz_store *st = (struct kz_store *)1;

	(void)state;
	assert_int_equal(kz_store_open(&st, NULL, 0), KZ_EINVAL);
	assert_null(st);
	assert_non_null(strstr(kz_error_message(), "no database given"));
	assert_int_equal(kz_store_open(&st, "", 0), KZ_EINVAL);
	/* No server there: the message names it, but not the password. */
	assert_int_equal(
	    kz_store_open(&st, "postgresql://kz:secret@127.0.0.1:1/kizuki", 0),
	    KZ_EIO);
	assert_null(st);
	assert_non_null(strstr(kz_error_message(),
	    "cannot connect to database "
	    "'postgresql://kz@127.0.0.1:1/kizuki'"));
	assert_null(strstr(kz_error_message(), "secret"));
	assert_int_equal(
	    kz_store_open(&st, "host=127.0.0.1 port=1 password=secret", 0),
	    KZ_EIO);
	assert_non_null(strstr(kz_error_message(),
	    "cannot connect to database 'host=127.0.0.1 port=1'"));
	assert_null(strstr(kz_error_message(), "secret"));
	/* A file whose name merely contains '=' is a file. */
	assert_int_equal(
	    kz_store_open(&st, "=x", KZ_STORE_NOCREATE), KZ_ENOTFOUND);
	assert_null(st);
	kz_store_close(NULL);
}

static void
test_describe(void **state)
{
	struct kz_store *st = fresh();

	(void)state;
	if (tu_store_pg()) {
		assert_int_equal(kz_store_dialect(st), KZ_DIALECT_POSTGRES);
		assert_non_null(strstr(kz_store_uri(st), "postgres"));
	} else {
		assert_int_equal(kz_store_dialect(st), KZ_DIALECT_SQLITE);
		assert_non_null(strstr(kz_store_uri(st), tu_tmpdir()));
	}
	assert_true(kz_store_schema_latest() >= 1);
	assert_int_equal(kz_store_schema_version(st), kz_store_schema_latest());
	kz_store_close(st);
}

static void
test_commit_plain(void **state)
{
	struct kz_store *st = fresh();

	(void)state;
	assert_int_equal(kz_store_begin(st), 0);
	assert_int_equal(insert(st, 1, "a"), 0);
	assert_int_equal(kz_store_commit(st), 0);
	assert_int_equal(count_rows(st), 1);
	/* Outside a transaction, commit is an error and rollback nothing. */
	assert_int_equal(kz_store_commit(st), KZ_EIO);
	assert_string_equal(kz_error_message(), "commit without a transaction");
	kz_store_rollback(st);
	assert_int_equal(count_rows(st), 1);
	kz_store_close(st);
}

static void
test_nested_commit(void **state)
{
	struct kz_store *st = fresh();

	(void)state;
	assert_int_equal(kz_store_begin(st), 0);
	assert_int_equal(insert(st, 1, "outer"), 0);
	assert_int_equal(kz_store_begin(st), 0);
	assert_int_equal(insert(st, 2, "inner"), 0);
	assert_int_equal(kz_store_commit(st), 0);
	assert_int_equal(kz_store_begin(st), 0);
	assert_int_equal(insert(st, 3, "inner again"), 0);
	assert_int_equal(kz_store_commit(st), 0);
	assert_int_equal(kz_store_commit(st), 0);
	assert_int_equal(count_rows(st), 3);
	/* And the store is back at depth zero. */
	assert_int_equal(kz_store_commit(st), KZ_EIO);
	kz_store_close(st);
}

static void
test_rollback_outer(void **state)
{
	struct kz_store *st = fresh();

	(void)state;
	assert_int_equal(kz_store_begin(st), 0);
	assert_int_equal(insert(st, 1, "x"), 0);
	kz_store_rollback(st);
	assert_int_equal(count_rows(st), 0);
	/* A new transaction starts clean. */
	assert_int_equal(kz_store_begin(st), 0);
	assert_int_equal(insert(st, 2, "y"), 0);
	assert_int_equal(kz_store_commit(st), 0);
	assert_int_equal(count_rows(st), 1);
	kz_store_close(st);
}

static void
test_rollback_inner(void **state)
{
	struct kz_store *st = fresh();

	(void)state;
	/* An inner level is a savepoint: its rollback undoes it alone. */
	assert_int_equal(kz_store_begin(st), 0);
	assert_int_equal(insert(st, 1, "outer"), 0);
	assert_int_equal(kz_store_begin(st), 0);
	assert_int_equal(insert(st, 2, "inner"), 0);
	kz_store_rollback(st);
	assert_int_equal(insert(st, 3, "outer again"), 0);
	assert_int_equal(kz_store_commit(st), 0);
	assert_int_equal(count_rows(st), 2);
	/* The next transaction starts clean. */
	assert_int_equal(kz_store_begin(st), 0);
	assert_int_equal(insert(st, 4, "later"), 0);
	assert_int_equal(kz_store_commit(st), 0);
	assert_int_equal(count_rows(st), 3);
	kz_store_close(st);
}

static void
test_rollback_deep(void **state)
{
	struct kz_store *st = fresh();

	(void)state;
	assert_int_equal(kz_store_begin(st), 0);
	assert_int_equal(insert(st, 1, "level 1"), 0);
	assert_int_equal(kz_store_begin(st), 0);
	assert_int_equal(insert(st, 2, "level 2"), 0);
	assert_int_equal(kz_store_begin(st), 0);
	assert_int_equal(insert(st, 3, "level 3"), 0);
	kz_store_rollback(st);                    /* undoes level 3 */
	assert_int_equal(kz_store_commit(st), 0); /* keeps level 2 */
	assert_int_equal(count_rows(st), 2);
	kz_store_rollback(st); /* the outermost: everything goes */
	assert_int_equal(count_rows(st), 0);
	assert_int_equal(kz_store_commit(st), KZ_EIO);
	assert_string_equal(kz_error_message(), "commit without a transaction");
	kz_store_close(st);
}

static void
test_rollback_then_outer_writes(void **state)
{
	struct kz_store *st = fresh();
	int i;

	(void)state;
	/*
	 * A batch: each item in its own savepoint, the failing ones undone
	 * alone, the batch committed once (how bulk intake works).
	 */
	assert_int_equal(kz_store_begin(st), 0);
	for (i = 1; i <= 6; i++) {
		assert_int_equal(kz_store_begin(st), 0);
		assert_int_equal(insert(st, i, "item"), 0);
		if (i % 3 == 0)
			kz_store_rollback(st);
		else
			assert_int_equal(kz_store_commit(st), 0);
	}
	assert_int_equal(kz_store_commit(st), 0);
	assert_int_equal(count_rows(st), 4);
	/* A rolled-back outermost level takes its committed inner ones. */
	assert_int_equal(kz_store_begin(st), 0);
	assert_int_equal(kz_store_begin(st), 0);
	assert_int_equal(insert(st, 10, "inner"), 0);
	assert_int_equal(kz_store_commit(st), 0);
	kz_store_rollback(st);
	assert_int_equal(count_rows(st), 4);
	kz_store_close(st);
}

static void
test_bind_and_columns(void **state)
{
	struct kz_store *st = fresh();
	static const char bin[] = { 'a', 0, 'b', (char)0xff };
	struct kz_stmt *s;
	const void *p;
	size_t len;

	(void)state;
	assert_int_equal(kz_store_prepare(&s, st,
			     "INSERT INTO t (k, v, b) VALUES (?, ?, ?)"),
	    0);
	assert_int_equal(kz_stmt_bind_int(s, 1, INT64_MAX), 0);
	assert_int_equal(kz_stmt_bind_textn(s, 2, "abcdef", 3), 0);
	assert_int_equal(kz_stmt_bind_blob(s, 3, bin, sizeof(bin)), 0);
	assert_int_equal(kz_stmt_exec(s), 0);
	assert_int_equal(kz_store_changes(st), 1);
	assert_int_equal(kz_store_prepare(&s, st,
			     "INSERT INTO t (k, v, b) VALUES (?, ?, ?)"),
	    0);
	assert_int_equal(kz_stmt_bind_int(s, 1, INT64_MIN), 0);
	assert_int_equal(kz_stmt_bind_text(s, 2, NULL), 0);
	assert_int_equal(kz_stmt_bind_blob(s, 3, NULL, 0), 0);
	assert_int_equal(kz_stmt_exec(s), 0);
	assert_int_equal(kz_store_prepare(&s, st,
			     "INSERT INTO t (k, v, b) VALUES (?, ?, ?)"),
	    0);
	assert_int_equal(kz_stmt_bind_int(s, 1, 0), 0);
	assert_int_equal(kz_stmt_bind_text(s, 2, "日本語"), 0);
	assert_int_equal(kz_stmt_bind_null(s, 3), 0);
	assert_int_equal(kz_stmt_exec(s), 0);

	assert_int_equal(
	    kz_store_prepare(&s, st, "SELECT k, v, b FROM t ORDER BY k"), 0);
	assert_int_equal(kz_stmt_step(s), KZ_ROW);
	assert_true(kz_stmt_int(s, 0) == INT64_MIN);
	assert_true(kz_stmt_isnull(s, 1));
	assert_null(kz_stmt_text(s, 1));
	/* An empty blob is a value, not NULL. */
	assert_false(kz_stmt_isnull(s, 2));
	kz_stmt_blob(s, 2, &len);
	assert_int_equal(len, 0);
	assert_int_equal(kz_stmt_step(s), KZ_ROW);
	assert_int_equal(kz_stmt_int(s, 0), 0);
	assert_string_equal(kz_stmt_text(s, 1), "日本語");
	assert_true(kz_stmt_isnull(s, 2));
	assert_int_equal(kz_stmt_step(s), KZ_ROW);
	assert_true(kz_stmt_int(s, 0) == INT64_MAX);
	assert_string_equal(kz_stmt_text(s, 1), "abc");
	p = kz_stmt_blob(s, 2, &len);
	assert_int_equal(len, sizeof(bin));
	assert_memory_equal(p, bin, sizeof(bin));
	assert_int_equal(kz_stmt_step(s), KZ_DONE);
	/* A finished statement runs again from the start. */
	assert_int_equal(kz_stmt_step(s), KZ_ROW);
	assert_true(kz_stmt_int(s, 0) == INT64_MIN);
	kz_store_close(st);
}

static void
test_binding_errors(void **state)
{
	struct kz_store *st = fresh();
	struct kz_stmt *s;

	(void)state;
	assert_int_equal(kz_store_prepare(&s, st, "SELECT ?"), 0);
	assert_int_equal(kz_stmt_bind_int(s, 2, 1), KZ_EIO);
	assert_non_null(strstr(kz_error_message(), "binding a value"));
	assert_int_equal(kz_stmt_bind_text(s, 0, "x"), KZ_EIO);
	kz_store_close(st);
}

static void
test_changes(void **state)
{
	struct kz_store *st = fresh();
	struct kz_stmt *s;

	(void)state;
	for (int i = 1; i <= 5; i++)
		assert_int_equal(insert(st, i, i % 2 ? "odd" : "even"), 0);
	assert_int_equal(
	    kz_store_prepare(&s, st, "UPDATE t SET v = 'x' WHERE v = ?"), 0);
	kz_stmt_bind_text(s, 1, "odd");
	assert_int_equal(kz_stmt_exec(s), 0);
	assert_int_equal(kz_store_changes(st), 3);
	assert_int_equal(
	    kz_store_prepare(&s, st, "UPDATE t SET v = 'x' WHERE v = ?"), 0);
	kz_stmt_bind_text(s, 1, "nothing");
	assert_int_equal(kz_stmt_exec(s), 0);
	assert_int_equal(kz_store_changes(st), 0);
	/* A statement that returns rows also counts as executed. */
	assert_int_equal(
	    kz_store_prepare(&s, st, "DELETE FROM t WHERE k > 3 RETURNING k"),
	    0);
	assert_int_equal(kz_stmt_exec(s), 0);
	while (kz_stmt_step(s) == KZ_ROW)
		;
	assert_int_equal(count_rows(st), 3);
	kz_store_close(st);
}

static void
test_errors(void **state)
{
	struct kz_store *st = fresh();
	struct kz_stmt *s = NULL;

	(void)state;
	assert_int_equal(kz_store_prepare(&s, st, "SELEKT 1"), KZ_EIO);
	assert_non_null(strstr(kz_error_message(), "preparing a statement"));
	assert_int_equal(
	    kz_store_prepare(&s, st, "SELECT * FROM nosuch"), KZ_EIO);
	assert_non_null(strstr(kz_error_message(),
	    tu_store_pg() ? "relation \"nosuch\" does not exist" :
			    "no such table: nosuch"));
	assert_int_equal(kz_store_exec(st, "DROP TABLE nosuch"), KZ_EIO);
	assert_non_null(strstr(kz_error_message(), "nosuch"));
	/* Constraints: a duplicate key is "exists". */
	assert_int_equal(insert(st, 1, "a"), 0);
	assert_int_equal(insert(st, 1, "b"), KZ_EEXISTS);
	assert_non_null(strstr(kz_error_message(), "UNIQUE"));
	/* The failed statement was reset and can run again. */
	assert_int_equal(insert(st, 2, "b"), 0);
	assert_int_equal(count_rows(st), 2);
	kz_store_close(st);
}

/* ? inside literals, quoted names and comments is not a placeholder. */
static void
test_placeholders(void **state)
{
	struct kz_store *st = fresh();
	struct kz_stmt *s;

	(void)state;
	assert_int_equal(kz_store_prepare(&s, st,
			     "SELECT 'a?''?' || ? AS \"q?\" -- ?\n"
			     "/* ? */ FROM t WHERE k = ? OR ? = 'x'"),
	    0);
	assert_int_equal(insert(st, 7, "v"), 0);
	assert_int_equal(kz_store_prepare(&s, st,
			     "SELECT 'a?''?' || ? AS \"q?\" -- ?\n"
			     "/* ? */ FROM t WHERE k = ? OR ? = 'x'"),
	    0);
	assert_int_equal(kz_stmt_bind_text(s, 1, "!"), 0);
	assert_int_equal(kz_stmt_bind_int(s, 2, 7), 0);
	assert_int_equal(kz_stmt_bind_text(s, 3, "y"), 0);
	assert_int_equal(kz_stmt_bind_int(s, 4, 1), KZ_EIO);
	assert_int_equal(kz_stmt_step(s), KZ_ROW);
	assert_string_equal(kz_stmt_text(s, 0), "a?'?!");
	assert_int_equal(kz_stmt_step(s), KZ_DONE);
	kz_store_close(st);
}

/* A failed statement inside a savepoint costs only that level. */
static void
test_error_in_savepoint(void **state)
{
	struct kz_store *st = fresh();

	(void)state;
	assert_int_equal(kz_store_begin(st), 0);
	assert_int_equal(insert(st, 1, "a"), 0);
	assert_int_equal(kz_store_begin(st), 0);
	assert_int_equal(insert(st, 2, "b"), 0);
	assert_int_equal(insert(st, 1, "dup"), KZ_EEXISTS);
	kz_store_rollback(st);
	assert_int_equal(insert(st, 3, "c"), 0);
	assert_int_equal(kz_store_commit(st), 0);
	assert_int_equal(count_rows(st), 2);
	kz_store_close(st);
}

/* Two connections: one sees what the other committed, not before. */
static void
test_two_connections(void **state)
{
	struct kz_store *a = fresh(), *b;

	(void)state;
	assert_int_equal(kz_store_begin(a), 0);
	assert_int_equal(insert(a, 1, "a"), 0);
	assert_int_equal(kz_store_open(&b, path, 0), 0);
	assert_int_equal(count_rows(b), 0);
	assert_int_equal(kz_store_commit(a), 0);
	assert_int_equal(count_rows(b), 1);
	assert_int_equal(kz_store_changes(b), 0);
	kz_store_close(b);
	kz_store_close(a);
}

/* A database written by a newer kizuki is refused, not damaged. */
static void
test_newer_schema(void **state)
{
	struct kz_store *st = fresh();

	(void)state;
	assert_int_equal(kz_store_exec(st,
			     "INSERT INTO schema_migrations (version, name, "
			     "applied_at) VALUES (9999, 'future', 0)"),
	    0);
	kz_store_close(st);
	assert_int_equal(kz_store_open(&st, path, 0), KZ_EVERSION);
	assert_non_null(strstr(kz_error_message(), "schema version 9999"));
	assert_int_equal(
	    kz_store_open(&st, path, KZ_STORE_READONLY), KZ_EVERSION);
}

/* Both backends know the same migrations, by number. */
static void
test_migrations_match(void **state)
{
	(void)state;
	assert_int_equal(
	    kz_migrations_postgres_count, kz_migrations_sqlite_count);
	for (int i = 0; i < kz_migrations_sqlite_count; i++) {
		assert_int_equal(kz_migrations_postgres[i].version,
		    kz_migrations_sqlite[i].version);
		assert_string_equal(kz_migrations_postgres[i].name,
		    kz_migrations_sqlite[i].name);
	}
}

/*
 * PostgreSQL: one writer at a time across connections, as in SQLite; a
 * writer that waits past its lock timeout gets KZ_EBUSY, and the lock
 * goes with the first writer's commit. (SQLite's is test_store_sqlite's.)
 */
static void
test_pg_one_writer(void **state)
{
	struct kz_store *a = fresh(), *b;
	char uri[600];

	(void)state;
	/* tu_store_uri() ends with the options that pick the schema. */
	if (path[strlen(path) - 1] == '\'')
		snprintf(uri, sizeof(uri), "%.*s -clock_timeout=200'",
		    (int)strlen(path) - 1, path);
	else
		snprintf(uri, sizeof(uri), "%s%%20-clock_timeout%%3D200", path);
	assert_int_equal(kz_store_open(&b, uri, 0), 0);
	assert_int_equal(kz_store_begin(a), 0);
	assert_int_equal(insert(a, 1, "a"), 0);
	assert_int_equal(kz_store_begin(b), KZ_EBUSY);
	assert_non_null(strstr(kz_error_message(), "stayed locked"));
	/* Reads do not wait. */
	assert_int_equal(count_rows(b), 0);
	assert_int_equal(kz_store_commit(a), 0);
	assert_int_equal(kz_store_begin(b), 0);
	assert_int_equal(insert(b, 2, "b"), 0);
	assert_int_equal(kz_store_commit(b), 0);
	assert_int_equal(count_rows(a), 2);
	kz_store_close(b);
	kz_store_close(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_args),
		cmocka_unit_test(test_describe),
		cmocka_unit_test(test_commit_plain),
		cmocka_unit_test(test_nested_commit),
		cmocka_unit_test(test_rollback_outer),
		cmocka_unit_test(test_rollback_inner),
		cmocka_unit_test(test_rollback_deep),
		cmocka_unit_test(test_rollback_then_outer_writes),
		cmocka_unit_test(test_bind_and_columns),
		cmocka_unit_test(test_binding_errors),
		cmocka_unit_test(test_changes),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_placeholders),
		cmocka_unit_test(test_error_in_savepoint),
		cmocka_unit_test(test_two_connections),
		cmocka_unit_test(test_newer_schema),
		cmocka_unit_test(test_migrations_match),
		/* Only with KZ_TEST_PG: the last one is left out otherwise. */
		cmocka_unit_test(test_pg_one_writer),
	};

	size_t n = sizeof(tests) / sizeof(tests[0]);

	kz_time_set_fixed(1782864000);
	return _cmocka_run_group_tests(
	    "tests", tests, tu_store_pg() ? n : n - 1, NULL, NULL);
}
