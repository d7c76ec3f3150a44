/* SPDX-License-Identifier: MIT */
/*
 * Sending one message over SMTP with libcurl: smtp:// (with STARTTLS when
 * asked) or smtps://, optional login. The result says whether the server
 * took the message and, when not, whether trying again later can help
 * (connection failures, 4xx replies) or not (5xx replies, such as a
 * refused recipient), with the server's own words.
 */
#ifndef KZ_SMTP_H
#define KZ_SMTP_H

#include <stddef.h>

enum kz_smtp_tls {
	KZ_SMTP_TLS_NONE,     /* plain smtp:// */
	KZ_SMTP_TLS_TRY,      /* STARTTLS when the server offers it */
	KZ_SMTP_TLS_REQUIRED, /* STARTTLS or fail */
};

/*
 * "none", "try" or "required"; NULL is try. KZ_EINVAL naming the value
 * otherwise.
 */
int kz_smtp_tls_parse(enum kz_smtp_tls *out, const char *s);

struct kz_smtp_config {
	const char *url;  /* smtp://host:port or smtps://host:port */
	const char *user; /* NULL: no login */
	const char *password;
	enum kz_smtp_tls tls;
	long timeout; /* seconds for the whole transaction; 0: 60 */
	int insecure; /* skip certificate checks (tests only) */
};

enum kz_smtp_status {
	KZ_SMTP_SENT,
	KZ_SMTP_TEMPFAIL, /* try again later */
	KZ_SMTP_PERMFAIL, /* the server refused: do not try again */
};

struct kz_smtp_result {
	enum kz_smtp_status status;
	long code;         /* last SMTP reply code, 0 when none */
	char message[512]; /* what went wrong, with the server's reply */
};

/*
 * Sends msg[0..len) (CRLF lines) from `from` to `to`. Returns 0 when the
 * transaction ran to a verdict in *res (sent, tempfail, permfail), or
 * KZ_EINVAL for a bad configuration (URL scheme) and KZ_ENOMEM.
 */
int kz_smtp_send(struct kz_smtp_result *res, const struct kz_smtp_config *cfg,
    const char *from, const char *to, const char *msg, size_t len);

#endif
