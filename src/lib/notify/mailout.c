/* SPDX-License-Identifier: MIT */
/* Writing MIME mail by hand: a few headers, base64 parts, one boundary. */
#include "mailout.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/error.h"
#include "core/strutil.h"

#define WORD_BYTES 39 /* raw bytes per encoded-word: 52 base64 chars */

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void
base64_raw(struct kz_buf *out, const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		unsigned v =
		    (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];

		kz_buf_addc(out, b64[v >> 18 & 63]);
		kz_buf_addc(out, b64[v >> 12 & 63]);
		kz_buf_addc(out, b64[v >> 6 & 63]);
		kz_buf_addc(out, b64[v & 63]);
	}
	if (i < n) {
		unsigned v = (unsigned)p[i] << 16;

		if (i + 1 < n)
			v |= (unsigned)p[i + 1] << 8;
		kz_buf_addc(out, b64[v >> 18 & 63]);
		kz_buf_addc(out, b64[v >> 12 & 63]);
		kz_buf_addc(out, i + 1 < n ? b64[v >> 6 & 63] : '=');
		kz_buf_addc(out, '=');
	}
}

void
kz_mailout_base64(struct kz_buf *out, const void *data, size_t len)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < len; i += 57) {
		base64_raw(out, p + i, len - i < 57 ? len - i : 57);
		kz_buf_add(out, "\r\n", 2);
	}
}

static int
plain_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return 0;
	return 1;
}

void
kz_mailout_header_text(struct kz_buf *out, const char *s, size_t used)
{
	struct kz_buf clean = KZ_BUF_INIT(1 << 20);
	size_t i = 0, n;

	/* no line breaks survive into a header */
	kz_utf8_sanitize(&clean, s, strlen(s));
	for (i = 0; i < clean.len; i++)
		if (clean.ptr[i] == '\r' || clean.ptr[i] == '\n' ||
		    clean.ptr[i] == '\t')
			clean.ptr[i] = ' ';
	if (plain_ascii(clean.ptr) && !strstr(clean.ptr, "=?") &&
	    used + clean.len <= 78) {
		kz_buf_add(out, clean.ptr, clean.len);
		kz_buf_release(&clean);
		return;
	}
	for (i = 0; i < clean.len; i += n) {
		n = kz_utf8_cut(clean.ptr + i, clean.len - i, WORD_BYTES);
		if (!n) /* cannot happen with valid UTF-8; stay safe */
			n = 1;
		if (i)
			kz_buf_add(out, "\r\n ", 3);
		kz_buf_adds(out, "=?UTF-8?B?");
		base64_raw(out, (const unsigned char *)clean.ptr + i, n);
		kz_buf_adds(out, "?=");
	}
	kz_buf_release(&clean);
}

char *
kz_mailout_date(char out[40], int64_t t)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
		"Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May",
		"Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	snprintf(out, 40, "%s, %02d %s %04d %02d:%02d:%02d +0000",
	    days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900,
	    tm.tm_hour, tm.tm_min, tm.tm_sec);
	return out;
}

/* An address or id fit to go between angle brackets in a header. */
static int
check_token(const char *what, const char *s, int need_at)
{
	if (!s || !*s)
		return kz_error_set(KZ_EINVAL, "the mail has no %s", what);
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == '<' || *p == '>' ||
		    *p == '"' || *p == ',' || (unsigned char)*p == 0x7f)
			return kz_error_set(KZ_EINVAL,
			    "invalid %s '%s' (no spaces, line breaks, "
			    "brackets or commas)",
			    what, s);
	if (need_at && !strchr(s, '@'))
		return kz_error_set(
		    KZ_EINVAL, "invalid %s '%s' (no '@')", what, s);
	return 0;
}

static void
text_part_headers(struct kz_buf *b)
{
	kz_buf_adds(b,
	    "Content-Type: text/plain; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: base64\r\n");
}

/* The body with "\n" turned into CRLF before encoding. */
static void
add_body(struct kz_buf *b, const char *body)
{
	struct kz_buf t = KZ_BUF_INIT(64u << 20);

	for (const char *p = body; *p; p++) {
		if (*p == '\r')
			continue;
		if (*p == '\n')
			kz_buf_addc(&t, '\r');
		kz_buf_addc(&t, *p);
	}
	if (t.err)
		b->err = t.err;
	kz_mailout_base64(b, t.ptr, t.len);
	kz_buf_release(&t);
}

int
kz_mailout_build(struct kz_buf *out, const struct kz_mailout *m)
{
	unsigned char rnd[12];
	char boundary[64], hex[25], date[40];
	int rc;

	if ((rc = check_token("sender address", m->from, 1)) ||
	    (rc = check_token("recipient address", m->to, 1)) ||
	    (rc = check_token("Message-ID", m->message_id, 1)) ||
	    (m->in_reply_to &&
		(rc = check_token("In-Reply-To", m->in_reply_to, 1))))
		return rc;
	for (size_t i = 0; i < m->n_parts; i++) {
		const char *f = m->parts[i].filename;

		if (!f || !*f || !plain_ascii(f) || strpbrk(f, "\"\\/") ||
		    !m->parts[i].content_type ||
		    !plain_ascii(m->parts[i].content_type))
			return kz_error_set(KZ_EINVAL,
			    "invalid attachment name '%s'", f ? f : "");
	}
	kz_buf_addf(out, "Date: %s\r\n", kz_mailout_date(date, m->date));
	kz_buf_adds(out, "From: ");
	if (m->from_name && *m->from_name) {
		struct kz_buf q = KZ_BUF_INIT(4096);
		const char *p;

		if (plain_ascii(m->from_name)) {
			kz_buf_addc(&q, '"');
			for (p = m->from_name; *p; p++) {
				if (*p == '"' || *p == '\\')
					kz_buf_addc(&q, '\\');
				kz_buf_addc(&q, *p);
			}
			kz_buf_addc(&q, '"');
			kz_buf_add(out, q.ptr, q.len);
		} else {
			kz_mailout_header_text(out, m->from_name, 6);
		}
		kz_buf_release(&q);
		kz_buf_addf(out, " <%s>\r\n", m->from);
	} else {
		kz_buf_addf(out, "%s\r\n", m->from);
	}
	kz_buf_addf(out, "To: %s\r\n", m->to);
	kz_buf_adds(out, "Subject: ");
	kz_mailout_header_text(out, m->subject ? m->subject : "", 9);
	kz_buf_adds(out, "\r\n");
	kz_buf_addf(out, "Message-ID: <%s>\r\n", m->message_id);
	if (m->in_reply_to)
		kz_buf_addf(out, "In-Reply-To: <%s>\r\nReferences: <%s>\r\n",
		    m->in_reply_to, m->in_reply_to);
	if (m->ticket && plain_ascii(m->ticket) && !strpbrk(m->ticket, " <>"))
		kz_buf_addf(out, "X-Kizuki-Ticket: %s\r\n", m->ticket);
	kz_buf_adds(out, "MIME-Version: 1.0\r\n");
	if (!m->n_parts) {
		text_part_headers(out);
		kz_buf_adds(out, "\r\n");
		add_body(out, m->body ? m->body : "");
		return out->err ? kz_error_set(KZ_ENOMEM, "out of memory") : 0;
	}
	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(hex, sizeof(hex), rnd, sizeof(rnd));
	snprintf(boundary, sizeof(boundary), "=_kizuki_%s", hex);
	kz_buf_addf(out,
	    "Content-Type: multipart/mixed; boundary=\"%s\"\r\n\r\n"
	    "This is a multi-part message in MIME format.\r\n",
	    boundary);
	kz_buf_addf(out, "\r\n--%s\r\n", boundary);
	text_part_headers(out);
	kz_buf_adds(out, "Content-Disposition: inline\r\n\r\n");
	add_body(out, m->body ? m->body : "");
	for (size_t i = 0; i < m->n_parts; i++) {
		const struct kz_mailout_part *p = &m->parts[i];

		kz_buf_addf(out, "\r\n--%s\r\n", boundary);
		kz_buf_addf(out,
		    "Content-Type: %s; name=\"%s\"\r\n"
		    "Content-Transfer-Encoding: base64\r\n"
		    "Content-Disposition: attachment; filename=\"%s\"\r\n\r\n",
		    p->content_type, p->filename, p->filename);
		kz_mailout_base64(out, p->data, p->len);
	}
	kz_buf_addf(out, "\r\n--%s--\r\n", boundary);
	return out->err ? kz_error_set(KZ_ENOMEM, "out of memory") : 0;
}
