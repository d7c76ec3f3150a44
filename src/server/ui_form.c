/* SPDX-License-Identifier: MIT */
/*
 * Posted forms: application/x-www-form-urlencoded and multipart/form-data
 * parsed from the request body, which arrived whole under the route's cap.
 * Multipart values point into the body (NUL-terminated in place); every
 * bound is checked before a read, and a file name is never a path.
 */
#include <string.h>

#include "core/error.h"
#include "core/strutil.h"
#include "ui.h"

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes s[0..n) (+ and %XX) into a new arena string; NULL when bad. */
static char *
urldecode(struct kz_req *r, const char *s, size_t n, size_t *outlen)
{
	char *out = kz_req_alloc(r, n + 1);
	size_t j = 0;

	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '+') {
			out[j++] = ' ';
		} else if (s[i] == '%') {
			int hi, lo;

			if (i + 2 >= n)
				return NULL;
			hi = hexval((unsigned char)s[i + 1]);
			lo = hexval((unsigned char)s[i + 2]);
			if (hi < 0 || lo < 0)
				return NULL;
			out[j++] = (char)(hi << 4 | lo);
			i += 2;
		} else {
			out[j++] = s[i];
		}
	}
	out[j] = '\0';
	*outlen = j;
	return out;
}

static int
bad(struct kz_form *f, unsigned status, const char *code)
{
	f->status = status;
	f->code = code;
	return -1;
}

static int
add_field(struct kz_req *r, struct kz_form *f, struct kz_form_field **tail,
    int *count, struct kz_form_field *v)
{
	struct kz_form_field *n;

	if (++*count > UI_FIELDS_MAX) {
		kz_error_set(KZ_EINVAL, "the form has more than %d fields",
		    UI_FIELDS_MAX);
		return bad(f, 400, "invalid");
	}
	if (!v->filename &&
	    (!kz_utf8_valid(v->value, v->len) || memchr(v->value, 0, v->len))) {
		kz_error_set(KZ_EINVAL, "form field '%s' is not valid UTF-8",
		    kz_utf8_valid(v->name, strlen(v->name)) ? v->name : "?");
		return bad(f, 400, "invalid_utf8");
	}
	if (!kz_utf8_valid(v->name, strlen(v->name))) {
		kz_error_set(KZ_EINVAL, "a form field name is not valid UTF-8");
		return bad(f, 400, "invalid_utf8");
	}
	n = kz_req_alloc(r, sizeof(*n));
	if (!n) {
		kz_error_set(KZ_ENOMEM, "out of memory");
		return bad(f, 500, "internal");
	}
	*n = *v;
	n->next = NULL;
	*tail = n;
	return 0;
}

static int
parse_urlencoded(struct kz_req *r, struct kz_form *f)
{
	const char *s = r->body.ptr, *end = s + r->body.len;
	struct kz_form_field **tail = &f->first;
	int count = 0;

	while (s < end) {
		const char *amp = memchr(s, '&', (size_t)(end - s));
		const char *stop = amp ? amp : end;
		const char *eq = memchr(s, '=', (size_t)(stop - s));
		struct kz_form_field v = { 0 };
		size_t nlen;

		if (stop > s) {
			v.name = urldecode(
			    r, s, (size_t)((eq ? eq : stop) - s), &nlen);
			v.value = eq ? urldecode(r, eq + 1,
					   (size_t)(stop - eq - 1), &v.len) :
				       "";
			if (!v.name || !v.value || strlen(v.name) != nlen) {
				kz_error_set(KZ_EINVAL,
				    "the form is not valid "
				    "application/x-www-form-urlencoded");
				return bad(f, 400, "invalid");
			}
			if (add_field(r, f, tail, &count, &v))
				return -1;
			tail = &(*tail)->next;
		}
		s = stop + 1;
	}
	return 0;
}

/*
 * The value of parameter key in a header value (quoted or not). Quoted
 * values are skipped while looking: a file name may read "a; name=b".
 */
static const char *
header_param(struct kz_req *r, const char *h, size_t hlen, const char *key)
{
	size_t klen = strlen(key);

	for (size_t i = 0; i + klen + 1 < hlen; i++) {
		size_t j, start;
		char *out;

		if (h[i] == '"') {
			const char *q = memchr(h + i + 1, '"', hlen - i - 1);

			if (!q)
				return NULL;
			i = (size_t)(q - h);
			continue;
		}
		if ((i > 0 && h[i - 1] != ';' && h[i - 1] != ' ') ||
		    strncasecmp(h + i, key, klen) != 0 || h[i + klen] != '=')
			continue;
		j = i + klen + 1;
		if (j < hlen && h[j] == '"') {
			start = ++j;
			while (j < hlen && h[j] != '"')
				j++;
			if (j == hlen)
				return NULL;
		} else {
			start = j;
			while (j < hlen && h[j] != ';' && h[j] != ' ')
				j++;
		}
		out = kz_req_alloc(r, j - start + 1);
		if (!out)
			return NULL;
		memcpy(out, h + start, j - start);
		out[j - start] = '\0';
		return out;
	}
	return NULL;
}

/* A browser sends a file's base name; anything else is refused. */
static int
filename_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 255 || !kz_utf8_valid(s, n) || strcmp(s, ".") == 0 ||
	    strcmp(s, "..") == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f || s[i] == '/' ||
		    s[i] == '\\')
			return 0;
	return 1;
}

static int
parse_part_headers(struct kz_req *r, struct kz_form *f, const char *h,
    size_t hlen, struct kz_form_field *v)
{
	while (hlen > 0) {
		const char *eol = memmem(h, hlen, "\r\n", 2);
		size_t n = eol ? (size_t)(eol - h) : hlen;

		if (n > 20 && strncasecmp(h, "Content-Disposition:", 20) == 0) {
			v->name = header_param(r, h + 20, n - 20, "name");
			v->filename =
			    header_param(r, h + 20, n - 20, "filename");
		} else if (n > 13 && strncasecmp(h, "Content-Type:", 13) == 0) {
			const char *t = h + 13;
			size_t tl = n - 13;
			char *out;

			while (tl && *t == ' ')
				t++, tl--;
			out = kz_req_alloc(r, tl + 1);
			if (out) {
				memcpy(out, t, tl);
				out[tl] = '\0';
				if (kz_utf8_valid(out, tl))
					v->type = out;
			}
		}
		if (!eol)
			break;
		hlen -= n + 2;
		h = eol + 2;
	}
	if (!v->name || !*v->name) {
		kz_error_set(KZ_EINVAL, "a form part has no name");
		return bad(f, 400, "invalid");
	}
	if (v->filename && !*v->filename) {
		v->filename = NULL; /* no file chosen */
		v->type = NULL;
		v->name = "";
	} else if (v->filename && !filename_ok(v->filename)) {
		kz_error_set(KZ_EINVAL,
		    "the file name of form field '%s' is not a plain name",
		    kz_utf8_valid(v->name, strlen(v->name)) ? v->name : "?");
		return bad(f, 400, "invalid");
	}
	return 0;
}

static int
parse_multipart(struct kz_req *r, struct kz_form *f, const char *ct)
{
	const char *boundary = header_param(r, ct, strlen(ct), "boundary");
	struct kz_form_field **tail = &f->first;
	char delim[80];
	size_t dlen, files = 0, pos;
	char *s = r->body.ptr;
	size_t len = r->body.len;
	int count = 0;

	if (!boundary || !*boundary || strlen(boundary) > 70) {
		kz_error_set(KZ_EINVAL, "the multipart form has no boundary");
		return bad(f, 400, "invalid");
	}
	dlen = (size_t)snprintf(delim, sizeof(delim), "\r\n--%s", boundary);
	/* The first delimiter may open the body without its CRLF. */
	if (len >= dlen - 2 && memcmp(s, delim + 2, dlen - 2) == 0) {
		pos = dlen - 2;
	} else {
		char *d = memmem(s, len, delim, dlen);

		if (!d)
			goto malformed;
		pos = (size_t)(d - s) + dlen;
	}
	for (;;) {
		struct kz_form_field v = { 0 };
		char *hend, *next;

		if (len - pos >= 2 && memcmp(s + pos, "--", 2) == 0)
			return 0; /* the closing delimiter */
		if (len - pos < 2 || memcmp(s + pos, "\r\n", 2) != 0)
			goto malformed;
		pos += 2;
		hend = memmem(s + pos, len - pos, "\r\n\r\n", 4);
		if (!hend)
			goto malformed;
		if (parse_part_headers(
			r, f, s + pos, (size_t)(hend - s) - pos, &v))
			return -1;
		pos = (size_t)(hend - s) + 4;
		next = memmem(s + pos, len - pos, delim, dlen);
		if (!next)
			goto malformed;
		v.value = s + pos;
		v.len = (size_t)(next - s) - pos;
		*next = '\0'; /* over the CR of the delimiter */
		pos = (size_t)(next - s) + dlen;
		if (v.filename) {
			files += v.len;
			if (v.len > UI_FILE_MAX || files > UI_FILES_MAX) {
				kz_error_set(KZ_ENOMEM,
				    "attachments may be at most %u MB each and "
				    "%u MB together",
				    UI_FILE_MAX >> 20, UI_FILES_MAX >> 20);
				return bad(f, 413, "too_large");
			}
		}
		if (!*v.name)
			continue; /* an empty file input */
		if (add_field(r, f, tail, &count, &v))
			return -1;
		tail = &(*tail)->next;
	}
malformed:
	kz_error_set(KZ_EINVAL, "the multipart form is malformed");
	return bad(f, 400, "invalid");
}

struct kz_form *
ui_form_parse(struct kz_req *r, const char *content_type)
{
	static struct kz_form nomem = { NULL, 500, "internal" };
	struct kz_form *f = r->form;

	if (f)
		return f;
	f = kz_req_alloc(r, sizeof(*f));
	if (!f)
		return &nomem;
	memset(f, 0, sizeof(*f));
	r->form = f;
	if (r->too_large) {
		kz_error_set(KZ_ENOMEM, "the request body is too large");
		bad(f, 413, "too_large");
	} else if (kz_content_type_is(
		       content_type, "application/x-www-form-urlencoded")) {
		parse_urlencoded(r, f);
	} else if (kz_content_type_is(content_type, "multipart/form-data")) {
		parse_multipart(r, f, content_type);
	} else {
		kz_error_set(KZ_EINVAL,
		    "send the form as application/x-www-form-urlencoded or "
		    "multipart/form-data");
		bad(f, 415, "unsupported_media_type");
	}
	if (f->status)
		f->first = NULL;
	return f;
}

struct kz_form *
ui_form(struct kz_req *r)
{
	if (r->form)
		return r->form;
	return ui_form_parse(r, kz_req_header(r, "Content-Type"));
}

const char *
ui_form_get(struct kz_req *r, const char *name)
{
	struct kz_form *f = ui_form(r);

	for (struct kz_form_field *v = f->first; v; v = v->next)
		if (!v->filename && strcmp(v->name, name) == 0)
			return v->value;
	return NULL;
}

int
ui_form_check(struct kz_req *r)
{
	struct kz_form *f = ui_form(r);

	if (!f->status)
		return 0;
	ui_fail_page(r, f->status, f->code);
	return -1;
}
