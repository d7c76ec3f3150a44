/* SPDX-License-Identifier: MIT */
/*
 * Zeek logs (TSV with #fields headers, and JSON lines) and generic JSON
 * lines with a field map. Zeek fields are known by name: only those that
 * can hold an indicator are read.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "format/log_int.h"

enum role {
	R_NONE = 0,
	R_TS,
	R_CLIENT, /* id.orig_h: the client, and matched as an address */
	R_IP,
	R_IP_SET,
	R_HOST,
	R_HOST_SET,
	R_HTTP_HOST,
	R_URI,
	R_URL,
	R_EMAIL,
	R_EMAIL_SET,
	R_ANY,
};

/* clang-format off */
static const struct { const char *name; uint8_t role; } zeek_fields[] = {
	{ "ts", R_TS },
	{ "id.orig_h", R_CLIENT },
	{ "id.resp_h", R_IP },
	{ "query", R_HOST },
	{ "answers", R_HOST_SET },
	{ "host", R_HTTP_HOST },
	{ "uri", R_URI },
	{ "referrer", R_URL },
	{ "server_name", R_HOST },
	{ "mailfrom", R_EMAIL },
	{ "rcptto", R_EMAIL_SET },
	{ "from", R_EMAIL },
	{ "to", R_EMAIL_SET },
	{ "cc", R_EMAIL_SET },
	{ "reply_to", R_EMAIL },
	{ "x_originating_ip", R_IP },
	{ "helo", R_HOST },
	{ "path", R_IP_SET },
	{ "tx_hosts", R_IP_SET },
	{ "rx_hosts", R_IP_SET },
};
/* clang-format on */

#define NZEEK (sizeof(zeek_fields) / sizeof(zeek_fields[0]))

/* role byte: index into zeek_fields + 1, 0 for none */
static uint8_t
zeek_field_index(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < NZEEK; i++)
		if (strlen(zeek_fields[i].name) == len &&
		    !memcmp(zeek_fields[i].name, name, len))
			return (uint8_t)(i + 1);
	return 0;
}

static enum kz_log_kind
kind_of(uint8_t role)
{
	switch (role) {
	case R_CLIENT:
	case R_IP:
	case R_IP_SET:
		return KZ_LV_IP;
	case R_HOST:
	case R_HOST_SET:
	case R_HTTP_HOST:
		return KZ_LV_HOST;
	case R_URL:
	case R_URI:
		return KZ_LV_URL;
	case R_EMAIL:
	case R_EMAIL_SET:
		return KZ_LV_EMAIL;
	default:
		return KZ_LV_ANY;
	}
}

/* http.log: the URL is host + uri unless the uri is absolute (proxy). */
static void
add_http_url(struct kz_log_record *rec, const char *host, size_t hlen,
    const char *uri, size_t ulen)
{
	char *s;

	if (!uri || !ulen)
		return;
	if (memmem(uri, ulen > 16 ? 16 : ulen, "://", 3)) {
		log_add(rec, "uri", uri, ulen, KZ_LV_URL);
		return;
	}
	if (!host || !hlen || *uri != '/')
		return;
	s = log_scratch(rec, 7 + hlen + ulen);
	if (!s)
		return;
	memcpy(s, "http://", 7);
	memcpy(s + 7, host, hlen);
	memcpy(s + 7 + hlen, uri, ulen);
	log_add(rec, "uri", s, 7 + hlen + ulen, KZ_LV_URL);
}

/* Parses a Zeek "#fields" (or other header) line into p. */
static void
zeek_header(struct kz_log_parser *p, const char *line, size_t len)
{
	const char *e = line + len, *s;

	if (len > 11 && !memcmp(line, "#separator ", 11)) {
		s = line + 11;
		if (e - s >= 4 && s[0] == '\\' && s[1] == 'x')
			p->sep =
			    (char)strtol((char[]){ s[2], s[3], 0 }, NULL, 16);
		else
			p->sep = *s;
		return;
	}
	if (len > 15 && !memcmp(line, "#set_separator", 14)) {
		p->set_sep = line[15];
		return;
	}
	if (len > 7 && !memcmp(line, "#fields", 7) && line[7] == p->sep) {
		unsigned n = 0;

		s = line + 8;
		while (s <= e && n < KZ_ZEEK_MAXFIELDS) {
			const char *f = memchr(s, p->sep, (size_t)(e - s));
			const char *fe = f ? f : e;

			p->role[n++] = zeek_field_index(s, (size_t)(fe - s));
			if (!f)
				break;
			s = f + 1;
		}
		p->nfields = n;
	}
}

static void
add_set(struct kz_log_record *rec, const char *field, const char *v, size_t len,
    char sep, enum kz_log_kind kind)
{
	const char *e = v + len;

	while (v < e) {
		const char *c = memchr(v, sep, (size_t)(e - v));
		const char *ve = c ? c : e;

		log_add(rec, field, v, (size_t)(ve - v), kind);
		v = c ? c + 1 : e;
	}
}

enum kz_log_status
log_zeek_tsv(struct kz_log_parser *p, struct kz_log_record *rec,
    const char *line, size_t len)
{
	const char *s = line, *e = line + len;
	const char *host = NULL, *uri = NULL;
	size_t hlen = 0, ulen = 0;
	unsigned i = 0;
	int all = 0;

	log_reset(rec, KZ_LOG_ZEEK);
	if (len && line[0] == '#') {
		zeek_header(p, line, len);
		return KZ_LOG_SKIP;
	}
	if (!p->nfields)
		return KZ_LOG_BAD;
	while (s <= e && i < p->nfields) {
		const char *f = memchr(s, p->sep, (size_t)(e - s));
		const char *fe = f ? f : e;
		size_t fl = (size_t)(fe - s);
		uint8_t idx = p->role[i];

		if (idx && !(fl == 1 && *s == '-') &&
		    !(fl == 7 && !memcmp(s, "(empty)", 7))) {
			const char *name = zeek_fields[idx - 1].name;
			uint8_t role = zeek_fields[idx - 1].role;

			switch (role) {
			case R_TS:
				rec->time = s;
				rec->time_len = (uint32_t)fl;
				rec->time_kind = KZ_LT_EPOCH;
				break;
			case R_CLIENT:
				rec->client = s;
				rec->client_len = (uint32_t)fl;
				log_add(rec, name, s, fl, KZ_LV_IP);
				break;
			case R_HTTP_HOST:
				host = s;
				hlen = fl;
				log_add(rec, name, s, fl, KZ_LV_HOST);
				break;
			case R_URI:
				uri = s;
				ulen = fl;
				break;
			case R_IP_SET:
			case R_HOST_SET:
			case R_EMAIL_SET:
				add_set(rec, name, s, fl, p->set_sep,
				    kind_of(role));
				break;
			default:
				log_add(rec, name, s, fl, kind_of(role));
				break;
			}
		}
		i++;
		if (!f) {
			all = 1;
			break;
		}
		s = f + 1;
	}
	if (i != p->nfields || !all)
		return KZ_LOG_BAD; /* field count differs from the header */
	add_http_url(rec, host, hlen, uri, ulen);
	return KZ_LOG_OK;
}

/* Adds one JSON value (a string, or an array of them) with kind. */
static void
add_json(struct kz_log_record *rec, const char *field, json_t *v,
    enum kz_log_kind kind)
{
	size_t i;
	json_t *x;

	if (json_is_string(v)) {
		log_add(rec, field, json_string_value(v), json_string_length(v),
		    kind);
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, x)
		{
			if (json_is_string(x))
				log_add(rec, field, json_string_value(x),
				    json_string_length(x), kind);
		}
	}
}

static void
json_time(struct kz_log_record *rec, json_t *v)
{
	if (json_is_number(v)) {
		double d = json_number_value(v);

		/* as the text form: up to 13 digits of seconds, no sign */
		if (d >= 0 && d < 1e13) {
			rec->time_value = (int64_t)d;
			rec->time_kind = KZ_LT_VALUE;
		}
	} else if (json_is_string(v)) {
		const char *s = json_string_value(v);
		size_t n = json_string_length(v), i;
		int digits = 1;

		for (i = 0; i < n; i++)
			if (!((s[i] >= '0' && s[i] <= '9') || s[i] == '.'))
				digits = 0;
		rec->time = s;
		rec->time_len = (uint32_t)n;
		rec->time_kind = digits ? KZ_LT_EPOCH : KZ_LT_ISO;
	}
}

static json_t *
parse_object(struct kz_log_record *rec, const char *line, size_t len)
{
	json_t *j;

	if (rec->json) {
		json_decref(rec->json);
		rec->json = NULL;
	}
	j = json_loadb(line, len, 0, NULL);
	if (!j)
		return NULL;
	if (!json_is_object(j)) {
		json_decref(j);
		return NULL;
	}
	rec->json = j;
	return j;
}

enum kz_log_status
log_zeek_json(struct kz_log_record *rec, const char *line, size_t len)
{
	const char *key, *host = NULL, *uri = NULL;
	size_t hlen = 0, ulen = 0;
	json_t *j, *v;

	log_reset(rec, KZ_LOG_ZEEK_JSON);
	j = parse_object(rec, line, len);
	if (!j || !json_object_get(j, "ts"))
		return KZ_LOG_BAD;
	json_object_foreach(j, key, v)
	{
		uint8_t idx = zeek_field_index(key, strlen(key)), role;
		const char *name;

		if (!idx)
			continue;
		name = zeek_fields[idx - 1].name;
		role = zeek_fields[idx - 1].role;
		switch (role) {
		case R_TS:
			json_time(rec, v);
			break;
		case R_CLIENT:
			if (json_is_string(v)) {
				rec->client = json_string_value(v);
				rec->client_len =
				    (uint32_t)json_string_length(v);
			}
			add_json(rec, name, v, KZ_LV_IP);
			break;
		case R_HTTP_HOST:
			if (json_is_string(v)) {
				host = json_string_value(v);
				hlen = json_string_length(v);
			}
			add_json(rec, name, v, KZ_LV_HOST);
			break;
		case R_URI:
			if (json_is_string(v)) {
				uri = json_string_value(v);
				ulen = json_string_length(v);
			}
			break;
		default:
			add_json(rec, name, v, kind_of(role));
			break;
		}
	}
	add_http_url(rec, host, hlen, uri, ulen);
	return KZ_LOG_OK;
}

/* ---- JSON lines with a field map ---------------------------------- */

struct mapent {
	char *path;
	uint8_t role;
};

struct kz_log_fieldmap {
	size_t n;
	struct mapent e[32];
};

int
kz_log_fieldmap_parse(struct kz_log_fieldmap **out, const char *spec)
{
	/* clang-format off */
	static const struct { const char *name; uint8_t role; } roles[] = {
		{ "client", R_CLIENT }, { "ip", R_IP }, { "host", R_HOST },
		{ "domain", R_HOST }, { "url", R_URL }, { "email", R_EMAIL },
		{ "any", R_ANY }, { "time", R_TS },
	};
	/* clang-format on */
	struct kz_log_fieldmap *m;
	const char *p = spec;
	int rc = 0;

	*out = NULL;
	m = kz_calloc(1, sizeof(*m));
	if (!m)
		return kz_error_set(KZ_ENOMEM, "out of memory");
	while (*p && !rc) {
		const char *c = strchr(p, ','), *eq;
		size_t len = c ? (size_t)(c - p) : strlen(p), i;
		char ent[256];

		snprintf(ent, sizeof(ent), "%.*s", (int)len, p);
		eq = strchr(ent, '=');
		if (!eq || eq == ent || !eq[1]) {
			rc = kz_error_set(KZ_EINVAL,
			    "field map entry '%s' is not role=path", ent);
			break;
		}
		for (i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
			if ((size_t)(eq - ent) == strlen(roles[i].name) &&
			    !memcmp(ent, roles[i].name, (size_t)(eq - ent)))
				break;
		if (i == sizeof(roles) / sizeof(roles[0])) {
			rc = kz_error_set(KZ_EINVAL,
			    "unknown field map role in '%s' (one of: client, ip, host, url, email, any, time)",
			    ent);
			break;
		}
		if (m->n == 32) {
			rc = kz_error_set(KZ_EINVAL,
			    "field map has more than %d entries", 32);
			break;
		}
		m->e[m->n].path = kz_strdup(eq + 1);
		if (!m->e[m->n].path) {
			rc = kz_error_set(KZ_ENOMEM, "out of memory");
			break;
		}
		m->e[m->n].role = roles[i].role;
		m->n++;
		p = c ? c + 1 : p + len;
	}
	if (rc) {
		kz_log_fieldmap_free(m);
		return rc;
	}
	*out = m;
	return 0;
}

void
kz_log_fieldmap_free(struct kz_log_fieldmap *m)
{
	size_t i;

	if (!m)
		return;
	for (i = 0; i < m->n; i++)
		kz_free(m->e[i].path);
	kz_free(m);
}

/* A key, or failing that dotted keys into nested objects. */
static json_t *
json_path(json_t *j, const char *path)
{
	json_t *v = json_object_get(j, path);
	const char *p = path;

	if (v)
		return v;
	while (j && json_is_object(j)) {
		const char *dot = strchr(p, '.');
		char key[128];

		if (!dot)
			return json_object_get(j, p);
		if ((size_t)(dot - p) >= sizeof(key))
			return NULL;
		memcpy(key, p, (size_t)(dot - p));
		key[dot - p] = '\0';
		j = json_object_get(j, key);
		p = dot + 1;
	}
	return NULL;
}

/* Every string under v, as a token to classify. */
static void
walk(struct kz_log_record *rec, const char *key, json_t *v, int depth)
{
	const char *k;
	json_t *x;
	size_t i;

	if (depth > 8)
		return;
	if (json_is_string(v)) {
		kz_logline_tokenize(rec, key ? key : "value",
		    json_string_value(v), json_string_length(v));
	} else if (json_is_object(v)) {
		json_object_foreach(v, k, x) walk(rec, k, x, depth + 1);
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, x) walk(rec, key, x, depth + 1);
	}
}

enum kz_log_status
log_jsonl(const struct kz_log_fieldmap *map, struct kz_log_record *rec,
    const char *line, size_t len)
{
	/* clang-format off */
	static const char *const time_keys[] = { "@timestamp", "timestamp",
		"time", "ts", "date", NULL };
	static const char *const client_keys[] = { "client.ip", "source.ip",
		"src_ip", "client_ip", "clientip", "remote_addr", "src", NULL };
	/* clang-format on */
	json_t *j, *v;
	size_t i;

	log_reset(rec, KZ_LOG_JSONL);
	j = parse_object(rec, line, len);
	if (!j)
		return KZ_LOG_BAD;
	if (map) {
		for (i = 0; i < map->n; i++) {
			const struct mapent *me = &map->e[i];

			v = json_path(j, me->path);
			if (!v)
				continue;
			if (me->role == R_TS) {
				json_time(rec, v);
				continue;
			}
			if (me->role == R_CLIENT && json_is_string(v)) {
				rec->client = json_string_value(v);
				rec->client_len =
				    (uint32_t)json_string_length(v);
				add_json(rec, me->path, v, KZ_LV_HOST);
				continue;
			}
			if (me->role == R_ANY && json_is_string(v)) {
				kz_logline_tokenize(rec, me->path,
				    json_string_value(v),
				    json_string_length(v));
				continue;
			}
			add_json(rec, me->path, v, kind_of(me->role));
		}
		return KZ_LOG_OK;
	}
	for (i = 0; time_keys[i]; i++) {
		v = json_path(j, time_keys[i]);
		if (v) {
			json_time(rec, v);
			break;
		}
	}
	for (i = 0; client_keys[i]; i++) {
		v = json_path(j, client_keys[i]);
		if (v && json_is_string(v)) {
			rec->client = json_string_value(v);
			rec->client_len = (uint32_t)json_string_length(v);
			break;
		}
	}
	walk(rec, NULL, j, 0);
	return KZ_LOG_OK;
}
