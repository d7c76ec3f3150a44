/* SPDX-License-Identifier: MIT */
/*
 * Tests for the web UI's form parser: urlencoded and multipart fields,
 * files and their limits, the statuses of bad forms (415, 400, 413),
 * file names that are paths, invalid UTF-8, the field limit, and failing
 * allocations at every point.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/error.h"
#include "ui.h"

#define URLENC "application/x-www-form-urlencoded"
#define MULTI  "multipart/form-data; boundary=kzb"

static void
req_init(struct kz_req *r, const char *body, size_t len)
{
	memset(r, 0, sizeof(*r));
	kz_buf_init(&r->body, 32u << 20);
	kz_buf_add(&r->body, body, len);
	assert_int_equal(r->body.err, 0);
}

static void
req_done(struct kz_req *r)
{
	kz_req_arena_release(r);
	kz_buf_release(&r->body);
	kz_error_clear();
}

static struct kz_form *
parse(struct kz_req *r, const char *type, const char *body)
{
	req_init(r, body, strlen(body));
	return ui_form_parse(r, type);
}

static void
add_part(struct kz_buf *b, const char *name, const char *filename,
    const char *type, const char *value, size_t len)
{
	kz_buf_addf(
	    b, "--kzb\r\nContent-Disposition: form-data; name=\"%s\"", name);
	if (filename)
		kz_buf_addf(b, "; filename=\"%s\"", filename);
	kz_buf_adds(b, "\r\n");
	if (type)
		kz_buf_addf(b, "Content-Type: %s\r\n", type);
	kz_buf_adds(b, "\r\n");
	kz_buf_add(b, value, len);
	kz_buf_adds(b, "\r\n");
}

/* b made the body of one part and a closing boundary; r parses it. */
static struct kz_form *
parse_part(struct kz_req *r, struct kz_buf *b, const char *name,
    const char *filename, const char *type, const char *v, size_t n)
{
	kz_buf_reset(b);
	add_part(b, name, filename, type, v, n);
	kz_buf_adds(b, "--kzb--\r\n");
	req_init(r, b->ptr, b->len);
	return ui_form_parse(r, MULTI);
}

/* The status of one multipart part with this file name. */
static unsigned
file_status(const char *filename)
{
	struct kz_buf b = KZ_BUF_INIT(1 << 16);
	struct kz_req r;
	unsigned status;

	status = parse_part(&r, &b, "evidence", filename, "text/plain", "x", 1)
		     ->status;
	req_done(&r);
	kz_buf_release(&b);
	return status;
}

static void
test_urlencoded(void **state)
{
	struct kz_req r;
	struct kz_form *f;

	(void)state;
	f = parse(&r, URLENC,
	    "csrf=abc&title=Phishing+at+%E3%83%90%E3%83%B3%E3%82%AF&&empty=&"
	    "flag&a%2Bb=1%2B1%3D2&title=second");
	assert_int_equal(f->status, 0);
	assert_string_equal(ui_form_get(&r, "csrf"), "abc");
	/* + is a space, %XX a byte; the first of two fields wins. */
	assert_string_equal(ui_form_get(&r, "title"), "Phishing at バンク");
	assert_string_equal(ui_form_get(&r, "empty"), "");
	assert_string_equal(ui_form_get(&r, "flag"), "");
	assert_string_equal(ui_form_get(&r, "a+b"), "1+1=2");
	assert_null(ui_form_get(&r, "missing"));
	assert_null(f->first->filename);
	assert_int_equal(f->first->len, 3);
	/* Parsed once: later calls answer the same form. */
	assert_ptr_equal(ui_form(&r), f);
	assert_ptr_equal(ui_form_parse(&r, "text/plain"), f);
	req_done(&r);

	f = parse(&r, URLENC, "");
	assert_int_equal(f->status, 0);
	assert_null(f->first);
	req_done(&r);
}

static void
test_urlencoded_bad(void **state)
{
	static const struct {
		const char *body;
		const char *code;
	} cases[] = {
		{ "a=100%", "invalid" },
		{ "a=%4", "invalid" },
		{ "a=%zz", "invalid" },
		{ "a%=1", "invalid" },
		{ "a%00b=1", "invalid" },
		{ "csrf=x&a=%00", "invalid_utf8" },
		{ "a=%C3%28", "invalid_utf8" },
		{ "a=%FF", "invalid_utf8" },
		{ "%ED%A0%80=1", "invalid_utf8" },
	};
	struct kz_req r;
	struct kz_form *f;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		f = parse(&r, URLENC, cases[i].body);
		if (f->status != 400 || strcmp(f->code, cases[i].code) != 0)
			fail_msg("'%s': %u %s", cases[i].body, f->status,
			    f->code ? f->code : "-");
		assert_null(f->first);
		assert_null(ui_form_get(&r, "csrf"));
		assert_int_equal(kz_error_code(), KZ_EINVAL);
		req_done(&r);
	}
}

static void
test_field_limit(void **state)
{
	struct kz_buf b = KZ_BUF_INIT(1 << 16);
	struct kz_req r;
	struct kz_form *f;

	(void)state;
	for (int i = 0; i < UI_FIELDS_MAX; i++)
		kz_buf_addf(&b, "%sf%d=%d", i ? "&" : "", i, i);
	f = parse(&r, URLENC, b.ptr);
	assert_int_equal(f->status, 0);
	assert_string_equal(ui_form_get(&r, "f63"), "63");
	req_done(&r);

	kz_buf_adds(&b, "&one=more");
	f = parse(&r, URLENC, b.ptr);
	assert_int_equal(f->status, 400);
	assert_string_equal(f->code, "invalid");
	assert_non_null(strstr(kz_error_message(), "more than 64 fields"));
	req_done(&r);

	/* Multipart counts the same way. */
	kz_buf_reset(&b);
	for (int i = 0; i <= UI_FIELDS_MAX; i++)
		add_part(&b, "f", NULL, NULL, "v", 1);
	kz_buf_adds(&b, "--kzb--\r\n");
	req_init(&r, b.ptr, b.len);
	f = ui_form_parse(&r, MULTI);
	assert_int_equal(f->status, 400);
	assert_null(f->first);
	req_done(&r);
	kz_buf_release(&b);
}

static void
test_content_types(void **state)
{
	struct kz_req r;
	struct kz_form *f;

	(void)state;
	f = parse(&r, NULL, "a=b");
	assert_int_equal(f->status, 415);
	assert_string_equal(f->code, "unsupported_media_type");
	assert_null(ui_form_get(&r, "a"));
	req_done(&r);

	f = parse(&r, "application/json", "{\"a\":\"b\"}");
	assert_int_equal(f->status, 415);
	req_done(&r);

	f = parse(&r, "application/x-www-form-urlencodedX", "a=b");
	assert_int_equal(f->status, 415);
	req_done(&r);

	/* Case and parameters do not matter. */
	f = parse(
	    &r, " Application/X-WWW-Form-Urlencoded; charset=UTF-8", "a=b");
	assert_int_equal(f->status, 0);
	assert_string_equal(ui_form_get(&r, "a"), "b");
	req_done(&r);

	/* A body the server cut off is 413 whatever it holds. */
	req_init(&r, "a=b", 3);
	r.too_large = 1;
	f = ui_form_parse(&r, URLENC);
	assert_int_equal(f->status, 413);
	assert_string_equal(f->code, "too_large");
	req_done(&r);
}

static void
test_multipart(void **state)
{
	static const char bin[] = "\x89PNG\r\n\x1a\n\0\xff\xfe--kz";
	struct kz_buf b = KZ_BUF_INIT(1 << 16);
	struct kz_form_field *v;
	struct kz_req r;
	struct kz_form *f;

	(void)state;
	kz_buf_adds(&b, "a preamble is ignored\r\n");
	add_part(&b, "csrf", NULL, NULL, "tok", 3);
	add_part(&b, "title", NULL, NULL, "件名\r\nline two",
	    strlen("件名\r\nline two"));
	add_part(&b, "evidence", "shot.png", "image/png", bin, sizeof(bin) - 1);
	add_part(&b, "evidence", "", "application/octet-stream", "", 0);
	kz_buf_adds(&b, "--kzb--\r\nan epilogue too");
	req_init(&r, b.ptr, b.len);
	f = ui_form_parse(&r, "multipart/form-data; boundary=\"kzb\"");
	assert_int_equal(f->status, 0);
	assert_string_equal(ui_form_get(&r, "csrf"), "tok");
	assert_string_equal(ui_form_get(&r, "title"), "件名\r\nline two");
	/* A file is no plain field; an empty file input is no field. */
	assert_null(ui_form_get(&r, "evidence"));
	v = f->first->next->next;
	assert_non_null(v);
	assert_string_equal(v->name, "evidence");
	assert_string_equal(v->filename, "shot.png");
	assert_string_equal(v->type, "image/png");
	assert_int_equal(v->len, sizeof(bin) - 1);
	assert_memory_equal(v->value, bin, sizeof(bin) - 1);
	assert_int_equal(v->value[v->len], '\0');
	assert_null(v->next);
	req_done(&r);

	/* The first delimiter may follow a CRLF; no parts is no fields. */
	f = parse(&r, MULTI, "\r\n--kzb--\r\n");
	assert_int_equal(f->status, 0);
	assert_null(f->first);
	req_done(&r);
	kz_buf_release(&b);
}

static void
test_multipart_bad(void **state)
{
	static const char long_boundary[] = "0123456789abcdefghijklmnopqrstu"
					    "vwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
					    "'()+_,-./:=?";
	static const struct {
		const char *type;
		const char *body;
	} cases[] = {
		/* no boundary, an empty one, an unclosed one */
		{ "multipart/form-data", "--kzb--\r\n" },
		{ "multipart/form-data; charset=utf-8", "--kzb--\r\n" },
		{ "multipart/form-data; boundary=", "----\r\n" },
		{ "multipart/form-data; boundary=\"\"", "----\r\n" },
		{ "multipart/form-data; boundary=\"kzb", "--kzb--\r\n" },
		/* no delimiter at all, or a different one */
		{ MULTI, "" },
		{ MULTI, "a=b" },
		{ MULTI, "--other\r\n\r\nv\r\n--other--" },
		/* truncated: in the headers, in the value, after a delimiter */
		{ MULTI,
		    "--kzb\r\nContent-Disposition: form-data; name=\"a\"" },
		{ MULTI,
		    "--kzb\r\nContent-Disposition: form-data; name=\"a\""
		    "\r\n\r\nvalue" },
		{ MULTI,
		    "--kzb\r\nContent-Disposition: form-data; name=\"a\""
		    "\r\n\r\nvalue\r\n--kz" },
		{ MULTI,
		    "--kzb\r\nContent-Disposition: form-data; name=\"a\""
		    "\r\n\r\nvalue\r\n--kzb" },
		{ MULTI, "--kzb" },
		{ MULTI, "--kzbX\r\n" },
		/* a part without a name, or with an unclosed one */
		{ MULTI,
		    "--kzb\r\nContent-Disposition: form-data\r\n\r\nv\r\n"
		    "--kzb--" },
		{ MULTI,
		    "--kzb\r\nContent-Type: text/plain\r\n\r\nv\r\n"
		    "--kzb--" },
		{ MULTI,
		    "--kzb\r\nContent-Disposition: form-data; name=\"\""
		    "\r\n\r\nv\r\n--kzb--" },
		{ MULTI,
		    "--kzb\r\nContent-Disposition: form-data; name=\"a"
		    "\r\n\r\nv\r\n--kzb--" },
	};
	struct kz_req r;
	struct kz_form *f;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		f = parse(&r, cases[i].type, cases[i].body);
		if (f->status != 400 || strcmp(f->code, "invalid") != 0)
			fail_msg("case %zu: %u", i, f->status);
		assert_null(f->first);
		req_done(&r);
	}

	/* A boundary of 70 bytes is the longest there may be. */
	for (int n = 69; n <= 71; n++) {
		char type[128], body[128];

		snprintf(type, sizeof(type),
		    "multipart/form-data; boundary=%.*s", n, long_boundary);
		snprintf(body, sizeof(body), "--%.*s--\r\n", n, long_boundary);
		f = parse(&r, type, body);
		assert_int_equal(f->status, n <= 70 ? 0 : 400);
		req_done(&r);
	}
}

static void
test_multipart_utf8(void **state)
{
	struct kz_buf b = KZ_BUF_INIT(1 << 16);
	struct kz_req r;
	struct kz_form *f;

	(void)state;
	/* Files are binary; plain fields must be text. */
	f = parse_part(&r, &b, "f", "bin.dat", NULL, "\xff\xfe\0\xc3\x28", 5);
	assert_int_equal(f->status, 0);
	assert_int_equal(f->first->len, 5);
	assert_null(f->first->type);
	req_done(&r);

	f = parse_part(&r, &b, "note", NULL, NULL, "\xc3\x28", 2);
	assert_int_equal(f->status, 400);
	assert_string_equal(f->code, "invalid_utf8");
	assert_non_null(strstr(kz_error_message(), "'note'"));
	req_done(&r);

	f = parse_part(&r, &b, "note", NULL, NULL, "a\0b", 3);
	assert_int_equal(f->status, 400);
	assert_string_equal(f->code, "invalid_utf8");
	req_done(&r);

	f = parse_part(&r, &b, "n\xff", NULL, NULL, "v", 1);
	assert_int_equal(f->status, 400);
	assert_string_equal(f->code, "invalid_utf8");
	req_done(&r);

	/* A file's Content-Type that is not UTF-8 is dropped. */
	f = parse_part(&r, &b, "f", "a.txt", "text/\xff", "x", 1);
	assert_int_equal(f->status, 0);
	assert_null(f->first->type);
	req_done(&r);
	kz_buf_release(&b);
}

static void
test_filenames(void **state)
{
	static const char *const refused[] = {
		"../../etc/passwd", "a/b.txt", "/abs",
		"C:\\Users\\me\\report.txt", "..\\x", ".", "..", "tab\there",
		"new\rline", "del\x7f", "bad\xff.txt",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	};
	static const char *const allowed[] = { "report.txt", "...", "..x",
		".hidden", "報告書 (1).pdf", "a b;c=d.eml" };

	(void)state;
	/* A file name is a base name or the form is refused, not cut. */
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		if (file_status(refused[i]) != 400)
			fail_msg("'%s' was taken", refused[i]);
	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		if (file_status(allowed[i]) != 0)
			fail_msg("'%s' was refused: %s", allowed[i],
			    kz_error_message());
}

static void
test_parameters(void **state)
{
	struct kz_req r;
	struct kz_form *f;

	(void)state;
	/* Unquoted values; a name= inside another quoted value is text. */
	f = parse(&r, MULTI,
	    "--kzb\r\ncontent-disposition: form-data; "
	    "filename=\"x; name=evil\"; name=real\r\n\r\nv\r\n"
	    "--kzb\r\nContent-Disposition: form-data; filename=\"\"; "
	    "name=\"e\"\r\n\r\n\r\n"
	    "--kzb\r\nContent-Disposition: form-data; xname=\"no\"; "
	    "name=\"yes\"\r\n\r\nw\r\n--kzb--");
	assert_int_equal(f->status, 0);
	assert_non_null(f->first);
	assert_string_equal(f->first->name, "real");
	assert_string_equal(f->first->filename, "x; name=evil");
	assert_string_equal(ui_form_get(&r, "yes"), "w");
	assert_null(ui_form_get(&r, "no"));
	assert_null(ui_form_get(&r, "e"));
	req_done(&r);
}

static void
test_file_limits(void **state)
{
	struct kz_buf b = KZ_BUF_INIT(32u << 20);
	char *big = calloc(1, UI_FILE_MAX + 1);
	struct kz_req r;
	struct kz_form *f;

	(void)state;
	assert_non_null(big);
	add_part(&b, "a", "a.bin", NULL, big, UI_FILE_MAX);
	add_part(&b, "b", "b.bin", NULL, big, UI_FILE_MAX);
	kz_buf_adds(&b, "--kzb--\r\n");
	req_init(&r, b.ptr, b.len);
	f = ui_form_parse(&r, MULTI);
	assert_int_equal(f->status, 0);
	assert_int_equal(f->first->next->len, UI_FILE_MAX);
	req_done(&r);

	/* One byte over a file's limit, or over all files' limit. */
	f = parse_part(&r, &b, "a", "a.bin", NULL, big, UI_FILE_MAX + 1);
	assert_int_equal(f->status, 413);
	assert_string_equal(f->code, "too_large");
	req_done(&r);

	kz_buf_reset(&b);
	add_part(&b, "a", "a.bin", NULL, big, UI_FILE_MAX);
	add_part(&b, "b", "b.bin", NULL, big, UI_FILE_MAX);
	add_part(&b, "c", "c.bin", NULL, big, 1);
	kz_buf_adds(&b, "--kzb--\r\n");
	req_init(&r, b.ptr, b.len);
	f = ui_form_parse(&r, MULTI);
	assert_int_equal(f->status, 413);
	assert_null(f->first);
	req_done(&r);

	/* Plain fields do not count against the files' limit. */
	memset(big, 'x', UI_FILE_MAX + 1);
	f = parse_part(&r, &b, "text", NULL, NULL, big, UI_FILE_MAX + 1);
	assert_int_equal(f->status, 0);
	req_done(&r);
	kz_buf_release(&b);
	free(big);
}

/*
 * Every allocation of a parse fails in turn, from every fill of the
 * arena's first block: the answer is a form or an error, never a crash
 * or a leak (ASan checks the leaks).
 */
static void
test_alloc_failures(void **state)
{
	static const char body[] =
	    "--kzb\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n"
	    "tok\r\n"
	    "--kzb\r\nContent-Disposition: form-data; name=\"evidence\"; "
	    "filename=\"\"\r\nContent-Type: application/octet-stream\r\n\r\n"
	    "\r\n"
	    "--kzb\r\nContent-Disposition: form-data; name=\"f\"; "
	    "filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nx\r\n"
	    "--kzb--\r\n";
	static const char *const types[] = { MULTI, URLENC };
	static const char *const bodies[] = { body, "a=1&b=%41&c" };

	(void)state;
	for (int t = 0; t < 2; t++) {
		for (size_t fill = 0; fill <= 4000; fill += 16) {
			for (unsigned long nth = 1; nth <= 3; nth++) {
				struct kz_req r;
				struct kz_form *f;

				req_init(&r, bodies[t], strlen(bodies[t]));
				if (fill)
					assert_non_null(kz_req_alloc(&r, fill));
				kz_alloc_fail_at(nth);
				f = ui_form_parse(&r, types[t]);
				kz_alloc_fail_at(0);
				assert_true(f->status == 0 ||
				    f->status == 400 || f->status == 500);
				if (f->status)
					assert_null(f->first);
				req_done(&r);
			}
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_urlencoded),
		cmocka_unit_test(test_urlencoded_bad),
		cmocka_unit_test(test_field_limit),
		cmocka_unit_test(test_content_types),
		cmocka_unit_test(test_multipart),
		cmocka_unit_test(test_multipart_bad),
		cmocka_unit_test(test_multipart_utf8),
		cmocka_unit_test(test_filenames),
		cmocka_unit_test(test_parameters),
		cmocka_unit_test(test_file_limits),
		cmocka_unit_test(test_alloc_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
