/* SPDX-License-Identifier: MIT */
/*
 * Tests of the mail parser. Most cases are data: each tests/data/mail/
 * NNNN-name.eml is parsed and checked against NNNN-name.expected, so a new
 * case needs no code. The rest covers limits, memory failures and threads.
 */
#include "testutil.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/json.h"
#include "core/strutil.h"
#include "core/timeutil.h"
#include "format/mail.h"

static int failures;

static void
fail_at(const char *file, int line, const char *key, const char *want,
    const char *got)
{
	printf("%s:%d: %s: want '%s', got '%s'\n", file, line, key, want,
	    got ? got : "(null)");
	failures++;
}

static int
utf8_ok(const char *s)
{
	return !s || kz_utf8_valid(s, strlen(s));
}

/* Every string of the mail is valid UTF-8. */
static void
check_utf8(const struct kz_mail *m, const char *file)
{
	int ok = utf8_ok(m->subject) && utf8_ok(m->text) &&
	    utf8_ok(m->html_text) && utf8_ok(m->message_id) &&
	    utf8_ok(m->date_raw) && utf8_ok(m->bounce_diagnostic);

	if (m->from)
		ok = ok && utf8_ok(m->from->name) && utf8_ok(m->from->addr);
	for (size_t i = 0; i < m->n_headers; i++)
		ok = ok && utf8_ok(m->headers[i].name) &&
		    utf8_ok(m->headers[i].value) && utf8_ok(m->headers[i].raw);
	for (size_t i = 0; i < m->n_to; i++)
		ok = ok && utf8_ok(m->to[i].name) && utf8_ok(m->to[i].addr);
	for (size_t i = 0; i < m->n_warnings; i++)
		ok = ok && utf8_ok(m->warnings[i]);
	for (size_t i = 0; i < m->n_attachments; i++)
		ok = ok && utf8_ok(m->attachments[i].filename);
	if (!ok)
		fail_at(file, 0, "utf-8", "valid", "invalid");
	for (size_t i = 0; i < m->n_messages; i++)
		check_utf8(m->messages[i], file);
}

/* Follows "nested.N." prefixes of key down the forwarded mails. */
static const struct kz_mail *
resolve(const struct kz_mail *m, const char **key)
{
	while (strncmp(*key, "nested.", 7) == 0 &&
	    isdigit((unsigned char)(*key)[7])) {
		char *end;
		long i = strtol(*key + 7, &end, 10);

		if (*end != '.' || (size_t)i >= m->n_messages)
			return NULL;
		m = m->messages[i];
		*key = end + 1;
	}
	return m;
}

static void
join_addrs(char *out, size_t outsz, const struct kz_mail_addr *a, size_t n)
{
	out[0] = '\0';
	for (size_t i = 0; i < n; i++)
		snprintf(out + strlen(out), outsz - strlen(out), "%s%s",
		    i ? ", " : "", a[i].addr);
}

static int
has_warning(const struct kz_mail *m, const char *s)
{
	for (size_t i = 0; i < m->n_warnings; i++)
		if (strstr(m->warnings[i], s))
			return 1;
	return 0;
}

static void
check_attachment(
    const struct kz_mail *m, const char *val, const char *file, int line)
{
	char det[32], sha[80], name[256] = "";
	size_t idx, size;
	const struct kz_mail_attachment *a;
	char got[512];

	if (sscanf(val, "%zu %31s %zu %79s %255[^\n]", &idx, det, &size, sha,
		name) < 4) {
		fail_at(
		    file, line, "attachment", "idx type size sha [name]", val);
		return;
	}
	if (idx >= m->n_attachments) {
		fail_at(file, line, "attachment", val, "no such attachment");
		return;
	}
	a = &m->attachments[idx];
	snprintf(got, sizeof(got), "%zu %s %zu %s%s%s", idx, a->detected,
	    a->size, a->sha256, a->filename ? " " : "",
	    a->filename ? a->filename : "");
	if (strcmp(det, a->detected) != 0 || size != a->size ||
	    strcmp(sha, a->sha256) != 0 ||
	    (name[0] && (!a->filename || strcmp(name, a->filename) != 0)))
		fail_at(file, line, "attachment", val, got);
}

static void
check_key(const struct kz_mail *top, const char *key, const char *val,
    const char *file, int line)
{
	const struct kz_mail *m = resolve(top, &key);
	char got[4096];
	const char *g = NULL;

	if (!m) {
		fail_at(file, line, key, val, "no such nested mail");
		return;
	}
#define NUM(expr) (snprintf(got, sizeof(got), "%zu", (size_t)(expr)), got)
	if (strcmp(key, "subject") == 0)
		g = m->subject;
	else if (strcmp(key, "subject_len") == 0)
		g = NUM(strlen(m->subject));
	else if (strcmp(key, "from") == 0)
		g = m->from ? m->from->addr : NULL;
	else if (strcmp(key, "from_name") == 0)
		g = m->from ? m->from->name : NULL;
	else if (strcmp(key, "reply_to") == 0)
		g = m->reply_to ? m->reply_to->addr : NULL;
	else if (strcmp(key, "return_path") == 0)
		g = m->return_path;
	else if (strcmp(key, "to") == 0)
		g = (join_addrs(got, sizeof(got), m->to, m->n_to), got);
	else if (strcmp(key, "cc") == 0)
		g = (join_addrs(got, sizeof(got), m->cc, m->n_cc), got);
	else if (strncmp(key, "to_name", 7) == 0 ||
	    strncmp(key, "cc_name", 7) == 0) {
		const struct kz_mail_addr *a = key[0] == 't' ? m->to : m->cc;
		size_t n = key[0] == 't' ? m->n_to : m->n_cc;
		size_t i = (size_t)atoi(key + 7);

		g = i < n ? a[i].name : NULL;
	} else if (strcmp(key, "date") == 0) {
		if (m->date)
			g = kz_time_format(got, m->date);
		else
			g = "0";
	} else if (strcmp(key, "message_id") == 0)
		g = m->message_id;
	else if (strcmp(key, "in_reply_to") == 0)
		g = m->in_reply_to;
	else if (strcmp(key, "references") == 0)
		g = NUM(m->n_references);
	else if (strcmp(key, "attachments") == 0)
		g = NUM(m->n_attachments);
	else if (strcmp(key, "attachment") == 0) {
		check_attachment(m, val, file, line);
		return;
	} else if (strcmp(key, "nested") == 0)
		g = NUM(m->n_messages);
	else if (strcmp(key, "body") == 0) {
		if (!m->text || !strstr(m->text, val))
			fail_at(file, line, "body contains", val, m->text);
		return;
	} else if (strcmp(key, "body_not") == 0) {
		if (m->text && strstr(m->text, val))
			fail_at(file, line, "body lacks", val, m->text);
		return;
	} else if (strcmp(key, "html") == 0) {
		if (!m->html_text || !strstr(m->html_text, val))
			fail_at(file, line, "html contains", val, m->html_text);
		return;
	} else if (strcmp(key, "warning") == 0) {
		if (!has_warning(m, val))
			fail_at(file, line, "warning", val,
			    m->n_warnings ? m->warnings[0] : "(none)");
		return;
	} else if (strcmp(key, "warnings") == 0) {
		g = NUM(m->n_warnings);
		if (strcmp(g, val) != 0)
			for (size_t i = 0; i < m->n_warnings; i++)
				printf("  warning: %s\n", m->warnings[i]);
	} else if (strcmp(key, "is_bounce") == 0)
		g = NUM(m->is_bounce);
	else if (strcmp(key, "bounce_status") == 0)
		g = m->bounce_status;
	else if (strcmp(key, "bounce_action") == 0)
		g = m->bounce_action;
	else if (strcmp(key, "bounce_msgid") == 0)
		g = m->bounce_message_id;
	else if (strcmp(key, "bounce_rcpt") == 0) {
		for (size_t i = 0; i < m->n_bounce_recipients; i++)
			if (strcmp(m->bounce_recipients[i], val) == 0)
				return;
		fail_at(file, line, key, val, "not among the recipients");
		return;
	} else if (strcmp(key, "report_type") == 0)
		g = m->report_type;
	else if (strcmp(key, "content_type") == 0)
		g = m->content_type;
	else if (strcmp(key, "received") == 0)
		g = NUM(m->n_received);
	else if (strcmp(key, "received0") == 0) {
		if (!m->n_received ||
		    strncmp(m->received[0], val, strlen(val)) != 0)
			fail_at(file, line, key, val,
			    m->n_received ? m->received[0] : NULL);
		return;
	} else if (strncmp(key, "header.", 7) == 0)
		g = kz_mail_header(m, key + 7);
	else if (strcmp(key, "ticket") == 0) {
		static char t[32];

		g = kz_mail_ticket_ref(t, m->subject, NULL) == 0 ? t : NULL;
	} else if (strcmp(key, "text_len") == 0)
		g = NUM(m->text_len);
	else {
		fail_at(file, line, "key", "a known key", key);
		return;
	}
#undef NUM
	if (!g || strcmp(g, val) != 0)
		fail_at(file, line, key, val, g);
}

static void
run_case(const char *eml)
{
	char exp[1024];
	size_t len, elen;
	char *raw = tu_read_file(eml, &len), *ex, *line, *save;
	struct kz_mail *m = NULL;
	int rc, lineno = 0;
	const char *want_error = NULL;

	snprintf(
	    exp, sizeof(exp), "%.*s.expected", (int)(strlen(eml) - 4), eml);
	ex = tu_read_file(exp, &elen);
	assert_non_null(raw);
	if (!ex) {
		fail_at(eml, 0, "expected file", exp, "missing");
		free(raw);
		return;
	}
	for (char *p = ex; (p = strstr(p, "error: ")); p++)
		if (p == ex || p[-1] == '\n')
			want_error = p + 7;
	rc = kz_mail_parse(&m, raw, len, NULL);
	if (want_error) {
		size_t wl = strcspn(want_error, "\n");

		if (rc != KZ_EINVAL ||
		    strncmp(kz_error_message(), want_error, wl) != 0)
			fail_at(eml, 0, "error", want_error,
			    rc ? kz_error_message() : "parsed");
		goto done;
	}
	if (rc != 0) {
		fail_at(eml, 0, "parse", "0", kz_error_message());
		goto done;
	}
	check_utf8(m, eml);
	{
		json_t *j = kz_mail_to_json(m);
		char *s = kz_json_dump(j, 0);

		if (!s || !kz_utf8_valid(s, strlen(s)))
			fail_at(eml, 0, "json", "valid", s);
		free(s);
		json_decref(j);
	}
	for (line = strtok_r(ex, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *colon;

		lineno++;
		if (line[0] == '#' || !line[0])
			continue;
		if (!(colon = strchr(line, ':'))) {
			fail_at(exp, lineno, "line", "key: value", line);
			continue;
		}
		*colon = '\0';
		check_key(m, line, colon[1] == ' ' ? colon + 2 : colon + 1, exp,
		    lineno);
	}
done:
	kz_mail_free(m);
	free(raw);
	free(ex);
}

static void
test_cases(void **state)
{
	char *dir = tu_data_path("mail");
	char **list;
	size_t n;

	(void)state;
	assert_int_equal(tu_list_dir(&list, &n, dir, ".eml"), 0);
	assert_true(n >= 35);
	for (size_t i = 0; i < n; i++)
		run_case(list[i]);
	printf("%zu mail cases, %d failures\n", n, failures);
	assert_int_equal(failures, 0);
	tu_free_list(list, n);
	free(dir);
}

/* ---- generated at run time ------------------------------------------- */

static char *
read_case(const char *name, size_t *len)
{
	char sub[256], *p, *raw;

	snprintf(sub, sizeof(sub), "mail/%s", name);
	p = tu_data_path(sub);
	raw = tu_read_file(p, len);
	free(p);
	assert_non_null(raw);
	return raw;
}

/* A mail with a datalen-byte pseudo-random attachment, base64. */
static char *
big_mail(size_t datalen, unsigned char hash[32], size_t *outlen)
{
	static const char head[] =
	    "From: big@example.jp\nSubject: big attachment\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: multipart/mixed; boundary=BIG\n\n"
	    "--BIG\nContent-Type: text/plain\n\nsee the attachment\n"
	    "--BIG\nContent-Type: application/octet-stream; name=big.bin\n"
	    "Content-Transfer-Encoding: base64\n\n";
	unsigned char *data = malloc(datalen);
	size_t cap = sizeof(head) + datalen / 57 * 78 + 200, n;
	char *out = malloc(cap);
	uint64_t x = 88172645463325252ULL;

	assert_non_null(data);
	assert_non_null(out);
	for (size_t i = 0; i < datalen; i++)
		data[i] = (unsigned char)tu_next(&x);
	crypto_hash_sha256(hash, data, datalen);
	memcpy(out, head, sizeof(head) - 1);
	n = sizeof(head) - 1;
	for (size_t i = 0; i < datalen; i += 57) {
		size_t k = datalen - i < 57 ? datalen - i : 57;

		sodium_bin2base64(
		    out + n, 80, data + i, k, sodium_base64_VARIANT_ORIGINAL);
		n += strlen(out + n);
		out[n++] = '\n';
	}
	memcpy(out + n, "--BIG--\n", 8);
	n += 8;
	free(data);
	*outlen = n;
	return out;
}

static void
hex(char out[65], const unsigned char h[32])
{
	for (int i = 0; i < 32; i++)
		sprintf(out + 2 * i, "%02x", h[i]);
}

static void
test_attachment_100mb(void **state)
{
	unsigned char h[32];
	char want[65];
	size_t len;
	char *raw = big_mail(100u << 20, h, &len);
	struct kz_mail *m;
	struct kz_mail_limits lim = { 0 };

	(void)state;
	hex(want, h);
	/* Defaults: 50 MB read, the rest recorded as not read. */
	assert_int_equal(kz_mail_parse(&m, raw, len, NULL), 0);
	assert_string_equal(m->text, "see the attachment");
	assert_int_equal(m->n_attachments, 1);
	assert_true(m->attachments[0].truncated);
	assert_true(m->attachments[0].size < (50u << 20));
	assert_true(has_warning(m, "only the first 52428800 bytes"));
	assert_true(has_warning(m, "cut at the size limit"));
	assert_int_equal(m->size, len);
	kz_mail_free(m);
	/* A raised limit reads it whole. */
	lim.max_size = 200u << 20;
	assert_int_equal(kz_mail_parse(&m, raw, len, &lim), 0);
	assert_int_equal(m->n_attachments, 1);
	assert_int_equal(m->attachments[0].size, 100u << 20);
	assert_false(m->attachments[0].truncated);
	assert_string_equal(m->attachments[0].sha256, want);
	assert_string_equal(m->attachments[0].detected, "data");
	kz_mail_free(m);
	free(raw);
}

static void
test_keep_data(void **state)
{
	size_t len;
	char *raw = read_case("0014-attach-pdf-exe.eml", &len);
	struct kz_mail_limits lim = { 0 };
	struct kz_mail *m;
	unsigned char h[32];
	char got[65];

	(void)state;
	assert_int_equal(kz_mail_parse(&m, raw, len, NULL), 0);
	assert_null(m->attachments[0].data);
	kz_mail_free(m);
	lim.flags = KZ_MAIL_KEEP_DATA;
	assert_int_equal(kz_mail_parse(&m, raw, len, &lim), 0);
	assert_int_equal(m->n_attachments, 2);
	for (size_t i = 0; i < 2; i++) {
		const struct kz_mail_attachment *a = &m->attachments[i];

		assert_non_null(a->data);
		crypto_hash_sha256(h, a->data, a->size);
		hex(got, h);
		assert_string_equal(got, a->sha256);
	}
	assert_memory_equal(m->attachments[0].data, "%PDF-", 5);
	kz_mail_free(m);
	free(raw);
}

/* n message/rfc822 parts, one inside the other. */
static char *
deep_mail(int n)
{
	size_t cap = (size_t)n * 80 + 200;
	char *s = malloc(cap);

	s[0] = '\0';
	for (int i = 0; i < n; i++)
		snprintf(s + strlen(s), cap - strlen(s),
		    "From: l%d@example.jp\nSubject: level %d\n"
		    "Content-Type: message/rfc822\n\n",
		    i, i);
	snprintf(s + strlen(s), cap - strlen(s),
	    "From: last@example.jp\nSubject: bottom\n\nbottom text\n");
	return s;
}

static void
test_depth_limit(void **state)
{
	char *raw = deep_mail(30);
	struct kz_mail *m;
	const struct kz_mail *p;
	unsigned levels = 0;
	int warned = 0;

	(void)state;
	assert_int_equal(kz_mail_parse(&m, raw, strlen(raw), NULL), 0);
	for (p = m; p; p = p->n_messages ? p->messages[0] : NULL) {
		warned |= has_warning(p, "nested deeper than 8 levels");
		levels++;
	}
	assert_true(levels <= 9);
	assert_true(warned);
	kz_mail_free(m);
	free(raw);

	/* Far past GMime's own nesting limit: still no crash. */
	raw = deep_mail(5000);
	assert_int_equal(kz_mail_parse(&m, raw, strlen(raw), NULL), 0);
	kz_mail_free(m);
	free(raw);
}

static void
test_max_parts(void **state)
{
	size_t cap = 3000 * 60 + 200;
	char *raw = malloc(cap);
	struct kz_mail_limits lim = { 0 };
	struct kz_mail *m;

	(void)state;
	snprintf(raw, cap,
	    "From: a@example.jp\nSubject: parts\n"
	    "Content-Type: multipart/mixed; boundary=P\n\n");
	for (int i = 0; i < 3000; i++)
		snprintf(raw + strlen(raw), cap - strlen(raw),
		    "--P\nContent-Type: image/gif\n\nGIF89a%d\n", i);
	strcat(raw, "--P--\n");
	lim.max_parts = 100;
	assert_int_equal(kz_mail_parse(&m, raw, strlen(raw), &lim), 0);
	assert_int_equal(m->n_attachments, 99);
	assert_string_equal(m->attachments[0].detected, "gif");
	assert_true(has_warning(m, "more than 100 MIME parts"));
	kz_mail_free(m);
	/* The default, 1000 parts. */
	assert_int_equal(kz_mail_parse(&m, raw, strlen(raw), NULL), 0);
	assert_int_equal(m->n_attachments, 999);
	kz_mail_free(m);
	free(raw);
}

static void
test_max_text(void **state)
{
	size_t len;
	char *raw = read_case("0002-iso2022jp-7bit.eml", &len);
	struct kz_mail_limits lim = { 0 };
	struct kz_mail *m;

	(void)state;
	lim.max_text = 20;
	assert_int_equal(kz_mail_parse(&m, raw, len, &lim), 0);
	assert_true(m->text_len <= 20);
	assert_true(kz_utf8_valid(m->text, m->text_len));
	assert_true(has_warning(m, "cut at 20"));
	kz_mail_free(m);
	free(raw);
}

static void
test_ticket_ref(void **state)
{
	char t[32];

	(void)state;
	assert_int_equal(
	    kz_mail_ticket_ref(t, "Re: [KZ-2026-000042] x", NULL), 0);
	assert_string_equal(t, "KZ-2026-000042");
	assert_int_equal(kz_mail_ticket_ref(t, "KZ-2026-1234567", NULL), 0);
	assert_string_equal(t, "KZ-2026-1234567");
	assert_int_equal(
	    kz_mail_ticket_ref(t, "Re: kz-2026-000042 done", "KZ"), 0);
	assert_string_equal(t, "KZ-2026-000042");
	assert_int_equal(
	    kz_mail_ticket_ref(t, "件名【JPCERT-2025-001234】", "jpcert"), 0);
	assert_string_equal(t, "JPCERT-2025-001234");
	assert_int_equal(
	    kz_mail_ticket_ref(t, "KZ-2026-00042", NULL), KZ_ENOTFOUND);
	assert_int_equal(
	    kz_mail_ticket_ref(t, "XKZ-2026-000042", NULL), KZ_ENOTFOUND);
	assert_int_equal(
	    kz_mail_ticket_ref(t, "KZ-2026-000042abc", NULL), KZ_ENOTFOUND);
	assert_int_equal(
	    kz_mail_ticket_ref(t, "no ticket", NULL), KZ_ENOTFOUND);
	assert_string_equal(t, "");
	assert_int_equal(kz_mail_ticket_ref(t, NULL, NULL), KZ_ENOTFOUND);
	assert_int_equal(
	    kz_mail_ticket_ref(t, "KZ-2026-000042", "K-Z"), KZ_EINVAL);
	assert_non_null(strstr(kz_error_message(), "'K-Z'"));
	/* The first of two wins. */
	assert_int_equal(
	    kz_mail_ticket_ref(t, "[KZ-2026-000001] re [KZ-2026-000002]", NULL),
	    0);
	assert_string_equal(t, "KZ-2026-000001");
}

static void
test_magic(void **state)
{
	(void)state;
	assert_string_equal(kz_mail_magic("", 0), "empty");
	assert_string_equal(kz_mail_magic("GIF89a....", 10), "gif");
	assert_string_equal(kz_mail_magic("\xFF\xD8\xFF\xE0", 4), "jpeg");
	assert_string_equal(kz_mail_magic("\x1F\x8B\x08\x00", 4), "gzip");
	assert_string_equal(kz_mail_magic("\x7F"
					  "ELF\x02",
				5),
	    "elf");
	assert_string_equal(kz_mail_magic("MZ\x90", 3), "mz");
	assert_string_equal(kz_mail_magic("Rar!\x1A\x07\x01", 7), "rar");
	assert_string_equal(kz_mail_magic("{\\rtf1 x", 8), "rtf");
	assert_string_equal(kz_mail_magic("  <!DOCTYPE html><p>", 20), "html");
	assert_string_equal(kz_mail_magic("plain words\n", 12), "text");
	assert_string_equal(kz_mail_magic("\x01\x02\x03\x00\x05", 5), "data");
	assert_string_equal(
	    kz_mail_magic("From: a@b\nSubject: x\n\nhi", 24), "rfc822");
	assert_string_equal(
	    kz_mail_magic(
		"PK\x03\x04\x14\0\0\0\x08\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"
		"\x13\0\0\0[Content_Types].xml",
		49),
	    "ooxml");
}

static void
test_json_and_lookup(void **state)
{
	size_t len;
	char *raw = read_case("0028-dsn-bounce.eml", &len), *s;
	struct kz_mail *m;
	json_t *j, *b;

	(void)state;
	assert_int_equal(kz_mail_parse(&m, raw, len, NULL), 0);
	assert_string_equal(
	    kz_mail_header(m, "message-id"), "<dsn-28@mx.example.org>");
	assert_null(kz_mail_header(m, "X-Nothing"));
	j = kz_mail_to_json(m);
	b = json_object_get(j, "bounce");
	assert_true(json_is_true(json_object_get(b, "failed")));
	assert_string_equal(json_string_value(json_array_get(
				json_object_get(b, "recipients"), 0)),
	    "abuse@hosting.example.net");
	assert_string_equal(
	    json_string_value(json_object_get(j, "sha256")), m->sha256);
	s = kz_json_dump(j, 1);
	assert_non_null(strstr(s, "\"is_bounce\": true"));
	free(s);
	json_decref(j);
	kz_mail_free(m);
	free(raw);
}

/* Every allocation failing in turn: an error or a mail, never a leak. */
static void
test_alloc_failures(void **state)
{
	static const char *const names[] = { "0029-dsn-bounce-rfc822.eml",
		"0017-forwarded-two-levels.eml", "0024-missing-boundary.eml",
		"0012-html-only.eml", NULL };

	(void)state;
	for (int f = 0; names[f]; f++) {
		size_t len;
		char *raw = read_case(names[f], &len);
		struct kz_mail *m;
		unsigned long total;
		int rc;

		kz_alloc_fail_at(0);
		assert_int_equal(kz_mail_parse(&m, raw, len, NULL), 0);
		kz_mail_free(m);
		total = kz_alloc_fail_at(0);
		for (unsigned long n = 1; n <= total; n++) {
			kz_alloc_fail_at(n);
			rc = kz_mail_parse(&m, raw, len, NULL);
			kz_alloc_fail_at(0);
			assert_true(rc == 0 || rc == KZ_ENOMEM);
			if (rc == 0)
				kz_mail_free(m);
			else
				assert_null(m);
		}
		free(raw);
	}
}

/* Mutated copies of every case: the parser keeps its ground. */
static void
test_mutations(void **state)
{
	char *dir = tu_data_path("mail");
	char **list;
	size_t n;
	unsigned long x = 2463534242UL;

	(void)state;
	assert_int_equal(tu_list_dir(&list, &n, dir, ".eml"), 0);
	for (size_t i = 0; i < n; i++) {
		size_t len;
		char *raw = tu_read_file(list[i], &len);

		for (int k = 0; k < 30 && len > 0; k++) {
			char *c = malloc(len);
			size_t cut = len;
			struct kz_mail *m;

			memcpy(c, raw, len);
			for (int f = 0; f < 1 + k % 8; f++) {
				x ^= x << 13;
				x ^= x >> 17;
				x ^= x << 5;
				c[x % len] = (char)(x >> 8);
			}
			if (k % 3 == 0)
				cut = (x >> 4) % len + 1;
			if (kz_mail_parse(&m, c, cut, NULL) == 0) {
				check_utf8(m, list[i]);
				kz_mail_free(m);
			}
			free(c);
		}
		free(raw);
	}
	tu_free_list(list, n);
	free(dir);
	assert_int_equal(failures, 0);
}

static void *
thread_main(void *arg)
{
	char **list = arg;
	long ok = 0;

	for (int r = 0; r < 3; r++)
		for (size_t i = 0; list[i]; i++) {
			size_t len;
			char *raw = tu_read_file(list[i], &len);
			struct kz_mail *m;

			if (kz_mail_parse(&m, raw, len, NULL) == 0) {
				ok++;
				kz_mail_free(m);
			}
			free(raw);
		}
	return (void *)ok;
}

static void
test_threads(void **state)
{
	char *dir = tu_data_path("mail");
	char **list, **nl;
	size_t n;
	pthread_t th[4];
	void *res[4];

	(void)state;
	assert_int_equal(tu_list_dir(&list, &n, dir, ".eml"), 0);
	nl = calloc(n + 1, sizeof(*nl));
	memcpy(nl, list, n * sizeof(*nl));
	for (int i = 0; i < 4; i++)
		assert_int_equal(
		    pthread_create(&th[i], NULL, thread_main, nl), 0);
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], &res[i]);
		assert_true((long)res[i] > 0);
		assert_int_equal((long)res[i], (long)res[0]);
	}
	free(nl);
	tu_free_list(list, n);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_ticket_ref),
		cmocka_unit_test(test_magic),
		cmocka_unit_test(test_json_and_lookup),
		cmocka_unit_test(test_keep_data),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_max_parts),
		cmocka_unit_test(test_max_text),
		cmocka_unit_test(test_alloc_failures),
		cmocka_unit_test(test_mutations),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_attachment_100mb),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
