/* SPDX-License-Identifier: MIT */
/*
 * The mail parser for incident intake: RFC 5322 and MIME through GMime 3,
 * every text turned into UTF-8 (Japanese charsets detected when undeclared
 * or declared wrongly), attachments hashed and typed, forwarded mails parsed
 * as child mails, delivery status notifications recognised.
 */
#ifndef KZ_MAIL_H
#define KZ_MAIL_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* clang-format off */
#define KZ_MAIL_MAX_SIZE  (50u << 20) /* default limits, see kz_mail_limits */
#define KZ_MAIL_MAX_DEPTH 8
#define KZ_MAIL_MAX_PARTS 1000
#define KZ_MAIL_MAX_TEXT  (10u << 20)
/* clang-format on */

enum kz_mail_flags {
	/* Keep the decoded bytes of each attachment in attachment->data. */
	KZ_MAIL_KEEP_DATA = 1 << 0,
};

/*
 * Limits for one parse; a field left 0 takes its default. A mail longer
 * than max_size is read up to max_size: what lies beyond is not read, and
 * a warning and the truncated flag of the part cut say so.
 */
struct kz_mail_limits {
	size_t max_size;    /* bytes of the mail read (50 MB) */
	unsigned max_depth; /* nesting of multiparts and messages (8) */
	unsigned max_parts; /* MIME parts over the whole mail (1000) */
	size_t max_text;    /* bytes of text and of html_text kept (10 MB) */
	unsigned flags;     /* enum kz_mail_flags */
};

struct kz_mail_addr {
	char *name; /* display name, decoded; NULL when none */
	char *addr; /* the address as written; "" for the null path <> */
};

struct kz_mail_header {
	char *name;  /* as written */
	char *value; /* unfolded, encoded-words decoded */
	char *raw;   /* unfolded, not decoded (8-bit text made UTF-8) */
};

struct kz_mail_attachment {
	char *filename;       /* decoded; NULL when the part names none */
	char *content_type;   /* declared, lower case "type/subtype" */
	const char *detected; /* by magic bytes, see kz_mail_magic(); static */
	size_t size;          /* decoded bytes */
	char sha256[65];      /* hex of the decoded bytes */
	unsigned part;        /* the part number used in warnings */
	int truncated;        /* the mail ended inside this part */
	unsigned char *data; /* decoded bytes with KZ_MAIL_KEEP_DATA, or NULL */
};

/*
 * One parsed mail. Every string is valid UTF-8 (bytes that could not be
 * decoded are U+FFFD) and NUL-free. All memory belongs to the struct and
 * goes with kz_mail_free().
 */
struct kz_mail {
	char *subject;                 /* "" when missing */
	struct kz_mail_addr *from;     /* first From mailbox; NULL when none */
	struct kz_mail_addr *reply_to; /* first Reply-To mailbox, or NULL */
	char *return_path;             /* Return-Path address, or NULL */
	struct kz_mail_addr *to;
	size_t n_to;
	struct kz_mail_addr *cc;
	size_t n_cc;
	char *message_id;  /* without the angle brackets; NULL when none */
	char *in_reply_to; /* the same */
	char **references;
	size_t n_references;
	int64_t date;    /* seconds since the epoch; 0 when missing or bad */
	char *date_raw;  /* the Date header as written, or NULL */
	char **received; /* raw Received values, the top (latest) first */
	size_t n_received;
	struct kz_mail_header *headers; /* in order; see kz_mail_header() */
	size_t n_headers;
	char *content_type; /* of the whole mail, "type/subtype" */
	char *report_type;  /* multipart/report's report-type, or NULL */

	/*
	 * The body for reading and extraction: the text/plain parts (in a
	 * multipart/alternative the plain one, or the HTML one turned into
	 * text when there is no plain one). html_text: every HTML part turned
	 * into text, link targets kept as "<url>"; NULL when there is none.
	 */
	char *text;
	size_t text_len;
	char *html_text;

	struct kz_mail_attachment *attachments;
	size_t n_attachments;
	struct kz_mail **messages; /* message/rfc822 parts (forwarded mails) */
	size_t n_messages;
	char **warnings; /* what could not be read, e.g. "part 3: ..." */
	size_t n_warnings;

	/* Delivery status notification (multipart/report; delivery-status). */
	int is_bounce;            /* 1 when some recipient failed */
	char *bounce_action;      /* "failed", "delayed" ...; or NULL */
	char *bounce_status;      /* "5.1.1" of the first failed recipient */
	char *bounce_diagnostic;  /* its Diagnostic-Code, or NULL */
	char *bounce_message_id;  /* Message-ID of the mail that bounced */
	char **bounce_recipients; /* the failed recipients */
	size_t n_bounce_recipients;

	size_t size;     /* bytes of the raw mail (for a child: re-written) */
	char sha256[65]; /* hex sha256 of those bytes */
	unsigned depth;  /* 0 for the mail parsed, 1 for a forwarded one ... */
};

/*
 * Parses raw[0..len) as one mail. lim may be NULL for the defaults.
 * Returns 0 with *out set (caller frees with kz_mail_free()); KZ_EINVAL
 * when the bytes are no mail at all (empty, no header lines, binary data),
 * with a message naming the problem; KZ_ENOMEM. Damage inside a mail is
 * not an error: what can be read is kept and m->warnings says what could
 * not. Thread-safe; GMime is initialised on first use.
 */
int kz_mail_parse(struct kz_mail **out, const char *raw, size_t len,
    const struct kz_mail_limits *lim);

void kz_mail_free(struct kz_mail *m);

/*
 * The decoded value of the first header called name (any case), or NULL.
 * Borrowed from m.
 */
const char *kz_mail_header(const struct kz_mail *m, const char *name);

/*
 * Finds a ticket id PREFIX-YYYY-NNNNNN (6 or more digits), bracketed or
 * not, in subject; prefix NULL means "KZ". The prefix matches in any case
 * and out receives it upper-cased, e.g. "KZ-2026-000042". Returns 0 when
 * found, KZ_ENOTFOUND when not, KZ_EINVAL for a bad prefix.
 */
int kz_mail_ticket_ref(char out[32], const char *subject, const char *prefix);

/*
 * The type of data judged by its first bytes: "empty", "zip", "ooxml",
 * "gzip", "bzip2", "7z", "rar", "pdf", "png", "jpeg", "gif", "bmp", "ole"
 * (MS Office 97-2003, .msg), "rtf", "pe", "mz", "elf", "macho", "lnk",
 * "iso", "html", "rfc822", "text" or "data". Static string.
 */
const char *kz_mail_magic(const void *data, size_t len);

/* The mail as a JSON object (attachment data left out). New reference. */
json_t *kz_mail_to_json(const struct kz_mail *m);

#endif
