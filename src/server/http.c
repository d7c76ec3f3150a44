/* SPDX-License-Identifier: MIT */
/*
 * The libmicrohttpd side: accumulates request bodies under a cap, runs
 * authentication and the route's role check, calls the handler, and frees
 * everything a request held in one place (request_completed). Every
 * response leaves through send_response(), which adds the security
 * headers.
 */
#include "http.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth.h"
#include "cache.h"
#include "core/alloc.h"
#include "core/error.h"
#include "core/json.h"
#include "core/strutil.h"
#include "core/timeutil.h"
#include "routes.h"
#include "server.h"
#include "server_int.h"
#include "ui.h"

#define PATH_MAX_LEN 2048

struct kz_arena_block {
	struct kz_arena_block *next;
	size_t used, size;
	_Alignas(16) unsigned char data[];
};

void *
kz_req_alloc(struct kz_req *r, size_t n)
{
	struct kz_arena_block *b = r->arena;

	n = (n + 15) & ~(size_t)15;
	if (!b || b->size - b->used < n) {
		size_t size = n > 4000 ? n : 4000;

		b = kz_malloc(sizeof(*b) + size);
		if (!b)
			return NULL;
		b->size = size;
		b->used = 0;
		b->next = r->arena;
		r->arena = b;
	}
	b->used += n;
	return b->data + b->used - n;
}

void
kz_req_arena_release(struct kz_req *r)
{
	while (r->arena) {
		struct kz_arena_block *next = r->arena->next;

		kz_free(r->arena);
		r->arena = next;
	}
}

char *
kz_req_strdup(struct kz_req *r, const char *s)
{
	size_t n = strlen(s);
	char *p = kz_req_alloc(r, n + 1);

	if (p)
		memcpy(p, s, n + 1);
	return p;
}

const char *
kz_req_query(struct kz_req *r, const char *name)
{
	return MHD_lookup_connection_value(
	    r->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *
kz_req_header(struct kz_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *
kz_req_cookie(struct kz_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

const char *
kz_req_addr(struct kz_req *r)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
	    r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	char *out = kz_req_alloc(r, 64);

	if (!out)
		return "";
	out[0] = '\0';
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;

		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET,
			    &((const struct sockaddr_in *)sa)->sin_addr, out,
			    64);
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6,
			    &((const struct sockaddr_in6 *)sa)->sin6_addr, out,
			    64);
	}
	return out;
}

int
kz_content_type_is(const char *ct, const char *type)
{
	size_t n = strlen(type);

	if (!ct)
		return 0;
	while (*ct == ' ')
		ct++;
	return strncasecmp(ct, type, n) == 0 &&
	    (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

int
kz_req_content_type_is(struct kz_req *r, const char *type)
{
	return kz_content_type_is(kz_req_header(r, "Content-Type"), type);
}

int
kz_req_json(struct kz_req *r, json_t **out)
{
	json_error_t jerr;
	json_t *v;

	*out = NULL;
	if (!kz_req_content_type_is(r, "application/json")) {
		kz_error_set(
		    KZ_EINVAL, "send the request body as application/json");
		kz_http_fail_as(r, 415, "unsupported_media_type");
		return -1;
	}
	if (!kz_utf8_valid(r->body.ptr, r->body.len)) {
		kz_error_set(KZ_EINVAL, "the request body is not valid UTF-8");
		kz_http_fail_as(r, 400, "invalid_utf8");
		return -1;
	}
	v = json_loadb(r->body.ptr, r->body.len, JSON_REJECT_DUPLICATES, &jerr);
	if (!v) {
		kz_error_set(KZ_EINVAL,
		    "the request body is not valid JSON: %s (line %d, column "
		    "%d)",
		    jerr.text, jerr.line, jerr.column);
		kz_http_fail_as(r, 400, "malformed_json");
		return -1;
	}
	if (!json_is_object(v)) {
		json_decref(v);
		kz_error_set(
		    KZ_EINVAL, "the request body must be a JSON object");
		kz_http_fail_as(r, 400, "malformed_json");
		return -1;
	}
	*out = v;
	return 0;
}

int
kz_req_json_keys(struct kz_req *r, json_t *obj, const char *const *allowed)
{
	const char *k;
	json_t *v;

	json_object_foreach(obj, k, v)
	{
		int ok = 0;

		for (int i = 0; allowed[i]; i++)
			if (strcmp(allowed[i], k) == 0)
				ok = 1;
		if (!ok) {
			kz_error_set(KZ_EINVAL, "unknown field '%s'", k);
			kz_http_fail_as(r, 400, "invalid");
			return -1;
		}
	}
	return 0;
}

void
kz_http_header(struct kz_req *r, const char *name, const char *value)
{
	if (r->nheaders == KZ_HTTP_MAX_HEADERS)
		return;
	r->hname[r->nheaders] = kz_req_strdup(r, name);
	r->hvalue[r->nheaders] = kz_req_strdup(r, value);
	if (r->hname[r->nheaders] && r->hvalue[r->nheaders])
		r->nheaders++;
}

static void
security_headers(struct MHD_Response *resp)
{
	MHD_add_response_header(resp, "Content-Security-Policy",
	    "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
	    "form-action 'self'");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
}

static int
send_response(struct kz_req *r, unsigned status, const char *type,
    const void *body, size_t len, const char *etag)
{
	struct MHD_Response *resp;
	enum MHD_Result ok;

	if (r->responded)
		return -1;
	resp = MHD_create_response_from_buffer(
	    len, (void *)body, MHD_RESPMEM_MUST_COPY);
	if (!resp)
		return -1;
	security_headers(resp);
	if (type)
		MHD_add_response_header(resp, "Content-Type", type);
	if (etag) {
		MHD_add_response_header(resp, "ETag", etag);
		MHD_add_response_header(
		    resp, "Cache-Control", "private, no-cache");
		MHD_add_response_header(
		    resp, "Vary", "Cookie, Authorization, Accept-Language");
	} else {
		MHD_add_response_header(resp, "Cache-Control", "no-store");
	}
	if (r->srv->tls)
		MHD_add_response_header(
		    resp, "Strict-Transport-Security", "max-age=31536000");
	for (int i = 0; i < r->nheaders; i++)
		MHD_add_response_header(resp, r->hname[i], r->hvalue[i]);
	ok = MHD_queue_response(r->conn, status, resp);
	MHD_destroy_response(resp);
	r->responded = 1;
	r->status = status;
	r->bytes = len;
	return ok == MHD_YES ? 0 : -1;
}

int
kz_http_send(struct kz_req *r, unsigned status, const char *type,
    const void *body, size_t len)
{
	return send_response(r, status, type, body, len, NULL);
}

int
kz_http_html(struct kz_req *r, unsigned status, const char *html)
{
	return send_response(
	    r, status, "text/html; charset=utf-8", html, strlen(html), NULL);
}

int
kz_http_text(struct kz_req *r, unsigned status, const char *text)
{
	return send_response(
	    r, status, "text/plain; charset=utf-8", text, strlen(text), NULL);
}

int
kz_http_no_content(struct kz_req *r)
{
	return send_response(r, 204, NULL, "", 0, NULL);
}

/* Whether the If-None-Match list names etag (or is *). */
static int
etag_matches(const char *inm, const char *etag)
{
	size_t n = strlen(etag);

	if (!inm)
		return 0;
	while (*inm) {
		while (*inm == ' ' || *inm == ',')
			inm++;
		if (strncmp(inm, "W/", 2) == 0)
			inm += 2;
		if (*inm == '*')
			return 1;
		if (strncmp(inm, etag, n) == 0 &&
		    (inm[n] == '\0' || inm[n] == ',' || inm[n] == ' '))
			return 1;
		while (*inm && *inm != ',')
			inm++;
	}
	return 0;
}

int
kz_http_json(struct kz_req *r, unsigned status, json_t *v)
{
	struct kz_buf out = KZ_BUF_INIT(256u << 20);
	char *s;
	int rc;

	if (!v) {
		kz_error_set(KZ_ENOMEM, "out of memory");
		return kz_http_fail_as(r, 500, "internal");
	}
	s = kz_json_dump(v, 0);
	json_decref(v);
	if (!s) {
		kz_error_set(KZ_ENOMEM, "out of memory");
		return kz_http_fail_as(r, 500, "internal");
	}
	/* <, > and & occur only inside strings in JSON text: copy the runs
	 * between them whole. */
	kz_buf_grow(&out, strlen(s) + 64);
	for (const char *p = s;;) {
		size_t run = strcspn(p, "<>&");

		kz_buf_add(&out, p, run);
		p += run;
		if (!*p)
			break;
		kz_buf_adds(&out,
		    *p == '<'     ? "\\u003c" :
			*p == '>' ? "\\u003e" :
				    "\\u0026");
		p++;
	}
	kz_buf_addc(&out, '\n');
	free(s);
	if (out.err) {
		kz_buf_release(&out);
		kz_error_set(KZ_ENOMEM, "out of memory");
		return kz_http_fail_as(r, 500, "internal");
	}
	if (status == 200 &&
	    (strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0)) {
		rc = kz_http_json_body(r, out.ptr, out.len, NULL);
	} else {
		rc = send_response(
		    r, status, "application/json", out.ptr, out.len, NULL);
	}
	kz_buf_release(&out);
	return rc;
}

int
kz_http_json_body(
    struct kz_req *r, const char *body, size_t len, const char *etag)
{
	char tag[40];

	if (!etag) {
		unsigned char h[16];

		crypto_generichash(
		    h, sizeof(h), (const unsigned char *)body, len, NULL, 0);
		tag[0] = '"';
		sodium_bin2hex(tag + 1, 33, h, sizeof(h));
		strcat(tag, "\"");
		etag = tag;
		kz_cache_store(r, body, len, etag);
	}
	if (etag_matches(kz_req_header(r, "If-None-Match"), etag))
		return send_response(r, 304, NULL, "", 0, etag);
	return send_response(r, 200, "application/json", body, len, etag);
}

unsigned
kz_http_status_of(int kzcode, const char **name)
{
	switch (kzcode) {
	case KZ_EINVAL:
		*name = "invalid";
		return 400;
	case KZ_ENOTFOUND:
		*name = "not_found";
		return 404;
	case KZ_EEXISTS:
		*name = "exists";
		return 409;
	case KZ_ECONFLICT:
		*name = "conflict";
		return 409;
	case KZ_EPERM:
		*name = "forbidden";
		return 403;
	case KZ_ENOMEM:
		*name = "too_large";
		return 413;
	case KZ_EBUSY:
		*name = "busy";
		return 503;
	default:
		*name = "internal";
		return 500;
	}
}

int
kz_http_fail_as(struct kz_req *r, unsigned status, const char *code)
{
	const char *fmt = kz_error_format();
	const char *msg = kz_error_render(fmt ? kz_tr(r->lang, fmt) : NULL);
	json_t *o;

	if (r->route && (r->route->flags & KZ_RT_PAGE))
		return ui_fail_page(r, status, code);
	if (status >= 500) {
		/* Details of internal failures go to the log, not the client.
		 */
		fprintf(stderr, "kizuki serve: %s %s: %s\n", r->method, r->path,
		    kz_error_message());
		if (kz_error_code() != KZ_EBUSY) {
			kz_error_set(
			    KZ_EIO, "internal error: see the server log");
			msg =
			    kz_error_render(kz_tr(r->lang, kz_error_format()));
		}
	}
	o = json_pack("{s:{s:s, s:s}}", "error", "code", code, "message",
	    msg && *msg ? msg : code);
	if (status == 503)
		kz_http_header(r, "Retry-After", "1");
	return kz_http_json(r, status, o);
}

int
kz_http_fail(struct kz_req *r)
{
	const char *name;
	unsigned status = kz_http_status_of(kz_error_code(), &name);

	return kz_http_fail_as(r, status, name);
}

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Rejects paths no route can want: too long, not UTF-8, control bytes,
 * dot segments. */
static int
path_ok(const char *p)
{
	size_t n = strlen(p);

	if (n == 0 || n > PATH_MAX_LEN || p[0] != '/' || !kz_utf8_valid(p, n))
		return 0;
	for (size_t i = 0; i < n; i++) {
		if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f || p[i] == '\\')
			return 0;
		if (p[i] == '/' && p[i + 1] == '.' &&
		    (p[i + 2] == '/' || p[i + 2] == '\0' ||
			(p[i + 2] == '.' &&
			    (p[i + 3] == '/' || p[i + 3] == '\0'))))
			return 0;
	}
	return 1;
}

static enum MHD_Result
check_arg(
    void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	int *bad = cls;

	(void)kind;
	if (!kz_utf8_valid(key, strlen(key)) ||
	    (value && !kz_utf8_valid(value, strlen(value)))) {
		*bad = 1;
		return MHD_NO;
	}
	return MHD_YES;
}

static void
dispatch(struct kz_req *r)
{
	const struct kz_route *rt;
	int known = 0, bad = 0;

	if (!path_ok(r->path)) {
		kz_error_set(KZ_EINVAL, "invalid request path");
		kz_http_fail_as(r, 400, "invalid");
		return;
	}
	MHD_get_connection_values(
	    r->conn, MHD_GET_ARGUMENT_KIND, check_arg, &bad);
	if (bad) {
		kz_error_set(KZ_EINVAL, "a query parameter is not valid UTF-8");
		kz_http_fail_as(r, 400, "invalid_utf8");
		return;
	}
	rt = kz_route_match(r, r->method, r->path, &known);
	if (!rt) {
		if (known) {
			char allow[128];

			kz_route_allow(allow, sizeof(allow), r->path);
			kz_http_header(r, "Allow", allow);
			kz_error_set(KZ_EINVAL, "method %s is not allowed here",
			    r->method);
			kz_http_fail_as(r, 405, "method_not_allowed");
			return;
		}
		kz_error_set(KZ_ENOTFOUND, "no such page '%s'", r->path);
		kz_http_fail_as(r, 404, "not_found");
		return;
	}
	r->route = rt;
	if (r->too_large) {
		/* the cap of this route: max_body, or the upload limit */
		kz_error_set(KZ_ENOMEM,
		    "the request body is larger than %zu bytes", r->body.cap);
		kz_http_fail_as(r, 413, "too_large");
		return;
	}
	if (!(r->st = kz_server_store(r->srv))) {
		kz_http_fail_as(r, 503, "busy");
		return;
	}
	if (kz_auth_request(r) != 0)
		return; /* answered */
	if (kz_cache_lookup(r))
		return; /* answered from the cache */
	rt->fn(r);
	/* This thread's connection wrote: its cached answers may be old. */
	if (strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0)
		kz_cache_flush();
	if (!r->responded && !r->suspended) {
		kz_error_set(KZ_EIO, "internal error: see the server log");
		kz_http_fail_as(r, 500, "internal");
	}
}

enum MHD_Result
kz_http_on_request(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct kz_server *srv = cls;
	struct kz_req *r = *con_cls;

	(void)version;
	if (!r) {
		const struct kz_route *rt;
		const char *cl;
		size_t cap = srv->cfg.max_body;
		int known;

		r = kz_calloc(1, sizeof(*r));
		if (!r)
			return MHD_NO;
		r->conn = conn;
		r->srv = srv;
		r->method = method;
		r->path = url;
		r->start_ns = now_ns();
		rt = kz_route_match(r, method, url, &known);
		if (rt && (rt->flags & KZ_RT_UPLOAD) && cap < KZ_UPLOAD_MAX)
			cap = KZ_UPLOAD_MAX;
		kz_buf_init(&r->body, cap);
		r->lang =
		    kz_lang_from_accept(MHD_lookup_connection_value(conn,
					    MHD_HEADER_KIND, "Accept-Language"),
			srv->cfg.lang);
		atomic_fetch_add(&srv->m.in_flight, 1);
		*con_cls = r;
		cl = MHD_lookup_connection_value(
		    conn, MHD_HEADER_KIND, "Content-Length");
		if (cl && strtoull(cl, NULL, 10) > cap) {
			/* Refuse before reading it; MHD closes the connection.
			 */
			r->too_large = 1;
			atomic_fetch_add(&srv->m.body_too_large, 1);
			kz_error_set(KZ_ENOMEM,
			    "the request body is larger than %zu bytes", cap);
			kz_http_fail_as(r, 413, "too_large");
		}
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (!r->too_large) {
			kz_buf_add(&r->body, upload_data, *upload_data_size);
			if (r->body.err) {
				r->too_large = 1;
				atomic_fetch_add(&srv->m.body_too_large, 1);
				kz_buf_release(&r->body);
			}
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (r->resume) {
		/* Resumed after a deferred write (writer.c). */
		int (*cont)(struct kz_req *) = r->resume;

		r->resume = NULL;
		r->suspended = 0;
		cont(r);
		if (!r->responded) {
			kz_error_set(
			    KZ_EIO, "internal error: see the server log");
			kz_http_fail_as(r, 500, "internal");
		}
	} else if (!r->responded && !r->suspended) {
		dispatch(r);
	}
	kz_error_clear();
	return MHD_YES;
}

static void
log_request(struct kz_req *r, double secs)
{
	struct kz_buf b = KZ_BUF_INIT(8192);
	char t[KZ_TIME_STRLEN];
	json_t *o;
	char *s;

	if (r->srv->log_fd < 0 || (r->route && (r->route->flags & KZ_RT_NOLOG)))
		return;
	o = json_object();
	kz_json_set(o, "time", json_string(kz_time_format(t, kz_time_now())));
	kz_json_set(o, "remote", json_string(kz_req_addr(r)));
	kz_json_set(o, "method", json_string(r->method));
	/* The path as sent, made valid UTF-8 so the line stays JSON. */
	kz_utf8_sanitize(&b, r->path, strnlen(r->path, 1024));
	kz_json_set(o, "path", json_string(b.ptr));
	kz_json_set(o, "route", kz_json_str(r->route ? r->route->name : NULL));
	kz_json_set(o, "status", json_integer(r->status));
	kz_json_set(o, "bytes", json_integer((json_int_t)r->bytes));
	kz_json_set(o, "us", json_integer((json_int_t)(secs * 1e6)));
	kz_json_set(o, "user", kz_json_str(r->user ? r->user->name : NULL));
	s = kz_json_dump(o, 0);
	json_decref(o);
	kz_buf_release(&b);
	if (s) {
		size_t n = strlen(s);

		s[n] = '\n';
		kz_server_log(r->srv, s, n + 1);
		free(s);
	}
}

void
kz_http_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct kz_server *srv = cls;
	struct kz_req *r = *con_cls;
	double secs;
	int cls_i, i;

	(void)conn;
	(void)toe;
	if (!r)
		return;
	secs = (double)(now_ns() - r->start_ns) / 1e9;
	cls_i = r->status >= 100 && r->status < 600 ? (int)r->status / 100 : 0;
	atomic_fetch_add(&srv->m.requests[cls_i], 1);
	for (i = 0; i < KZ_LAT_BUCKETS && secs > kz_lat_bounds[i]; i++)
		;
	atomic_fetch_add(&srv->m.latency[i], 1);
	atomic_fetch_add(
	    &srv->m.latency_sum_us, (unsigned long long)(secs * 1e6));
	atomic_fetch_add(&srv->m.bytes_out, r->bytes);
	atomic_fetch_sub(&srv->m.in_flight, 1);
	log_request(r, secs);
	/* The one place a request's memory is freed. */
	if (r->cleanup)
		r->cleanup(r);
	kz_buf_release(&r->body);
	kz_user_free(r->user);
	sodium_memzero(r->session, sizeof(r->session));
	kz_req_arena_release(r);
	kz_free(r);
	*con_cls = NULL;
}
