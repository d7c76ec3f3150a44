/* SPDX-License-Identifier: MIT */
/*
 * The backend-neutral part of the store: picks the backend from the URI,
 * keeps the transaction depth, and forwards every call.
 */
#include "store.h"

#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "store_int.h"

/*
 * A PostgreSQL URI, or a libpq conninfo that starts with one of its usual
 * keys ("host=db.example dbname=kizuki"); anything else is a file path.
 */
static int
is_postgres(const char *uri)
{
	static const char *const keys[] = { "host", "hostaddr", "port",
		"dbname", "user", "service", NULL };
	size_t n = strspn(uri, "abcdefghijklmnopqrstuvwxyz");

	if (strncmp(uri, "postgres://", 11) == 0 ||
	    strncmp(uri, "postgresql://", 13) == 0)
		return 1;
	if (uri[n + strspn(uri + n, " ")] != '=')
		return 0;
	for (int i = 0; keys[i]; i++)
		if (strlen(keys[i]) == n && strncmp(uri, keys[i], n) == 0)
			return 1;
	return 0;
}

int
kz_store_open(struct kz_store **out, const char *uri, unsigned flags)
{
	*out = NULL;
	if (!uri || !*uri)
		return kz_error_set(KZ_EINVAL,
		    "no database given (use --db "
		    "PATH or KIZUKI_DB)");
	if (is_postgres(uri))
		return kz_store_pg_ops.open(out, uri, flags);
	return kz_store_sqlite_ops.open(out, uri, flags);
}

void
kz_store_close(struct kz_store *st)
{
	if (st)
		st->ops->close(st);
}

enum kz_store_dialect
kz_store_dialect(const struct kz_store *st)
{
	return st->dialect;
}

int
kz_store_schema_version(const struct kz_store *st)
{
	return st->schema_version;
}

int
kz_store_schema_latest(void)
{
	return kz_migrations_sqlite[kz_migrations_sqlite_count - 1].version;
}

const char *
kz_store_uri(const struct kz_store *st)
{
	return st->uri;
}

/* Runs one of the savepoint statements, prepared once and cached. */
static int
exec_cached(struct kz_store *st, const char *sql)
{
	struct kz_stmt *s;
	int rc;

	if ((rc = st->ops->prepare(&s, st, sql)))
		return rc;
	rc = st->ops->step(s);
	return rc == KZ_ROW ? 0 : rc;
}

int
kz_store_begin(struct kz_store *st)
{
	char sql[32];
	int rc;

	if (st->tx_depth == 0) {
		rc = st->ops->begin(st);
	} else {
		/* An inner level is a savepoint: it can fail alone. */
		snprintf(sql, sizeof(sql), "SAVEPOINT kz%d", st->tx_depth);
		rc = exec_cached(st, sql);
	}
	if (rc == 0)
		st->tx_depth++;
	return rc;
}

int
kz_store_commit(struct kz_store *st)
{
	char sql[32];

	if (st->tx_depth == 0)
		return kz_error_set(KZ_EIO, "commit without a transaction");
	if (--st->tx_depth == 0)
		return st->ops->exec(st, "COMMIT");
	snprintf(sql, sizeof(sql), "RELEASE kz%d", st->tx_depth);
	return exec_cached(st, sql);
}

void
kz_store_rollback(struct kz_store *st)
{
	char sql[64];

	if (st->tx_depth == 0)
		return;
	/* Only a failing ROLLBACK sets an error; the caller's stays. */
	if (--st->tx_depth == 0) {
		st->ops->exec(st, "ROLLBACK");
		return;
	}
	snprintf(sql, sizeof(sql), "ROLLBACK TO kz%d; RELEASE kz%d",
	    st->tx_depth, st->tx_depth);
	st->ops->exec(st, sql);
}

int
kz_store_prepare(struct kz_stmt **out, struct kz_store *st, const char *sql)
{
	return st->ops->prepare(out, st, sql);
}

int
kz_store_exec(struct kz_store *st, const char *sql)
{
	return st->ops->exec(st, sql);
}

int
kz_stmt_bind_text(struct kz_stmt *s, int idx, const char *v)
{
	if (!v)
		return s->st->ops->bind_null(s, idx);
	return s->st->ops->bind_text(s, idx, v, strlen(v));
}

int
kz_stmt_bind_textn(struct kz_stmt *s, int idx, const char *v, size_t n)
{
	return s->st->ops->bind_text(s, idx, v, n);
}

int
kz_stmt_bind_int(struct kz_stmt *s, int idx, int64_t v)
{
	return s->st->ops->bind_int(s, idx, v);
}

int
kz_stmt_bind_blob(struct kz_stmt *s, int idx, const void *v, size_t n)
{
	return s->st->ops->bind_blob(s, idx, v, n);
}

int
kz_stmt_bind_null(struct kz_stmt *s, int idx)
{
	return s->st->ops->bind_null(s, idx);
}

int
kz_stmt_step(struct kz_stmt *s)
{
	return s->st->ops->step(s);
}

int
kz_stmt_exec(struct kz_stmt *s)
{
	int rc = s->st->ops->step(s);

	return rc == KZ_ROW ? 0 : rc;
}

const char *
kz_stmt_text(struct kz_stmt *s, int col)
{
	return s->st->ops->col_text(s, col);
}

int64_t
kz_stmt_int(struct kz_stmt *s, int col)
{
	return s->st->ops->col_int(s, col);
}

const void *
kz_stmt_blob(struct kz_stmt *s, int col, size_t *len)
{
	return s->st->ops->col_blob(s, col, len);
}

int
kz_stmt_isnull(struct kz_stmt *s, int col)
{
	return s->st->ops->col_isnull(s, col);
}

int64_t
kz_store_changes(struct kz_store *st)
{
	return st->ops->changes(st);
}
