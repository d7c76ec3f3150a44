/* SPDX-License-Identifier: MIT */
/*
 * The SQLite backend: WAL, foreign keys, a busy timeout so that several
 * processes can write, numbered migrations applied on open, and a cache of
 * prepared statements keyed by their SQL text.
 */
#include <pthread.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/timeutil.h"
#include "store_int.h"

#define BUSY_TIMEOUT_MS 30000

struct sq_stmt {
	struct kz_stmt base;
	sqlite3_stmt *stmt;
	const char *key; /* the caller's pointer, for the fast path */
	char *sql;
};

struct sq_store {
	struct kz_store base;
	sqlite3 *db;
	struct sq_stmt **cache;
	size_t ncache, acache;
};

static int
db_error(struct sq_store *s, const char *what)
{
	int code = sqlite3_extended_errcode(s->db);
	int prim = code & 0xff;

	if (prim == SQLITE_BUSY || prim == SQLITE_LOCKED)
		return kz_error_set(KZ_EBUSY,
		    "database '%s' stayed locked by another writer: %s",
		    s->base.uri, sqlite3_errmsg(s->db));
	if (prim == SQLITE_CONSTRAINT) {
		if (code == SQLITE_CONSTRAINT_UNIQUE ||
		    code == SQLITE_CONSTRAINT_PRIMARYKEY)
			return kz_error_set(
			    KZ_EEXISTS, "%s: %s", what, sqlite3_errmsg(s->db));
		return kz_error_set(
		    KZ_EINVAL, "%s: %s", what, sqlite3_errmsg(s->db));
	}
	if (prim == SQLITE_NOTADB || prim == SQLITE_CORRUPT)
		return kz_error_set(KZ_EIO,
		    "database '%s' is corrupt or not a kizuki database: %s",
		    s->base.uri, sqlite3_errmsg(s->db));
	if (prim == SQLITE_READONLY || prim == SQLITE_CANTOPEN ||
	    prim == SQLITE_IOERR || prim == SQLITE_FULL || prim == SQLITE_PERM)
		return kz_error_set(KZ_EIO, "database '%s': %s", s->base.uri,
		    sqlite3_errmsg(s->db));
	return kz_error_set(KZ_EIO, "%s: %s", what, sqlite3_errmsg(s->db));
}

static int
sq_exec(struct kz_store *base, const char *sql)
{
	struct sq_store *s = (struct sq_store *)base;

	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_error(s, "database");
	return 0;
}

static int
sq_begin(struct kz_store *base)
{
	return sq_exec(base, "BEGIN IMMEDIATE");
}

static int
sq_prepare(struct kz_stmt **out, struct kz_store *base, const char *sql)
{
	struct sq_store *s = (struct sq_store *)base;
	struct sq_stmt *e;
	size_t i;

	/* The pointer finds a literal fast; the text must match too, since
	 * a caller's buffer can hold other SQL at the same address. */
	for (i = 0; i < s->ncache; i++)
		if (s->cache[i]->key == sql &&
		    strcmp(s->cache[i]->sql, sql) == 0)
			goto found;
	for (i = 0; i < s->ncache; i++)
		if (strcmp(s->cache[i]->sql, sql) == 0)
			goto found;
	if (s->ncache == s->acache) {
		size_t n = s->acache ? s->acache * 2 : 32;
		struct sq_stmt **c = kz_realloc(s->cache, n * sizeof(*c));

		if (!c)
			return kz_error_set(KZ_ENOMEM, "out of memory");
		s->cache = c;
		s->acache = n;
	}
	e = kz_calloc(1, sizeof(*e));
	if (!e)
		return kz_error_set(KZ_ENOMEM, "out of memory");
	e->base.st = base;
	e->key = sql;
	e->sql = kz_strdup(sql);
	if (!e->sql) {
		kz_free(e);
		return kz_error_set(KZ_ENOMEM, "out of memory");
	}
	if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
		&e->stmt, NULL) != SQLITE_OK) {
		int rc = db_error(s, "preparing a statement");

		kz_free(e->sql);
		kz_free(e);
		return rc;
	}
	s->cache[s->ncache++] = e;
	*out = &e->base;
	return 0;
found:
	e = s->cache[i];
	sqlite3_reset(e->stmt);
	sqlite3_clear_bindings(e->stmt);
	*out = &e->base;
	return 0;
}

static int
bind_result(struct sq_stmt *e, int rc)
{
	if (rc == SQLITE_OK)
		return 0;
	return db_error((struct sq_store *)e->base.st, "binding a value");
}

static int
sq_bind_text(struct kz_stmt *st, int idx, const char *v, size_t n)
{
	struct sq_stmt *e = (struct sq_stmt *)st;

	return bind_result(e,
	    sqlite3_bind_text64(
		e->stmt, idx, v, n, SQLITE_TRANSIENT, SQLITE_UTF8));
}

static int
sq_bind_int(struct kz_stmt *st, int idx, int64_t v)
{
	struct sq_stmt *e = (struct sq_stmt *)st;

	return bind_result(e, sqlite3_bind_int64(e->stmt, idx, v));
}

static int
sq_bind_blob(struct kz_stmt *st, int idx, const void *v, size_t n)
{
	struct sq_stmt *e = (struct sq_stmt *)st;

	return bind_result(e,
	    sqlite3_bind_blob64(e->stmt, idx, n ? v : "", n, SQLITE_TRANSIENT));
}

static int
sq_bind_null(struct kz_stmt *st, int idx)
{
	struct sq_stmt *e = (struct sq_stmt *)st;

	return bind_result(e, sqlite3_bind_null(e->stmt, idx));
}

static int
sq_step(struct kz_stmt *st)
{
	struct sq_stmt *e = (struct sq_stmt *)st;
	int rc = sqlite3_step(e->stmt);

	if (rc == SQLITE_ROW)
		return KZ_ROW;
	if (rc == SQLITE_DONE) {
		sqlite3_reset(e->stmt);
		return KZ_DONE;
	}
	rc = db_error((struct sq_store *)e->base.st, "database");
	sqlite3_reset(e->stmt);
	return rc;
}

static const char *
sq_col_text(struct kz_stmt *st, int col)
{
	struct sq_stmt *e = (struct sq_stmt *)st;

	return (const char *)sqlite3_column_text(e->stmt, col);
}

static int64_t
sq_col_int(struct kz_stmt *st, int col)
{
	struct sq_stmt *e = (struct sq_stmt *)st;

	return sqlite3_column_int64(e->stmt, col);
}

static const void *
sq_col_blob(struct kz_stmt *st, int col, size_t *len)
{
	struct sq_stmt *e = (struct sq_stmt *)st;
	const void *p = sqlite3_column_blob(e->stmt, col);

	*len = (size_t)sqlite3_column_bytes(e->stmt, col);
	return p;
}

static int
sq_col_isnull(struct kz_stmt *st, int col)
{
	struct sq_stmt *e = (struct sq_stmt *)st;

	return sqlite3_column_type(e->stmt, col) == SQLITE_NULL;
}

static int64_t
sq_changes(struct kz_store *base)
{
	return sqlite3_changes64(((struct sq_store *)base)->db);
}

static void
sq_close(struct kz_store *base)
{
	struct sq_store *s = (struct sq_store *)base;
	size_t i;

	for (i = 0; i < s->ncache; i++) {
		sqlite3_finalize(s->cache[i]->stmt);
		kz_free(s->cache[i]->sql);
		kz_free(s->cache[i]);
	}
	kz_free(s->cache);
	sqlite3_close_v2(s->db);
	kz_free(base->uri);
	kz_free(s);
}

static int
query_int(struct sq_store *s, const char *sql, int64_t *out)
{
	sqlite3_stmt *stmt;
	int rc;

	if (sqlite3_prepare_v2(s->db, sql, -1, &stmt, NULL) != SQLITE_OK)
		return db_error(s, "reading the schema version");
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int64(stmt, 0);
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		*out = 0;
		rc = 0;
	} else {
		rc = db_error(s, "reading the schema version");
	}
	sqlite3_finalize(stmt);
	return rc;
}

static int
sq_schema_state(struct kz_store *base, int64_t *version, int *foreign)
{
	struct sq_store *s = (struct sq_store *)base;
	int64_t exists = 0, tables = 0;
	int rc;

	*version = 0;
	*foreign = 0;
	if ((rc = query_int(s,
		 "SELECT count(*) FROM sqlite_master WHERE "
		 "type='table' AND name='schema_migrations'",
		 &exists)))
		return rc;
	if (exists)
		return query_int(
		    s, "SELECT max(version) FROM schema_migrations", version);
	if ((rc = query_int(s, "SELECT count(*) FROM sqlite_master", &tables)))
		return rc;
	*foreign = tables > 0;
	return 0;
}

static pthread_once_t sqlite_once = PTHREAD_ONCE_INIT;

/*
 * Process-wide SQLite settings, made once before first use: no memory
 * statistics, which otherwise take a global mutex on every allocation.
 */
static void
sqlite_setup(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	sqlite3_initialize();
}

static int
sq_open(struct kz_store **out, const char *uri, unsigned flags)
{
	struct sq_store *s;
	struct stat sb;
	int oflags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
	int rc;

	if (stat(uri, &sb) != 0) {
		if (flags & (KZ_STORE_NOCREATE | KZ_STORE_READONLY))
			return kz_error_set(KZ_ENOTFOUND,
			    "database '%s' does not exist (create it with "
			    "'kizuki init')",
			    uri);
	} else if (!S_ISREG(sb.st_mode)) {
		return kz_error_set(KZ_EIO, "database '%s' is not a file", uri);
	}
	pthread_once(&sqlite_once, sqlite_setup);
	oflags |= (flags & KZ_STORE_READONLY) ?
	    SQLITE_OPEN_READONLY :
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;

	s = kz_calloc(1, sizeof(*s));
	if (!s)
		return kz_error_set(KZ_ENOMEM, "out of memory");
	s->base.ops = &kz_store_sqlite_ops;
	s->base.dialect = KZ_DIALECT_SQLITE;
	s->base.uri = kz_strdup(uri);
	if (!s->base.uri) {
		kz_free(s);
		return kz_error_set(KZ_ENOMEM, "out of memory");
	}
	if (sqlite3_open_v2(uri, &s->db, oflags, NULL) != SQLITE_OK) {
		rc = kz_error_set(KZ_EIO, "cannot open database '%s': %s", uri,
		    s->db ? sqlite3_errmsg(s->db) : "out of memory");
		goto fail;
	}
	sqlite3_extended_result_codes(s->db, 1);
	/* More lookaside slots: most of a row's small allocations fit. */
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_LOOKASIDE, NULL, 512, 2048);
	sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
	/* The first read tells a corrupt or foreign file from a database. */
	if ((rc = sq_exec(&s->base, "SELECT count(*) FROM sqlite_master")))
		goto fail;
	/*
	 * Turning WAL on takes an exclusive lock without going through the
	 * busy handler, so two first opens of a new file would see "locked"
	 * at once: wait here as the busy timeout would.
	 */
	for (int waited = 0; !(flags & KZ_STORE_READONLY); waited += 10) {
		rc = sqlite3_exec(
		    s->db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL);
		if (rc == SQLITE_OK)
			break;
		if ((rc & 0xff) != SQLITE_BUSY || waited >= BUSY_TIMEOUT_MS) {
			rc = db_error(s, "database");
			goto fail;
		}
		sqlite3_sleep(10);
	}
	if ((rc = sq_exec(&s->base,
		 "PRAGMA foreign_keys=ON;"
		 "PRAGMA synchronous=NORMAL;PRAGMA temp_store=MEMORY;"
		 "PRAGMA cache_size=-65536")))
		goto fail;
	if ((rc = kz_store_migrate(&s->base, kz_migrations_sqlite,
		 kz_migrations_sqlite_count, flags)))
		goto fail;
	*out = &s->base;
	return 0;
fail:
	sq_close(&s->base);
	return rc;
}

const struct kz_store_ops kz_store_sqlite_ops = {
	.name = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.begin = sq_begin,
	.exec = sq_exec,
	.prepare = sq_prepare,
	.bind_text = sq_bind_text,
	.bind_int = sq_bind_int,
	.bind_blob = sq_bind_blob,
	.bind_null = sq_bind_null,
	.step = sq_step,
	.col_text = sq_col_text,
	.col_int = sq_col_int,
	.col_blob = sq_col_blob,
	.col_isnull = sq_col_isnull,
	.changes = sq_changes,
	.schema_state = sq_schema_state,
};
