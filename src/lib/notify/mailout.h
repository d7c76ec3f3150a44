/* SPDX-License-Identifier: MIT */
/*
 * Outgoing mail: an RFC 5322 message with MIME (RFC 2045-2049). The text
 * is UTF-8 in base64; a subject or display name that is not plain ASCII
 * becomes RFC 2047 encoded-words (UTF-8, "B"), folded. Attachments go in
 * a multipart/mixed after the text. Lines end with CRLF, as SMTP wants.
 */
#ifndef KZ_MAILOUT_H
#define KZ_MAILOUT_H

#include <stddef.h>
#include <stdint.h>

struct kz_buf;

struct kz_mailout_part {
	const char *content_type; /* "application/json" */
	const char *filename;     /* ASCII, e.g. "iodef.xml" */
	const void *data;
	size_t len;
};

struct kz_mailout {
	const char *from;        /* address */
	const char *from_name;   /* display name, may be NULL */
	const char *to;          /* address */
	const char *subject;     /* UTF-8 */
	const char *message_id;  /* without brackets */
	const char *in_reply_to; /* without brackets, may be NULL */
	const char *ticket;      /* X-Kizuki-Ticket, may be NULL */
	int64_t date;
	const char *body; /* UTF-8 text, "\n" line ends */
	const struct kz_mailout_part *parts;
	size_t n_parts;
};

/*
 * Appends the message to out. KZ_EINVAL naming the field when an address
 * or the Message-ID is missing or holds a line break, angle bracket or
 * space (header injection); KZ_ENOMEM.
 */
int kz_mailout_build(struct kz_buf *out, const struct kz_mailout *m);

/*
 * Appends s as a header value: as is when it is printable ASCII, else as
 * encoded-words folded so that no line passes 76 characters; used is how
 * many characters of the line the header name took ("Subject: " = 9).
 */
void kz_mailout_header_text(struct kz_buf *out, const char *s, size_t used);

/* Appends data as base64 in lines of 76 characters, each ending CRLF. */
void kz_mailout_base64(struct kz_buf *out, const void *data, size_t len);

/* An RFC 5322 date for t, "Mon, 23 Nov 2026 09:30:00 +0000", into out. */
char *kz_mailout_date(char out[40], int64_t t);

#endif
