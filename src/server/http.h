/* SPDX-License-Identifier: MIT */
/*
 * The HTTP layer over libmicrohttpd: one struct kz_req per request, with
 * its body (accumulated under a hard cap), an arena freed in one place
 * when the request completes, the principal once authenticated and the
 * worker thread's own store. Handlers answer with the response helpers,
 * which put the security headers on every response.
 */
#ifndef KZ_HTTP_H
#define KZ_HTTP_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/i18n.h"
#include "model/access.h"
#include "model/user.h"
#include "store/store.h"

struct MHD_Connection;
struct kz_server;
struct kz_route;

#define KZ_HTTP_MAX_PARAMS  4
#define KZ_HTTP_MAX_HEADERS 8

struct kz_arena_block;
struct kz_form;

struct kz_req {
	struct MHD_Connection *conn;
	struct kz_server *srv;
	const char *method;
	const char *path;
	const struct kz_route *route;
	const char *params[KZ_HTTP_MAX_PARAMS]; /* {name} values, in order */
	int nparams;
	struct kz_buf body;
	int too_large;
	struct kz_arena_block *arena;
	enum kz_lang lang;
	struct kz_store *st; /* the worker thread's; not owned */

	/* Set by authentication. */
	struct kz_user *user; /* NULL when anonymous */
	struct kz_principal who;
	int via_cookie;
	char session[KZ_SESSION_TEXT_LEN + 1];
	char csrf[KZ_CSRF_TEXT_LEN + 1];

	/* The parsed form of a page's POST (ui_form.c); NULL until asked. */
	struct kz_form *form;

	/* Pending extra headers (Set-Cookie ...), arena strings. */
	const char *hname[KZ_HTTP_MAX_HEADERS];
	const char *hvalue[KZ_HTTP_MAX_HEADERS];
	int nheaders;

	/* For the access log and metrics. */
	unsigned status;
	size_t bytes;
	int64_t start_ns;
	int responded;

	/* A handler that waits (writer.h) sets these; the continuation runs
	 * when MHD resumes the request. */
	int (*resume)(struct kz_req *r);
	int suspended;
	void *deferred; /* the handler's state while it waits */
	void (*cleanup)(struct kz_req *r); /* run when the request ends */

	/* Set when the answer is to be cached (cache.h). */
	const char *cache_key;
	unsigned long long cache_hash;
};

/* Memory for the request, freed when it completes. NULL on no memory. */
void *kz_req_alloc(struct kz_req *r, size_t n);
char *kz_req_strdup(struct kz_req *r, const char *s);

/*
 * Frees every block of r's arena, making all its memory invalid; the
 * server calls it when the request completes. A struct kz_req built
 * without a server (tests, fuzzers) is freed with it too.
 */
void kz_req_arena_release(struct kz_req *r);

/* A query parameter, request header or cookie; NULL when absent. */
const char *kz_req_query(struct kz_req *r, const char *name);
const char *kz_req_header(struct kz_req *r, const char *name);
const char *kz_req_cookie(struct kz_req *r, const char *name);

/* The client's address as text (arena). */
const char *kz_req_addr(struct kz_req *r);

/* Whether the request's Content-Type is type (parameters ignored). */
int kz_req_content_type_is(struct kz_req *r, const char *type);

/* The same test on a Content-Type value (NULL: none). */
int kz_content_type_is(const char *ct, const char *type);

/*
 * Parses the body as a JSON object: answers 415 (not application/json),
 * 400 (malformed, invalid UTF-8, not an object) and returns -1; else 0
 * with a new reference in *out.
 */
int kz_req_json(struct kz_req *r, json_t **out);

/*
 * Checks that obj has only the keys in allowed (NULL-terminated); answers
 * 400 naming the first other key and returns -1.
 */
int kz_req_json_keys(struct kz_req *r, json_t *obj, const char *const *allowed);

/* Adds a header to the coming response (copied into the arena). */
void kz_http_header(struct kz_req *r, const char *name, const char *value);

/*
 * Responses. Each queues the response and returns 0 (or -1 when MHD
 * refused it). kz_http_json steals v; a 200 GET answer gets an ETag from
 * its bytes and becomes 304 when If-None-Match has it. <, > and & in JSON
 * strings are written as \u003c, \u003e and \u0026, so a document is
 * safe even where a careless page embeds it.
 */
int kz_http_send(struct kz_req *r, unsigned status, const char *type,
    const void *body, size_t len);
int kz_http_json(struct kz_req *r, unsigned status, json_t *v);

/*
 * Answers 200 with a finished JSON body (escaped as kz_http_json does):
 * ETag (computed when etag is NULL), 304 for If-None-Match.
 */
int kz_http_json_body(
    struct kz_req *r, const char *body, size_t len, const char *etag);
int kz_http_html(struct kz_req *r, unsigned status, const char *html);
int kz_http_text(struct kz_req *r, unsigned status, const char *text);
int kz_http_no_content(struct kz_req *r);

/*
 * The one error object: {"error":{"code":"...","message":"..."}}, the
 * message the thread's last error translated for the request's language.
 * kz_http_fail maps the error code to the status and code name;
 * kz_http_fail_as sets them.
 */
int kz_http_fail(struct kz_req *r);
int kz_http_fail_as(struct kz_req *r, unsigned status, const char *code);

/* The HTTP status and error code name for a KZ_E* code. */
unsigned kz_http_status_of(int kzcode, const char **name);

#endif
