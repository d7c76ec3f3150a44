/* SPDX-License-Identifier: MIT */
/* X-ARF v4 JSON reports built with jansson. */
#include "xarf.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/error.h"
#include "core/timeutil.h"

#define EXCERPT_MAX (64u << 10)

int
kz_xarf_can_report(enum kz_ioc_type t)
{
	return t == KZ_IOC_IPV4 || t == KZ_IOC_IPV6 || t == KZ_IOC_CIDR ||
	    t == KZ_IOC_DOMAIN || t == KZ_IOC_URL || t == KZ_IOC_EMAIL;
}

static void
uuid4(char out[37])
{
	unsigned char r[16];

	randombytes_buf(r, sizeof(r));
	r[6] = (r[6] & 0x0f) | 0x40;
	r[8] = (r[8] & 0x3f) | 0x80;
	snprintf(out, 37,
	    "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
	    r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10],
	    r[11], r[12], r[13], r[14], r[15]);
}

/* The host of a URL, into out; "" when there is none. */
static void
url_host(char *out, size_t outsz, const char *url)
{
	const char *p = strstr(url, "://"), *e;
	size_t n;

	out[0] = '\0';
	if (!p)
		return;
	p += 3;
	e = p + strcspn(p, "/?#");
	{
		const char *at = memchr(p, '@', (size_t)(e - p));

		if (at)
			p = at + 1;
	}
	n = (size_t)(e - p);
	if (*p == '[') {
		const char *rb = memchr(p, ']', n);

		if (rb) {
			p++;
			n = (size_t)(rb - p);
		}
	} else {
		const char *colon = memchr(p, ':', n);

		if (colon)
			n = (size_t)(colon - p);
	}
	if (n >= outsz)
		n = outsz - 1;
	memcpy(out, p, n);
	out[n] = '\0';
}

static json_t *
party(const struct kz_notice_data *d)
{
	return json_pack("{s:s, s:s, s:s}", "org", d->team ? d->team : "",
	    "contact", d->team_email ? d->team_email : "", "domain",
	    d->team_domain ? d->team_domain : "");
}

int
kz_xarf_build(struct kz_buf *out, const struct kz_notice_data *d, size_t i)
{
	const struct kz_notice_ioc *ioc;
	const char *cat, *type;
	char id[37], ts[KZ_TIME_STRLEN], host[256];
	json_t *r, *tags;
	char *s;

	if (i >= d->n_iocs || !kz_xarf_can_report(d->iocs[i].type))
		return kz_error_set(KZ_EINVAL,
		    "an X-ARF report needs an address, a domain, a URL or an "
		    "e-mail address as its source");
	ioc = &d->iocs[i];
	switch (d->category) {
	case KZ_CAT_PHISHING:
		cat = "content", type = "phishing";
		break;
	case KZ_CAT_MALWARE_SITE:
		cat = "content", type = "malware";
		break;
	case KZ_CAT_DEFACEMENT:
		cat = "content", type = "remote_compromise";
		break;
	case KZ_CAT_SCAN:
		cat = "connection", type = "port_scan";
		break;
	case KZ_CAT_DOS:
		cat = "connection", type = "ddos";
		break;
	default:
		cat = "infrastructure", type = "compromised_server";
		break;
	}
	uuid4(id);
	r = json_object();
	tags = json_array();
	if (!r || !tags) {
		json_decref(r);
		json_decref(tags);
		return kz_error_set(KZ_ENOMEM, "out of memory");
	}
	json_object_set_new(r, "xarf_version", json_string("4.0.0"));
	json_object_set_new(r, "report_id", json_string(id));
	json_object_set_new(
	    r, "timestamp", json_string(kz_time_format(ts, d->now)));
	json_object_set_new(r, "reporter", party(d));
	json_object_set_new(r, "sender", party(d));
	if (ioc->type == KZ_IOC_URL) {
		url_host(host, sizeof(host), ioc->value);
		json_object_set_new(r, "source_identifier",
		    json_string(*host ? host : ioc->value));
	} else {
		json_object_set_new(
		    r, "source_identifier", json_string(ioc->value));
	}
	json_object_set_new(r, "category", json_string(cat));
	json_object_set_new(r, "type", json_string(type));
	json_object_set_new(r, "evidence_source", json_string("user_report"));
	if (strcmp(cat, "content") == 0) {
		if (ioc->type == KZ_IOC_URL) {
			json_object_set_new(r, "url", json_string(ioc->value));
			if (*host)
				json_object_set_new(
				    r, "domain", json_string(host));
		} else if (ioc->type == KZ_IOC_DOMAIN) {
			char u[300];

			snprintf(u, sizeof(u), "http://%s/", ioc->value);
			json_object_set_new(r, "url", json_string(u));
			json_object_set_new(
			    r, "domain", json_string(ioc->value));
		}
		if (d->category == KZ_CAT_DEFACEMENT)
			json_object_set_new(
			    r, "compromise_type", json_string("defacement"));
		json_object_set_new(
		    r, "verification_method", json_string("user_report"));
	} else if (strcmp(cat, "connection") == 0) {
		json_object_set_new(r, "protocol", json_string("tcp"));
	}
	if (d->title)
		json_object_set_new(r, "description", json_string(d->title));
	if (ioc->first_seen || d->first_seen)
		json_object_set_new(r, "first_seen",
		    json_string(kz_time_format(ts,
			ioc->first_seen ? ioc->first_seen : d->first_seen)));
	if (ioc->last_seen || d->last_seen)
		json_object_set_new(r, "last_seen",
		    json_string(kz_time_format(
			ts, ioc->last_seen ? ioc->last_seen : d->last_seen)));
	if (d->excerpt && *d->excerpt) {
		size_t n = strlen(d->excerpt);
		size_t b64 =
		    sodium_base64_encoded_len(n < EXCERPT_MAX ? n : EXCERPT_MAX,
			sodium_base64_VARIANT_ORIGINAL);
		char *enc = malloc(b64);
		unsigned char h[crypto_hash_sha256_BYTES];
		char hex[2 * sizeof(h) + 1], hs[80];

		if (n > EXCERPT_MAX)
			n = EXCERPT_MAX;
		if (enc) {
			sodium_bin2base64(enc, b64,
			    (const unsigned char *)d->excerpt, n,
			    sodium_base64_VARIANT_ORIGINAL);
			crypto_hash_sha256(
			    h, (const unsigned char *)d->excerpt, n);
			sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
			snprintf(hs, sizeof(hs), "sha256:%s", hex);
			json_object_set_new(r, "evidence",
			    json_pack("[{s:s, s:s, s:s, s:s}]", "content_type",
				"text/plain; charset=utf-8", "description",
				"excerpt of the report", "payload", enc, "hash",
				hs));
			free(enc);
		}
	}
	if (d->ticket) {
		char t[64];

		snprintf(t, sizeof(t), "ticket:%s", d->ticket);
		json_array_append_new(tags, json_string(t));
	}
	if (ioc->ticket && (!d->ticket || strcmp(ioc->ticket, d->ticket))) {
		char t[64];

		snprintf(t, sizeof(t), "ticket:%s", ioc->ticket);
		json_array_append_new(tags, json_string(t));
	}
	json_object_set_new(r, "tags", tags);
	s = json_dumps(
	    r, JSON_INDENT(2) | JSON_ENSURE_ASCII | JSON_PRESERVE_ORDER);
	json_decref(r);
	if (!s)
		return kz_error_set(KZ_ENOMEM, "out of memory");
	kz_buf_adds(out, s);
	kz_buf_addc(out, '\n');
	free(s);
	if (out->err)
		return kz_error_set(KZ_ENOMEM, "out of memory");
	return 0;
}
