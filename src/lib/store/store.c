/* SPDX-License-Identifier: MIT */
/*
 * The backend-neutral part of the store: picks the backend from the URI,
 * keeps the transaction depth, and forwards every call.
 */
#include "store.h"

#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "core/timeutil.h"
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

static int
too_new(const struct kz_store *st, int64_t have, int latest)
{
	return kz_error_set(KZ_EVERSION,
	    "database '%s' has schema version %d, newer than this kizuki "
	    "knows (%d): use a newer kizuki",
	    st->uri, (int)have, latest);
}

int
kz_store_migrate(struct kz_store *st, const struct kz_migration *m, int count,
    unsigned flags)
{
	const int latest = m[count - 1].version;
	struct kz_stmt *ins;
	int64_t have;
	int foreign, rc, i;

	if ((rc = st->ops->schema_state(st, &have, &foreign)))
		return rc;
	if (have > latest)
		return too_new(st, have, latest);
	st->schema_version = (int)have;
	if (have == latest)
		return 0;
	if (foreign)
		return kz_error_set(KZ_EIO,
		    "database '%s' is not a kizuki database (it has "
		    "tables but no schema_migrations)",
		    st->uri);
	if (flags & KZ_STORE_READONLY)
		return kz_error_set(KZ_EVERSION,
		    "database '%s' is at schema version %d and needs "
		    "migrating to %d: open it once read-write",
		    st->uri, (int)have, latest);
	/*
	 * Under the writers' lock, look again: another process may have
	 * migrated while this one waited.
	 */
	if ((rc = st->ops->begin(st)))
		return rc;
	if ((rc = st->ops->schema_state(st, &have, &foreign)))
		goto fail;
	if (have > latest) {
		rc = too_new(st, have, latest);
		goto fail;
	}
	if ((rc = st->ops->exec(st,
		 "CREATE TABLE IF NOT EXISTS schema_migrations ("
		 "version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
		 "applied_at BIGINT NOT NULL)")))
		goto fail;
	for (i = 0; i < count; i++) {
		if (m[i].version <= have)
			continue;
		if ((rc = st->ops->exec(st, m[i].sql))) {
			kz_error_wrap(rc, m[i].name);
			goto fail;
		}
		if ((rc = st->ops->prepare(&ins, st,
			 "INSERT INTO schema_migrations "
			 "(version, name, applied_at) VALUES (?, ?, ?)")) ||
		    (rc = kz_stmt_bind_int(ins, 1, m[i].version)) ||
		    (rc = kz_stmt_bind_text(ins, 2, m[i].name)) ||
		    (rc = kz_stmt_bind_int(ins, 3, kz_time_now())) ||
		    (rc = kz_stmt_exec(ins)))
			goto fail;
	}
	if ((rc = st->ops->exec(st, "COMMIT")))
		goto fail;
	st->schema_version = latest;
	return 0;
fail:
	st->ops->exec(st, "ROLLBACK");
	return rc;
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
