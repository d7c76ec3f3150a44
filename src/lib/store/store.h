/* SPDX-License-Identifier: MIT */
/*
 * The store: one interface over the database backends, SQLite and
 * PostgreSQL. Callers write portable SQL with ? placeholders and use these
 * calls only; each backend translates placeholders, applies its own
 * numbered migrations, and callers pick the few dialect fragments
 * (full-text match, scalar min/max, substring position, case-insensitive
 * LIKE) by kz_store_dialect().
 */
#ifndef KZ_STORE_H
#define KZ_STORE_H

#include <stddef.h>
#include <stdint.h>

struct kz_store;
struct kz_stmt;

enum kz_store_dialect {
	KZ_DIALECT_SQLITE,
	KZ_DIALECT_POSTGRES,
};

enum kz_store_flags {
	KZ_STORE_READONLY = 1 << 0, /* never create nor migrate */
	KZ_STORE_NOCREATE = 1 << 1, /* fail if the database does not exist */
};

/* kz_stmt_step() results. */
#define KZ_ROW  1
#define KZ_DONE 0

/*
 * Opens the database at uri: a file path (SQLite), or a PostgreSQL URI
 * (postgresql://user@host/dbname, postgres://...) or libpq conninfo
 * ("host=... dbname=..."). PostgreSQL's database must exist (UTF8); the
 * tables go into its current schema. Applies pending migrations in one
 * transaction. Errors: KZ_EIO (cannot open, connect or write, corrupt
 * file), KZ_EVERSION (written by a newer kizuki), KZ_ENOTFOUND (NOCREATE
 * and missing; a PostgreSQL database that does not exist). Caller owns
 * *out; close with kz_store_close().
 */
int kz_store_open(struct kz_store **out, const char *uri, unsigned flags);
void kz_store_close(struct kz_store *st);

enum kz_store_dialect kz_store_dialect(const struct kz_store *st);

/* The schema version the database is at, and the one this build knows. */
int kz_store_schema_version(const struct kz_store *st);
int kz_store_schema_latest(void);

/* A description for messages: the file path or the connection target
 * (without a password or URI parameters). */
const char *kz_store_uri(const struct kz_store *st);

/*
 * Transactions. kz_store_begin() starts a write transaction, or inside
 * one a savepoint; kz_store_commit() ends the innermost level (the
 * outermost commits). kz_store_rollback() undoes the innermost level
 * only: an operation that fails inside a caller's transaction (one mail
 * of a batch) leaves what the others wrote. Every operation that writes
 * runs between one begin and one commit or rollback, and passes its error
 * up, so a caller that cannot go on rolls back its own level. Write
 * transactions run one at a time on both backends (PostgreSQL: an
 * advisory lock taken at the outermost begin); a wait longer than 30 s
 * is KZ_EBUSY.
 */
int kz_store_begin(struct kz_store *st);
int kz_store_commit(struct kz_store *st);
void kz_store_rollback(struct kz_store *st);

/*
 * Prepares sql (portable, ? placeholders, numbered from 1). Statements are
 * cached per store by their text: *out is borrowed, reset and unbound,
 * valid until the store is closed. Do not use one SQL text in two nested
 * loops at once.
 */
int kz_store_prepare(
    struct kz_stmt **out, struct kz_store *st, const char *sql);

/* Runs SQL without results (DDL, PRAGMA); no parameters. */
int kz_store_exec(struct kz_store *st, const char *sql);

int kz_stmt_bind_text(struct kz_stmt *s, int idx, const char *v);
int kz_stmt_bind_textn(struct kz_stmt *s, int idx, const char *v, size_t n);
int kz_stmt_bind_int(struct kz_stmt *s, int idx, int64_t v);
int kz_stmt_bind_blob(struct kz_stmt *s, int idx, const void *v, size_t n);
int kz_stmt_bind_null(struct kz_stmt *s, int idx);

/* KZ_ROW, KZ_DONE, or a negative error with the database's message.
 * PostgreSQL runs the statement and reads all its rows at the first step;
 * SQLite one row a step. */
int kz_stmt_step(struct kz_stmt *s);

/* Steps a statement that returns nothing: 0 or a negative error. */
int kz_stmt_exec(struct kz_stmt *s);

/* Column values of the current row (0-based). Borrowed until next step. */
const char *kz_stmt_text(struct kz_stmt *s, int col);
int64_t kz_stmt_int(struct kz_stmt *s, int col);
const void *kz_stmt_blob(struct kz_stmt *s, int col, size_t *len);
int kz_stmt_isnull(struct kz_stmt *s, int col);

/* Rows changed by the last write statement, and the last inserted rowid. */
int64_t kz_store_changes(struct kz_store *st);

#endif
