/* SPDX-License-Identifier: MIT */
/* The backend interface behind store.h: one table of functions each. */
#ifndef KZ_STORE_INT_H
#define KZ_STORE_INT_H

#include "store.h"

struct kz_store_ops {
	const char *name;
	int (*open)(struct kz_store **out, const char *uri, unsigned flags);
	void (*close)(struct kz_store *st);
	int (*begin)(struct kz_store *st); /* the outermost level */
	int (*exec)(struct kz_store *st, const char *sql);
	int (*prepare)(
	    struct kz_stmt **out, struct kz_store *st, const char *sql);
	int (*bind_text)(struct kz_stmt *s, int idx, const char *v, size_t n);
	int (*bind_int)(struct kz_stmt *s, int idx, int64_t v);
	int (*bind_blob)(struct kz_stmt *s, int idx, const void *v, size_t n);
	int (*bind_null)(struct kz_stmt *s, int idx);
	int (*step)(struct kz_stmt *s);
	const char *(*col_text)(struct kz_stmt *s, int col);
	int64_t (*col_int)(struct kz_stmt *s, int col);
	const void *(*col_blob)(struct kz_stmt *s, int col, size_t *len);
	int (*col_isnull)(struct kz_stmt *s, int col);
	int64_t (*changes)(struct kz_store *st);
	/*
	 * Where the database stands: the highest migration applied (0 when
	 * there is no schema_migrations table) and whether it holds tables
	 * without that table (someone else's database).
	 */
	int (*schema_state)(
	    struct kz_store *st, int64_t *version, int *foreign);
};

/* Every backend's store starts with this header. */
struct kz_store {
	const struct kz_store_ops *ops;
	enum kz_store_dialect dialect;
	int schema_version;
	int tx_depth;
	char *uri;
};

/* Every backend's statement starts with this header. */
struct kz_stmt {
	struct kz_store *st;
};

extern const struct kz_store_ops kz_store_sqlite_ops;
extern const struct kz_store_ops kz_store_pg_ops;

/* The migrations compiled in for a backend, in order from version 1. */
struct kz_migration {
	int version;
	const char *name;
	const char *sql;
};
extern const struct kz_migration kz_migrations_sqlite[];
extern const int kz_migrations_sqlite_count;
extern const struct kz_migration kz_migrations_postgres[];
extern const int kz_migrations_postgres_count;

/*
 * Brings st's schema to the last of the count migrations m, for every
 * backend alike: refuses a newer schema, someone else's database and, with
 * KZ_STORE_READONLY, one that needs migrating; otherwise takes the
 * writers' lock (ops->begin), looks again, applies and records what is
 * missing and commits. Sets st->schema_version. 0 or a KZ_E* code.
 */
int kz_store_migrate(struct kz_store *st, const struct kz_migration *m,
    int count, unsigned flags);

#endif
