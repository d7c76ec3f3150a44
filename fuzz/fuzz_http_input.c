/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for what the server reads from a request line and its
 * headers before any handler: the route match and its {name} parameters
 * (run on every URL as it arrives, before the path is checked), the Allow
 * list, Accept-Language, and the escaping of such text for pages and URLs.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/error.h"
#include "core/i18n.h"
#include "core/strutil.h"
#include "html.h"
#include "routes.h"
#include "ui.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const methods[] = { "GET", "HEAD", "POST", "PATCH", "DELETE",
	"PUT", "OPTIONS", "get" };

/* Whether the route's pattern, with params in its braces, is path. */
static int
same_path(const struct kz_route *rt, struct kz_req *r, const char *path)
{
	struct kz_buf b = KZ_BUF_INIT(1 << 16);
	int np = 0, ok;

	for (const char *p = rt->pattern; *p; p++) {
		if (*p != '{') {
			kz_buf_addc(&b, *p);
			continue;
		}
		if (np == r->nparams || !*r->params[np] ||
		    strchr(r->params[np], '/'))
			abort();
		kz_buf_adds(&b, r->params[np++]);
		p = strchr(p, '}');
	}
	ok = !b.err && np == r->nparams && strcmp(b.ptr, path) == 0;
	kz_buf_release(&b);
	return ok;
}

static void
route(struct kz_req *r, const char *method, const char *path)
{
	const struct kz_route *rt;
	char small[8], allow[256];
	int known = -1;

	rt = kz_route_match(r, method, path, &known);
	if (known != 0 && known != 1)
		abort();
	if (rt) {
		if (!known || !same_path(rt, r, path))
			abort();
		if (strcmp(rt->method, method) != 0 &&
		    !(strcmp(method, "HEAD") == 0 &&
			strcmp(rt->method, "GET") == 0))
			abort();
	}
	kz_route_allow(allow, sizeof(allow), path);
	kz_route_allow(small, sizeof(small), path);
	if (strlen(allow) >= sizeof(allow) || strlen(small) >= sizeof(small))
		abort();
	if (known != (allow[0] != '\0'))
		abort();
}

static void
escape(struct kz_req *r, const char *s, const uint8_t *raw, size_t size)
{
	struct kz_buf b = KZ_BUF_INIT(1 << 24);
	const char *u = ui_url(r, s);

	for (const char *p = u; *p; p++) {
		if (*p == '%') {
			if (!p[1] || !p[2] ||
			    !strchr("0123456789ABCDEF", p[1]) ||
			    !strchr("0123456789ABCDEF", p[2]))
				abort();
			p += 2;
		} else if (!strchr("abcdefghijklmnopqrstuvwxyz"
				   "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~",
			       *p)) {
			abort();
		}
	}
	/* Binary, with NULs and broken UTF-8, as a field may hold. */
	kz_html_escape_n(&b, (const char *)raw, size);
	if (b.err)
		abort();
	if (strpbrk(b.ptr, "<>\"'`") || strlen(b.ptr) != b.len ||
	    !kz_utf8_valid(b.ptr, b.len))
		abort();
	for (const char *p = strchr(b.ptr, '&'); p; p = strchr(p + 1, '&'))
		if (strncmp(p, "&amp;", 5) && strncmp(p, "&lt;", 4) &&
		    strncmp(p, "&gt;", 4) && strncmp(p, "&quot;", 6) &&
		    strncmp(p, "&#39;", 5) && strncmp(p, "&#96;", 5))
			abort();
	kz_buf_release(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kz_req r;
	enum kz_lang l;
	char *s;

	if (size < 1)
		return 0;
	/* Request lines and headers are C strings by the time we see them. */
	s = malloc(size);
	if (!s)
		abort();
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	memset(&r, 0, sizeof(r));
	route(&r, methods[data[0] & 7], s);
	l = kz_lang_from_accept(s, KZ_LANG_EN);
	if (l != KZ_LANG_EN && l != KZ_LANG_JA)
		abort();
	if (kz_lang_parse(&l, s) == 0 && l != KZ_LANG_EN && l != KZ_LANG_JA)
		abort();
	escape(&r, s, data + 1, size - 1);
	kz_req_arena_release(&r);
	kz_error_clear();
	free(s);
	return 0;
}
