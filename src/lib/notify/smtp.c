/* SPDX-License-Identifier: MIT */
/* SMTP submission through libcurl's smtp protocol handler. */
#include "smtp.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"

struct upload {
	const char *p;
	size_t left;
};

struct transcript {
	char last[512];  /* the last reply line from the server */
	char first[512]; /* its first 4xx or 5xx reply: why it failed */
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void
curl_init(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

static size_t
read_cb(char *buf, size_t size, size_t nitems, void *arg)
{
	struct upload *u = arg;
	size_t n = size * nitems;

	if (n > u->left)
		n = u->left;
	memcpy(buf, u->p, n);
	u->p += n;
	u->left -= n;
	return n;
}

/* Keeps the server's last reply line: it names why a command failed. */
static int
debug_cb(CURL *h, curl_infotype type, char *data, size_t size, void *arg)
{
	struct transcript *t = arg;
	size_t n = size;

	(void)h;
	if (type != CURLINFO_HEADER_IN)
		return 0;
	while (n && (data[n - 1] == '\n' || data[n - 1] == '\r'))
		n--;
	if (n >= sizeof(t->last))
		n = sizeof(t->last) - 1;
	for (size_t i = 0; i < n; i++)
		t->last[i] =
		    (data[i] >= 0x20 && data[i] < 0x7f) ? data[i] : '?';
	t->last[n] = '\0';
	if (!*t->first && n && (data[0] == '4' || data[0] == '5'))
		memcpy(t->first, t->last, n + 1);
	return 0;
}

int
kz_smtp_send(struct kz_smtp_result *res, const struct kz_smtp_config *cfg,
    const char *from, const char *to, const char *msg, size_t len)
{
	struct upload u = { msg, len };
	struct transcript t = { { 0 }, { 0 } };
	struct curl_slist *rcpt = NULL;
	char errbuf[CURL_ERROR_SIZE] = "", fromb[512], tob[512];
	CURLcode cc;
	CURL *h;
	long code = 0;

	memset(res, 0, sizeof(*res));
	if (!cfg->url ||
	    (strncmp(cfg->url, "smtp://", 7) != 0 &&
		strncmp(cfg->url, "smtps://", 8) != 0))
		return kz_error_set(KZ_EINVAL,
		    "invalid SMTP server '%s' (smtp://HOST:PORT or "
		    "smtps://HOST:PORT)",
		    cfg->url ? cfg->url : "");
	pthread_once(&curl_once, curl_init);
	if (!(h = curl_easy_init()))
		return kz_error_set(KZ_ENOMEM, "out of memory");
	snprintf(fromb, sizeof(fromb), "<%s>", from);
	snprintf(tob, sizeof(tob), "<%s>", to);
	if (!(rcpt = curl_slist_append(NULL, tob))) {
		curl_easy_cleanup(h);
		return kz_error_set(KZ_ENOMEM, "out of memory");
	}
	curl_easy_setopt(h, CURLOPT_URL, cfg->url);
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, fromb);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(h, CURLOPT_READDATA, &u);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(
	    h, CURLOPT_TIMEOUT, cfg->timeout > 0 ? cfg->timeout : 60L);
	curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, debug_cb);
	curl_easy_setopt(h, CURLOPT_DEBUGDATA, &t);
	curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	if (cfg->tls == KZ_SMTP_TLS_TRY)
		curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
	else if (cfg->tls == KZ_SMTP_TLS_REQUIRED)
		curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	if (cfg->insecure) {
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (cfg->user && *cfg->user) {
		curl_easy_setopt(h, CURLOPT_USERNAME, cfg->user);
		curl_easy_setopt(
		    h, CURLOPT_PASSWORD, cfg->password ? cfg->password : "");
	}
	cc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	res->code = code;
	if (cc == CURLE_OK) {
		res->status = KZ_SMTP_SENT;
		snprintf(res->message, sizeof(res->message), "%.500s", t.last);
	} else {
		/* A 5xx reply is the server's final word; anything else
		 * (no connection, timeouts, 4xx) may pass. */
		res->status = code >= 500 && code < 600 ? KZ_SMTP_PERMFAIL :
							  KZ_SMTP_TEMPFAIL;
		if (cc == CURLE_LOGIN_DENIED)
			res->status = KZ_SMTP_TEMPFAIL;
		const char *why = *t.first ? t.first : code ? t.last : "";

		snprintf(res->message, sizeof(res->message), "%.250s%s%.250s",
		    *errbuf ? errbuf : curl_easy_strerror(cc), *why ? ": " : "",
		    why);
	}
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(h);
	return 0;
}

int
kz_smtp_tls_parse(enum kz_smtp_tls *out, const char *s)
{
	static const char *const names[] = { "none", "try", "required" };

	if (!s) {
		*out = KZ_SMTP_TLS_TRY;
		return 0;
	}
	for (int i = 0; i < 3; i++)
		if (strcmp(s, names[i]) == 0) {
			*out = (enum kz_smtp_tls)i;
			return 0;
		}
	return kz_error_set(KZ_EINVAL,
	    "unknown STARTTLS mode '%s' (one of: none, try, required)", s);
}
