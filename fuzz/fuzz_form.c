/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the web UI's form parser (urlencoded and
 * multipart). The first byte picks the Content-Type; the rest is the
 * body, or a Content-Type line and then the body. What parses must keep
 * the parser's promises: valid UTF-8 fields, plain file names, limits.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/error.h"
#include "core/strutil.h"
#include "ui.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Input: a byte whose low two bits choose, then
 *   0  an application/x-www-form-urlencoded body;
 *   1  a multipart/form-data body with boundary "kz";
 *   2  a multipart/form-data Content-Type's parameters up to the first
 *      newline, then the body (boundaries of any shape);
 *   3  a whole Content-Type up to the first newline, then the body.
 */
static char *
split_type(const uint8_t **data, size_t *size, const char *prefix)
{
	const uint8_t *nl = memchr(*data, '\n', *size);
	size_t n = nl ? (size_t)(nl - *data) : *size;
	size_t plen = strlen(prefix);
	char *ct = malloc(plen + n + 1);

	if (!ct)
		abort();
	memcpy(ct, prefix, plen);
	memcpy(ct + plen, *data, n);
	ct[plen + n] = '\0';
	*data += nl ? n + 1 : n;
	*size -= nl ? n + 1 : n;
	return ct;
}

static int
plain_name(const char *s)
{
	return *s && strcmp(s, ".") != 0 && strcmp(s, "..") != 0 &&
	    !strpbrk(s, "/\\") && kz_utf8_valid(s, strlen(s));
}

static void
check(struct kz_req *r, struct kz_form *f)
{
	size_t files = 0;
	int n = 0;

	if (f->status) {
		if (f->first || !f->code ||
		    (f->status != 400 && f->status != 413 && f->status != 415 &&
			f->status != 500))
			abort();
		if (ui_form_get(r, "csrf"))
			abort();
		return;
	}
	for (struct kz_form_field *v = f->first; v; v = v->next) {
		if (++n > UI_FIELDS_MAX || !v->name || !v->value ||
		    !kz_utf8_valid(v->name, strlen(v->name)) ||
		    v->value[v->len] != '\0')
			abort();
		if (v->filename) {
			if (!plain_name(v->filename) || v->len > UI_FILE_MAX)
				abort();
			files += v->len;
		} else if (strlen(v->value) != v->len ||
		    !kz_utf8_valid(v->value, v->len)) {
			abort();
		}
	}
	if (files > UI_FILES_MAX)
		abort();
	/* The first plain field of a name is the one ui_form_get finds. */
	for (struct kz_form_field *v = f->first; v; v = v->next)
		if (!v->filename) {
			if (ui_form_get(r, v->name) == NULL)
				abort();
			break;
		}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kz_req r;
	char *ct = NULL;
	const char *type;
	unsigned sel;

	if (size < 1)
		return 0;
	sel = data[0] & 3;
	data++, size--;
	if (sel == 0)
		type = "application/x-www-form-urlencoded";
	else if (sel == 1)
		type = "multipart/form-data; boundary=kz";
	else
		type = ct = split_type(
		    &data, &size, sel == 2 ? "multipart/form-data; " : "");
	memset(&r, 0, sizeof(r));
	kz_buf_init(&r.body, 1u << 24);
	kz_buf_add(&r.body, data, size);
	if (r.body.err)
		abort();
	check(&r, ui_form_parse(&r, type));
	/* Asked again, it answers the same form. */
	if (ui_form_parse(&r, "text/plain") != r.form)
		abort();
	kz_req_arena_release(&r);
	kz_buf_release(&r.body);
	kz_error_clear();
	free(ct);
	return 0;
}
