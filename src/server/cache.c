/* SPDX-License-Identifier: MIT */
/*
 * The answer cache of cache.h: a small table per worker thread, so no
 * locks; entries are whole JSON bodies with their ETag, dropped all at
 * once when the database changes.
 */
#include "cache.h"

#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "routes.h"
#include "server.h"

#define SLOTS     64
#define MAX_ENTRY (64u << 10)
#define MAX_KEY   4096

struct entry {
	uint64_t hash;
	char *key;
	char *body;
	size_t len;
	char etag[40];
};

struct cache {
	int64_t data_version;
	int valid;
	struct entry e[SLOTS];
};

static _Thread_local struct cache *tc;
static pthread_key_t cache_key;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;

static void
free_cache(void *p)
{
	struct cache *c = p;

	for (int i = 0; i < SLOTS; i++) {
		kz_free(c->e[i].key);
		kz_free(c->e[i].body);
	}
	kz_free(c);
}

static void
make_key(void)
{
	if (pthread_key_create(&cache_key, free_cache) != 0)
		cache_key = 0;
}

void
kz_cache_flush(void)
{
	if (!tc)
		return;
	for (int i = 0; i < SLOTS; i++) {
		kz_free(tc->e[i].key);
		kz_free(tc->e[i].body);
		memset(&tc->e[i], 0, sizeof(tc->e[i]));
	}
}

static enum MHD_Result
add_arg(void *cls, enum MHD_ValueKind kind, const char *k, const char *v)
{
	struct kz_buf *b = cls;

	(void)kind;
	kz_buf_addf(b, "&%s=%s", k, v ? v : "");
	return MHD_YES;
}

static uint64_t
fnv1a(const char *s, size_t n)
{
	uint64_t h = 14695981039346656037ull;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return h;
}

/* Whether the database is as it was when the cache was filled. */
static int
unchanged(struct kz_req *r)
{
	struct kz_stmt *s;
	int64_t v;

	/*
	 * SQLite counts commits by other connections. PostgreSQL's snapshot
	 * (next transaction id, those in progress) is the same for the same
	 * committed data, and changes with any commit of any process.
	 */
	if (kz_store_dialect(r->st) == KZ_DIALECT_SQLITE) {
		if (kz_store_prepare(&s, r->st, "PRAGMA data_version") ||
		    kz_stmt_step(s) != KZ_ROW)
			return 0;
		v = kz_stmt_int(s, 0);
	} else {
		const char *snap;

		if (kz_store_prepare(&s, r->st,
			"SELECT CAST(pg_current_snapshot() AS TEXT)") ||
		    kz_stmt_step(s) != KZ_ROW)
			return 0;
		snap = kz_stmt_text(s, 0);
		v = snap ? (int64_t)fnv1a(snap, strlen(snap)) : 0;
	}
	kz_stmt_step(s);
	if (tc->valid && v == tc->data_version)
		return 1;
	kz_cache_flush();
	tc->data_version = v;
	tc->valid = 1;
	return 0;
}

int
kz_cache_lookup(struct kz_req *r)
{
	struct kz_buf key = KZ_BUF_INIT(MAX_KEY);
	struct entry *e;
	uint64_t h;

	if (!r->srv->cfg.cache || !(r->route->flags & KZ_RT_CACHE) ||
	    strcmp(r->method, "GET") != 0)
		return 0;
	if (!tc) {
		pthread_once(&cache_once, make_key);
		if (!(tc = kz_calloc(1, sizeof(*tc))))
			return 0;
		/* Freed when the worker thread ends. */
		pthread_setspecific(cache_key, tc);
	}
	kz_buf_addf(&key, "%lld\n%d\n%s?", (long long)r->who.user_id,
	    (int)r->lang, r->path);
	MHD_get_connection_values(
	    r->conn, MHD_GET_ARGUMENT_KIND, add_arg, &key);
	if (key.err) {
		kz_buf_release(&key);
		return 0;
	}
	h = fnv1a(key.ptr, key.len);
	e = &tc->e[h % SLOTS];
	if (unchanged(r) && e->key && e->hash == h &&
	    strcmp(e->key, key.ptr) == 0) {
		kz_buf_release(&key);
		kz_http_json_body(r, e->body, e->len, e->etag);
		return 1;
	}
	r->cache_key = kz_req_strdup(r, key.ptr);
	r->cache_hash = h;
	kz_buf_release(&key);
	return 0;
}

void
kz_cache_store(struct kz_req *r, const char *body, size_t len, const char *etag)
{
	struct entry *e;
	char *k, *b;

	if (!r->cache_key || !tc || len > MAX_ENTRY)
		return;
	k = kz_strdup(r->cache_key);
	b = kz_malloc(len);
	if (!k || !b) {
		kz_free(k);
		kz_free(b);
		return;
	}
	memcpy(b, body, len);
	e = &tc->e[r->cache_hash % SLOTS];
	kz_free(e->key);
	kz_free(e->body);
	e->hash = r->cache_hash;
	e->key = k;
	e->body = b;
	e->len = len;
	snprintf(e->etag, sizeof(e->etag), "%s", etag);
	r->cache_key = NULL;
}
