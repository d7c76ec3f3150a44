/* SPDX-License-Identifier: MIT */
/*
 * The PostgreSQL backend (libpq): ? placeholders rewritten to $n,
 * server-side prepared statements cached per connection by their SQL
 * text, one writer at a time as with SQLite (an advisory lock taken by
 * every write transaction), and the numbered migrations of sql/postgres.
 */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/timeutil.h"
#include "store_int.h"

#define LOCK_TIMEOUT "30s"  /* as long as SQLite's busy timeout */
#define LOCK_CLASS   0x6b7a /* "kz": the first key of our advisory locks */
#define BYTEA_OID    17
#define BOOL_OID     16

struct pg_stmt {
	struct kz_stmt base;
	const char *key; /* the caller's pointer, for the fast path */
	char *sql;       /* the caller's text, the cache key */
	char *pgsql;     /* with $n placeholders */
	char name[24];   /* the server-side name */
	unsigned gen;    /* the connection it was prepared on; 0: none */
	int nparams;
	char **values; /* owned copies; NULL binds NULL */
	int *lengths;
	int *formats;
	PGresult *res; /* the whole result of the last execution */
	int row, nrows;
	unsigned char **blobs; /* bytea columns of this row, decoded */
	size_t *bloblen;
	int nblobs;
};

struct pg_store {
	struct kz_store base;
	PGconn *conn;
	unsigned gen; /* counts connections: a reset loses prepared names */
	unsigned next_name;
	int readonly;
	int64_t changes;
	char begin_sql[96];
	struct pg_stmt **cache;
	size_t ncache, acache;
};

/* The first line of a libpq message, without its final newline. */
static const char *
first_line(const char *msg, char *buf, size_t size)
{
	size_t n = strcspn(msg ? msg : "", "\n");

	if (n >= size)
		n = size - 1;
	memcpy(buf, msg ? msg : "", n);
	buf[n] = '\0';
	return buf;
}

/*
 * A constraint failed: named as SQLite names it ("UNIQUE constraint
 * failed: ..."), so that messages read the same on both backends. A
 * duplicate is KZ_EEXISTS, anything else bad input.
 */
static int
constraint_error(
    const PGresult *res, const char *state, const char *what, const char *msg)
{
	static const struct {
		const char *state, *kind;
	} kinds[] = {
		{ "23505", "UNIQUE" },
		{ "23503", "FOREIGN KEY" },
		{ "23514", "CHECK" },
		{ "23502", "NOT NULL" },
	};
	const char *table = PQresultErrorField(res, PG_DIAG_TABLE_NAME);
	const char *name = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME);
	int code = strcmp(state, "23505") == 0 ? KZ_EEXISTS : KZ_EINVAL;

	if (!name)
		name = PQresultErrorField(res, PG_DIAG_COLUMN_NAME);
	for (size_t i = 0; table && name && i < sizeof(kinds) / sizeof(*kinds);
	     i++)
		if (strcmp(state, kinds[i].state) == 0)
			return kz_error_set(code,
			    "%s: %s constraint failed: %s.%s", what,
			    kinds[i].kind, table, name);
	return kz_error_set(code, "%s: %s", what, msg);
}

/*
 * Maps a failed result (or, with res NULL, the connection's error) to a
 * KZ_E* code the way db_error() of the SQLite backend does.
 */
static int
pg_error(struct pg_store *s, const PGresult *res, const char *what)
{
	const char *state =
	    res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg =
	    res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	char line[512];

	if (!msg)
		msg = first_line(
		    res ? PQresultErrorMessage(res) : PQerrorMessage(s->conn),
		    line, sizeof(line));
	if (!*msg)
		msg = "no answer from the server";
	if (!state || PQstatus(s->conn) == CONNECTION_BAD)
		return kz_error_set(KZ_EIO,
		    "database '%s': the connection failed: %s", s->base.uri,
		    msg);
	if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
	    strcmp(state, "55P03") == 0 || strcmp(state, "57014") == 0)
		return kz_error_set(KZ_EBUSY,
		    "database '%s' stayed locked by another writer: %s",
		    s->base.uri, msg);
	if (strncmp(state, "23", 2) == 0)
		return constraint_error(res, state, what, msg);
	/* Bad values, and our triggers' RAISE (their text is SQLite's). */
	if (strncmp(state, "22", 2) == 0 || strcmp(state, "P0001") == 0)
		return kz_error_set(KZ_EINVAL, "%s: %s", what, msg);
	if (strncmp(state, "08", 2) == 0 || strncmp(state, "53", 2) == 0 ||
	    strncmp(state, "57", 2) == 0 || strncmp(state, "58", 2) == 0 ||
	    strcmp(state, "25006") == 0)
		return kz_error_set(
		    KZ_EIO, "database '%s': %s", s->base.uri, msg);
	return kz_error_set(KZ_EIO, "%s: %s", what, msg);
}

/* Runs SQL (one or more statements) and checks that it succeeded. */
static int
run(struct pg_store *s, const char *sql, const char *what)
{
	PGresult *res = PQexec(s->conn, sql);
	int st = PQresultStatus(res);
	int rc = 0;

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		rc = pg_error(s, res, what);
	PQclear(res);
	return rc;
}

/* Runs a query with text parameters that returns one value, or none. */
static int
query_text(struct pg_store *s, const char *sql, int nparams,
    const char *const *params, char *out, size_t size, const char *what)
{
	PGresult *res =
	    PQexecParams(s->conn, sql, nparams, NULL, params, NULL, NULL, 0);
	int rc = 0;

	out[0] = '\0';
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		rc = pg_error(s, res, what);
	else if (PQntuples(res) > 0 && !PQgetisnull(res, 0, 0))
		snprintf(out, size, "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	return rc;
}

/* Libraries never print: the server's notices are dropped. */
static void
ignore_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

static int
is_ident(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || (c & 0x80);
}

/* The length of a dollar quote's opening tag at p ($$, $tag$), or 0. */
static size_t
dollar_tag(const char *p)
{
	size_t n = 1;

	if (p[1] >= '0' && p[1] <= '9')
		return 0; /* $1: a parameter */
	while (is_ident(p[n]) && p[n] != '$')
		n++;
	return p[n] == '$' ? n + 1 : 0;
}

/*
 * Rewrites ? placeholders to $1..$n, leaving alone what is inside string
 * literals (also E'' with backslashes and dollar quotes), quoted
 * identifiers and comments.
 */
static int
rewrite(char **out, int *nparams, const char *sql)
{
	struct kz_buf b = KZ_BUF_INIT((size_t)1 << 30);
	const char *p = sql;
	int n = 0;

	while (*p) {
		const char *start = p;

		if (*p == '\'' || *p == '"') {
			char q = *p;
			int esc = q == '\'' && p > sql &&
			    (p[-1] == 'E' || p[-1] == 'e') &&
			    (p - 1 == sql || !is_ident(p[-2]));

			for (p++; *p; p++) {
				if (esc && *p == '\\' && p[1]) {
					p++;
					continue;
				}
				if (*p == q) {
					if (p[1] != q)
						break;
					p++;
				}
			}
			if (*p)
				p++;
		} else if (p[0] == '-' && p[1] == '-') {
			p += strcspn(p, "\n");
		} else if (p[0] == '/' && p[1] == '*') {
			int depth = 0;

			/* PostgreSQL's block comments nest. */
			while (*p) {
				if (p[0] == '/' && p[1] == '*') {
					depth++;
					p += 2;
				} else if (p[0] == '*' && p[1] == '/') {
					p += 2;
					if (--depth == 0)
						break;
				} else {
					p++;
				}
			}
		} else if (*p == '$' && (p == sql || !is_ident(p[-1])) &&
		    dollar_tag(p)) {
			size_t tn = dollar_tag(p);
			const char *end = strchr(p + tn, '$');

			while (end && strncmp(end, start, tn) != 0)
				end = strchr(end + 1, '$');
			p = end ? end + tn : p + strlen(p);
		} else if (*p == '?') {
			kz_buf_addf(&b, "$%d", ++n);
			p++;
			continue;
		} else {
			p++;
		}
		kz_buf_add(&b, start, (size_t)(p - start));
	}
	if (b.err) {
		kz_buf_release(&b);
		return kz_error_set(KZ_ENOMEM, "out of memory");
	}
	*out = kz_buf_detach(&b, NULL);
	*nparams = n;
	return 0;
}

static void
clear_blobs(struct pg_stmt *e)
{
	for (int i = 0; i < e->nblobs; i++) {
		if (e->blobs[i])
			PQfreemem(e->blobs[i]);
		e->blobs[i] = NULL;
	}
}

/* Forgets the last result: the next step executes again. */
static void
reset_result(struct pg_stmt *e)
{
	clear_blobs(e);
	PQclear(e->res);
	e->res = NULL;
	e->row = e->nrows = 0;
}

static void
clear_bindings(struct pg_stmt *e)
{
	for (int i = 0; i < e->nparams; i++) {
		kz_free(e->values[i]);
		e->values[i] = NULL;
		e->lengths[i] = 0;
		e->formats[i] = 0;
	}
}

static void
stmt_free(struct pg_stmt *e)
{
	reset_result(e);
	clear_bindings(e);
	kz_free(e->values);
	kz_free(e->lengths);
	kz_free(e->formats);
	kz_free(e->blobs);
	kz_free(e->bloblen);
	kz_free(e->pgsql);
	kz_free(e->sql);
	kz_free(e);
}

/* Sets up a new or reset connection: encoding, timeouts, read-only. */
static int
session_setup(struct pg_store *s)
{
	char enc[64];
	int rc;

	PQsetNoticeProcessor(s->conn, ignore_notice, NULL);
	if (PQsetClientEncoding(s->conn, "UTF8") != 0)
		return pg_error(s, NULL, "database");
	if ((rc = query_text(s, "SHOW server_encoding", 0, NULL, enc,
		 sizeof(enc), "database")))
		return rc;
	if (strcmp(enc, "UTF8") != 0)
		return kz_error_set(KZ_EIO,
		    "database '%s' has the encoding '%s': kizuki needs "
		    "UTF8 (createdb -E UTF8)",
		    s->base.uri, enc);
	rc = run(s,
	    "SET client_min_messages = warning; "
	    "SET standard_conforming_strings = on; "
	    "SET bytea_output = hex",
	    "database");
	/* Waits end as SQLite's busy timeout does, unless the connection
	 * (options=-clock_timeout%3D...) or the role sets a limit. */
	if (!rc &&
	    !(rc = query_text(s, "SHOW lock_timeout", 0, NULL, enc, sizeof(enc),
		  "database")) &&
	    strcmp(enc, "0") == 0)
		rc =
		    run(s, "SET lock_timeout = '" LOCK_TIMEOUT "'", "database");
	if (!rc && s->readonly)
		rc = run(
		    s, "SET default_transaction_read_only = on", "database");
	return rc;
}

/*
 * A connection lost outside a transaction (the server restarted) is
 * made again before the next statement; inside one, the transaction is
 * gone and its statements fail until the caller rolls back.
 */
static int
check_conn(struct pg_store *s)
{
	if (PQstatus(s->conn) == CONNECTION_OK)
		return 0;
	if (s->base.tx_depth > 0)
		return kz_error_set(KZ_EIO,
		    "database '%s': the connection was lost in a transaction",
		    s->base.uri);
	PQreset(s->conn);
	if (PQstatus(s->conn) != CONNECTION_OK)
		return pg_error(s, NULL, "database");
	s->gen++;
	return session_setup(s);
}

static int
pg_exec(struct kz_store *base, const char *sql)
{
	struct pg_store *s = (struct pg_store *)base;
	int rc;

	if ((rc = check_conn(s)))
		return rc;
	return run(s, sql, "database");
}

static int
pg_begin(struct kz_store *base)
{
	struct pg_store *s = (struct pg_store *)base;
	int rc;

	if ((rc = check_conn(s)))
		return rc;
	if (s->readonly)
		return run(s, "BEGIN", "database");
	/* One writer at a time, as SQLite's BEGIN IMMEDIATE: a transaction
	 * that reads then writes cannot lose another's update. */
	if ((rc = run(s, s->begin_sql, "database")))
		run(s, "ROLLBACK", "database");
	return rc;
}

static int
prepare_server(struct pg_store *s, struct pg_stmt *e)
{
	PGresult *res;
	int rc = 0;

	snprintf(e->name, sizeof(e->name), "kz%u", ++s->next_name);
	res = PQprepare(s->conn, e->name, e->pgsql, e->nparams, NULL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = pg_error(s, res, "preparing a statement");
	else
		e->gen = s->gen;
	PQclear(res);
	return rc;
}

static int
pg_prepare(struct kz_stmt **out, struct kz_store *base, const char *sql)
{
	struct pg_store *s = (struct pg_store *)base;
	struct pg_stmt *e;
	size_t i;
	int rc, n = 0;

	for (i = 0; i < s->ncache; i++)
		if (s->cache[i]->key == sql &&
		    strcmp(s->cache[i]->sql, sql) == 0)
			goto found;
	for (i = 0; i < s->ncache; i++)
		if (strcmp(s->cache[i]->sql, sql) == 0)
			goto found;
	if (s->ncache == s->acache) {
		size_t na = s->acache ? s->acache * 2 : 32;
		struct pg_stmt **c = kz_realloc(s->cache, na * sizeof(*c));

		if (!c)
			return kz_error_set(KZ_ENOMEM, "out of memory");
		s->cache = c;
		s->acache = na;
	}
	if ((rc = check_conn(s)))
		return rc;
	e = kz_calloc(1, sizeof(*e));
	if (!e)
		return kz_error_set(KZ_ENOMEM, "out of memory");
	e->base.st = base;
	e->key = sql;
	if (!(e->sql = kz_strdup(sql)) || (rc = rewrite(&e->pgsql, &n, sql))) {
		stmt_free(e);
		return kz_error_set(KZ_ENOMEM, "out of memory");
	}
	e->nparams = n;
	if (n &&
	    (!(e->values = kz_calloc((size_t)n, sizeof(*e->values))) ||
		!(e->lengths = kz_calloc((size_t)n, sizeof(int))) ||
		!(e->formats = kz_calloc((size_t)n, sizeof(int))))) {
		stmt_free(e);
		return kz_error_set(KZ_ENOMEM, "out of memory");
	}
	if ((rc = prepare_server(s, e))) {
		stmt_free(e);
		return rc;
	}
	s->cache[s->ncache++] = e;
	*out = &e->base;
	return 0;
found:
	e = s->cache[i];
	reset_result(e);
	clear_bindings(e);
	*out = &e->base;
	return 0;
}

/* Keeps a copy of a parameter's bytes; format 1 is binary (bytea). */
static int
bind_value(struct pg_stmt *e, int idx, const void *v, size_t n, int format)
{
	char *copy;

	if (idx < 1 || idx > e->nparams)
		return kz_error_set(KZ_EIO,
		    "binding a value: parameter %d out of range (the "
		    "statement has %d)",
		    idx, e->nparams);
	if (n > 0x3fffffff)
		return kz_error_set(
		    KZ_EINVAL, "binding a value: %zu bytes is too large", n);
	reset_result(e);
	copy = kz_malloc(n + 1);
	if (!copy)
		return kz_error_set(KZ_ENOMEM, "out of memory");
	if (n)
		memcpy(copy, v, n);
	copy[n] = '\0';
	kz_free(e->values[idx - 1]);
	e->values[idx - 1] = copy;
	e->lengths[idx - 1] = (int)n;
	e->formats[idx - 1] = format;
	return 0;
}

static int
pg_bind_text(struct kz_stmt *st, int idx, const char *v, size_t n)
{
	/* Text goes as text: PostgreSQL refuses a NUL byte in it. */
	if (memchr(v, '\0', n))
		return kz_error_set(KZ_EINVAL,
		    "binding a value: text with a NUL byte cannot be stored");
	return bind_value((struct pg_stmt *)st, idx, v, n, 0);
}

static int
pg_bind_int(struct kz_stmt *st, int idx, int64_t v)
{
	char num[24];
	int n = snprintf(num, sizeof(num), "%lld", (long long)v);

	return bind_value((struct pg_stmt *)st, idx, num, (size_t)n, 0);
}

static int
pg_bind_blob(struct kz_stmt *st, int idx, const void *v, size_t n)
{
	return bind_value((struct pg_stmt *)st, idx, v, n, 1);
}

static int
pg_bind_null(struct kz_stmt *st, int idx)
{
	struct pg_stmt *e = (struct pg_stmt *)st;

	if (idx < 1 || idx > e->nparams)
		return kz_error_set(KZ_EIO,
		    "binding a value: parameter %d out of range (the "
		    "statement has %d)",
		    idx, e->nparams);
	reset_result(e);
	kz_free(e->values[idx - 1]);
	e->values[idx - 1] = NULL;
	e->lengths[idx - 1] = 0;
	e->formats[idx - 1] = 0;
	return 0;
}

/* Whether a command tag names a write whose rows count as changes. */
static int
counts_changes(const char *tag)
{
	return strncmp(tag, "INSERT ", 7) == 0 ||
	    strncmp(tag, "UPDATE ", 7) == 0 ||
	    strncmp(tag, "DELETE ", 7) == 0 || strncmp(tag, "MERGE ", 6) == 0;
}

/* Room to keep the decoded bytea of every column of a row. */
static int
grow_blobs(struct pg_stmt *e, int nf)
{
	unsigned char **b = kz_realloc(e->blobs, (size_t)nf * sizeof(*b));
	size_t *l;

	if (!b)
		return kz_error_set(KZ_ENOMEM, "out of memory");
	e->blobs = b;
	l = kz_realloc(e->bloblen, (size_t)nf * sizeof(*l));
	if (!l)
		return kz_error_set(KZ_ENOMEM, "out of memory");
	e->bloblen = l;
	for (int i = e->nblobs; i < nf; i++) {
		e->blobs[i] = NULL;
		e->bloblen[i] = 0;
	}
	e->nblobs = nf;
	return 0;
}

static int
execute(struct pg_store *s, struct pg_stmt *e)
{
	PGresult *res;
	int st, rc;

	if ((rc = check_conn(s)))
		return rc;
	if (e->gen != s->gen && (rc = prepare_server(s, e)))
		return rc;
	res = PQexecPrepared(s->conn, e->name, e->nparams,
	    (const char *const *)e->values, e->lengths, e->formats, 0);
	st = PQresultStatus(res);
	if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
		rc = pg_error(s, res, "database");
		PQclear(res);
		return rc;
	}
	if (counts_changes(PQcmdStatus(res)))
		s->changes = strtoll(PQcmdTuples(res), NULL, 10);
	e->res = res;
	e->nrows = PQntuples(res);
	e->row = -1;
	if (e->nblobs < PQnfields(res) &&
	    (rc = grow_blobs(e, PQnfields(res)))) {
		reset_result(e);
		return rc;
	}
	return 0;
}

static int
pg_step(struct kz_stmt *st)
{
	struct pg_stmt *e = (struct pg_stmt *)st;
	struct pg_store *s = (struct pg_store *)st->st;
	int rc;

	if (!e->res && (rc = execute(s, e)))
		return rc;
	clear_blobs(e);
	if (++e->row < e->nrows)
		return KZ_ROW;
	/* As SQLite after SQLITE_DONE: the next step runs it again. */
	reset_result(e);
	return KZ_DONE;
}

/* The current row's value of col, or NULL when none or SQL NULL. */
static const char *
value(struct pg_stmt *e, int col)
{
	if (!e->res || e->row < 0 || e->row >= e->nrows || col < 0 ||
	    col >= PQnfields(e->res) || PQgetisnull(e->res, e->row, col))
		return NULL;
	return PQgetvalue(e->res, e->row, col);
}

static const char *
pg_col_text(struct kz_stmt *st, int col)
{
	return value((struct pg_stmt *)st, col);
}

static int64_t
pg_col_int(struct kz_stmt *st, int col)
{
	struct pg_stmt *e = (struct pg_stmt *)st;
	const char *v = value(e, col);
	char *end;
	long long n;

	if (!v)
		return 0;
	if (PQftype(e->res, col) == BOOL_OID)
		return v[0] == 't';
	/* Out of range clamps, as SQLite's text to integer does. */
	n = strtoll(v, &end, 10);
	if (*end == '.' || *end == 'e' || *end == 'E') {
		double d = strtod(v, NULL);

		/* Like SQLite's conversion of a real: truncated, clamped. */
		if (d >= 9223372036854775807.0)
			return INT64_MAX;
		if (d <= -9223372036854775808.0)
			return INT64_MIN;
		return (int64_t)d;
	}
	return n;
}

static const void *
pg_col_blob(struct kz_stmt *st, int col, size_t *len)
{
	struct pg_stmt *e = (struct pg_stmt *)st;
	const char *v = value(e, col);

	*len = 0;
	if (!v)
		return NULL;
	if (PQftype(e->res, col) != BYTEA_OID) {
		*len = (size_t)PQgetlength(e->res, e->row, col);
		return *len ? v : NULL;
	}
	if (!e->blobs[col]) {
		e->blobs[col] =
		    PQunescapeBytea((const unsigned char *)v, &e->bloblen[col]);
		if (!e->blobs[col]) {
			kz_error_set(KZ_ENOMEM, "out of memory");
			return NULL;
		}
	}
	*len = e->bloblen[col];
	/* As SQLite: an empty blob reads as NULL with length 0. */
	return *len ? e->blobs[col] : NULL;
}

static int
pg_col_isnull(struct kz_stmt *st, int col)
{
	return value((struct pg_stmt *)st, col) == NULL;
}

static int64_t
pg_changes(struct kz_store *base)
{
	return ((struct pg_store *)base)->changes;
}

static void
pg_close(struct kz_store *base)
{
	struct pg_store *s = (struct pg_store *)base;
	size_t i;

	for (i = 0; i < s->ncache; i++)
		stmt_free(s->cache[i]);
	kz_free(s->cache);
	PQfinish(s->conn);
	kz_free(base->uri);
	kz_free(s);
}

/* The schema version, or 0 when schema_migrations does not exist. */
static int
pg_schema_state(struct kz_store *base, int64_t *version, int *foreign)
{
	struct pg_store *s = (struct pg_store *)base;
	char v[32];
	int rc, tables;

	*version = 0;
	*foreign = 0;
	if ((rc = query_text(s,
		 "SELECT count(*) FROM pg_catalog.pg_tables "
		 "WHERE schemaname = current_schema()",
		 0, NULL, v, sizeof(v), "reading the schema version")))
		return rc;
	tables = atoi(v);
	if ((rc = query_text(s,
		 "SELECT count(*) FROM pg_catalog.pg_tables "
		 "WHERE schemaname = current_schema() AND "
		 "tablename = 'schema_migrations'",
		 0, NULL, v, sizeof(v), "reading the schema version")))
		return rc;
	if (atoi(v) == 0) {
		*foreign = tables > 0;
		return 0;
	}
	if ((rc = query_text(s, "SELECT max(version) FROM schema_migrations", 0,
		 NULL, v, sizeof(v), "reading the schema version")))
		return rc;
	*version = strtoll(v, NULL, 10);
	return 0;
}

/*
 * The URI or conninfo for messages: without a password, which a
 * postgresql://user:secret@host/ URI or a password=... key may carry.
 */
static char *
describe(const char *uri)
{
	struct kz_buf b = KZ_BUF_INIT(8192);
	const char *p = strstr(uri, "://");

	if (p && (strncmp(uri, "postgres", 8) == 0)) {
		const char *auth = p + 3;
		size_t alen = strcspn(auth, "/?");
		const char *at = NULL, *colon = NULL, *q;

		for (size_t i = 0; i < alen; i++)
			if (auth[i] == '@')
				at = auth + i;
		if (at)
			colon = memchr(auth, ':', (size_t)(at - auth));

		kz_buf_add(&b, uri, (size_t)(auth - uri));
		if (colon) {
			kz_buf_add(&b, auth, (size_t)(colon - auth));
			kz_buf_add(&b, at, alen - (size_t)(at - auth));
		} else {
			kz_buf_add(&b, auth, alen);
		}
		p = auth + alen;
		/* Query parameters, also password=, are dropped. */
		q = strchr(p, '?');
		kz_buf_add(&b, p, q ? (size_t)(q - p) : strlen(p));
	} else {
		/* key=value pairs: every one but password. */
		for (p = uri; *p;) {
			size_t n = strcspn(p, " \t");

			if (n && strncmp(p, "password", 8) != 0) {
				if (b.len)
					kz_buf_addc(&b, ' ');
				kz_buf_add(&b, p, n);
			}
			p += n;
			p += strspn(p, " \t");
		}
	}
	if (b.err) {
		kz_buf_release(&b);
		return NULL;
	}
	return kz_buf_detach(&b, NULL);
}

static int
pg_open(struct kz_store **out, const char *uri, unsigned flags)
{
	struct pg_store *s;
	char schema[256], line[512];
	uint32_t h = 2166136261u;
	int rc;

	s = kz_calloc(1, sizeof(*s));
	if (!s)
		return kz_error_set(KZ_ENOMEM, "out of memory");
	s->base.ops = &kz_store_pg_ops;
	s->base.dialect = KZ_DIALECT_POSTGRES;
	s->readonly = (flags & KZ_STORE_READONLY) != 0;
	s->gen = 1;
	if (!(s->base.uri = describe(uri))) {
		kz_free(s);
		return kz_error_set(KZ_ENOMEM, "out of memory");
	}
	s->conn = PQconnectdb(uri);
	if (!s->conn) {
		rc = kz_error_set(KZ_ENOMEM, "out of memory");
		goto fail;
	}
	if (PQstatus(s->conn) != CONNECTION_OK) {
		const char *msg = PQerrorMessage(s->conn);
		const char *why = strstr(msg, "FATAL:");

		/* The server's reason is more useful than libpq's preface. */
		first_line(why ? why + 6 + strspn(why + 6, " ") : msg, line,
		    sizeof(line));
		if (strstr(line, "does not exist") && strstr(line, "database"))
			rc = kz_error_set(KZ_ENOTFOUND,
			    "database '%s' does not exist (create it with "
			    "'createdb -E UTF8 NAME', then 'kizuki init')",
			    s->base.uri);
		else
			rc = kz_error_set(KZ_EIO,
			    "cannot connect to database '%s': %s", s->base.uri,
			    line);
		goto fail;
	}
	if ((rc = session_setup(s)))
		goto fail;
	/*
	 * Write transactions of every process on this schema take one
	 * advisory lock, keyed by the schema's name.
	 */
	if ((rc = query_text(s, "SELECT current_schema()", 0, NULL, schema,
		 sizeof(schema), "database")))
		goto fail;
	if (!schema[0]) {
		rc = kz_error_set(KZ_EIO,
		    "database '%s' has no schema to write in (check "
		    "search_path)",
		    s->base.uri);
		goto fail;
	}
	for (const char *c = schema; *c; c++)
		h = (h ^ (unsigned char)*c) * 16777619u;
	snprintf(s->begin_sql, sizeof(s->begin_sql),
	    "BEGIN; SELECT pg_advisory_xact_lock(%d, %d)", LOCK_CLASS,
	    (int)(h & 0x7fffffff));
	if ((rc = kz_store_migrate(&s->base, kz_migrations_postgres,
		 kz_migrations_postgres_count, flags)))
		goto fail;
	*out = &s->base;
	return 0;
fail:
	pg_close(&s->base);
	return rc;
}

const struct kz_store_ops kz_store_pg_ops = {
	.name = "postgres",
	.open = pg_open,
	.close = pg_close,
	.begin = pg_begin,
	.exec = pg_exec,
	.prepare = pg_prepare,
	.bind_text = pg_bind_text,
	.bind_int = pg_bind_int,
	.bind_blob = pg_bind_blob,
	.bind_null = pg_bind_null,
	.step = pg_step,
	.col_text = pg_col_text,
	.col_int = pg_col_int,
	.col_blob = pg_col_blob,
	.col_isnull = pg_col_isnull,
	.changes = pg_changes,
	.schema_state = pg_schema_state,
};
