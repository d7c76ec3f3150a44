/* SPDX-License-Identifier: MIT */
/*
 * The log line front: format names, dispatch to the parsers, format
 * detection, times, and the generic tokenizer every format falls back on.
 */
#include "format/logline.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "core/timeutil.h"
#include "format/log_int.h"

/* clang-format off */
static const char *const format_names[] = {
	"auto", "combined", "squid", "zeek", "zeek-json", "bind", "postfix",
	"jsonl", "syslog", "generic", NULL
};
/* clang-format on */

const char *
kz_log_format_name(enum kz_log_format f)
{
	if ((unsigned)f >= KZ_LOG_NFORMATS)
		return "unknown";
	return format_names[f];
}

int
kz_log_format_parse(enum kz_log_format *out, const char *name)
{
	int i;

	if (!strcmp(name, "nginx") || !strcmp(name, "apache") ||
	    !strcmp(name, "common")) {
		*out = KZ_LOG_COMBINED;
		return 0;
	}
	if (!strcmp(name, "json")) {
		*out = KZ_LOG_JSONL;
		return 0;
	}
	for (i = 0; format_names[i]; i++) {
		if (!strcmp(name, format_names[i])) {
			*out = (enum kz_log_format)i;
			return 0;
		}
	}
	return kz_error_set(KZ_EINVAL,
	    "unknown log format '%s' (one of: auto, combined, squid, zeek, bind, postfix, jsonl, syslog, generic)",
	    name);
}

void
kz_log_record_init(struct kz_log_record *rec)
{
	memset(rec, 0, offsetof(struct kz_log_record, scratch));
	rec->json = NULL;
}

void
kz_log_record_release(struct kz_log_record *rec)
{
	if (rec->json)
		json_decref(rec->json);
	rec->json = NULL;
}

void
kz_log_parser_init(struct kz_log_parser *p, enum kz_log_format format,
    const struct kz_log_fieldmap *map)
{
	memset(p, 0, sizeof(*p));
	p->format = format;
	p->map = map;
	p->sep = '\t';
	p->set_sep = ',';
}

/* ---- generic tokenizer -------------------------------------------- */

/* Bytes that always end a token. */
static const unsigned char brk[256] = {
	[' '] = 1,
	['\t'] = 1,
	['\r'] = 1,
	['\n'] = 1,
	['\v'] = 1,
	['\f'] = 1,
	['"'] = 1,
	['\''] = 1,
	['<'] = 1,
	['>'] = 1,
	['('] = 1,
	[')'] = 1,
	['['] = 1,
	[']'] = 1,
	['{'] = 1,
	['}'] = 1,
	[','] = 1,
	[';'] = 1,
	['|'] = 1,
	['`'] = 1,
	['\\'] = 1,
	[0] = 1,
};

/* Bytes trimmed from both ends of a token. */
static int
trim_char(char c)
{
	return c == '.' || c == ':' || c == '=' || c == '!' || c == '?' ||
	    c == '*' || c == '/' || c == '#' || c == '&' || c == '+';
}

static void
add_token(
    struct kz_log_record *rec, const char *field, const char *s, const char *e)
{
	const char *eq;

	while (s < e && trim_char(*s) &&
	    !(e - s > 2 && s[0] == ':' && s[1] == ':'))
		s++;
	while (e > s && trim_char(e[-1]))
		e--;
	if (e - s < 3)
		return;
	/* key=value: the value (a URL keeps its query intact) */
	if (!memmem(s, (size_t)(e - s), "://", 3)) {
		while ((eq = memchr(s, '=', (size_t)(e - s))) != NULL) {
			if (eq - s >= 4)
				add_token(rec, field, s, eq);
			s = eq + 1;
		}
		if (e - s < 3)
			return;
	}
	/* Must contain a dot, a colon or an @ to be any indicator. */
	if (!memchr(s, '.', (size_t)(e - s)) &&
	    !memchr(s, ':', (size_t)(e - s)))
		return;
	log_add(rec, field, s, (size_t)(e - s), KZ_LV_ANY);
}

void
kz_logline_tokenize(
    struct kz_log_record *rec, const char *field, const char *text, size_t len)
{
	const unsigned char *p = (const unsigned char *)text;
	const unsigned char *e = p + len;

	while (p < e && rec->n < KZ_LOG_MAXVALUES) {
		const unsigned char *s;

		while (p < e && brk[*p])
			p++;
		s = p;
		while (p < e && !brk[*p])
			p++;
		if (p > s)
			add_token(rec, field, (const char *)s, (const char *)p);
	}
}

static enum kz_log_status
log_generic(struct kz_log_record *rec, const char *line, size_t len)
{
	const char *prog, *msg;
	size_t plen;

	log_reset(rec, KZ_LOG_GENERIC);
	/* A leading time is worth keeping; a syslog header sets it. */
	if (log_syslog_header(rec, line, len, &prog, &plen, &msg) < 0)
		rec->time_kind = KZ_LT_NONE;
	kz_logline_tokenize(rec, "token", line, len);
	return KZ_LOG_OK;
}

enum kz_log_status
kz_logline_parse(struct kz_log_parser *p, struct kz_log_record *rec,
    const char *line, size_t len)
{
	if (len && line[len - 1] == '\r')
		len--;
	if (len == 0) {
		log_reset(rec, p->format);
		return KZ_LOG_SKIP;
	}
	switch (p->format) {
	case KZ_LOG_COMBINED:
		return log_combined(rec, line, len);
	case KZ_LOG_SQUID:
		return log_squid(rec, line, len);
	case KZ_LOG_ZEEK:
		if (line[0] == '{')
			return log_zeek_json(rec, line, len);
		return log_zeek_tsv(p, rec, line, len);
	case KZ_LOG_ZEEK_JSON:
		return log_zeek_json(rec, line, len);
	case KZ_LOG_BIND:
		return log_bind(rec, line, len);
	case KZ_LOG_POSTFIX:
		return log_postfix(rec, line, len);
	case KZ_LOG_JSONL:
		return log_jsonl(p->map, rec, line, len);
	case KZ_LOG_SYSLOG:
		return log_syslog(rec, line, len);
	default:
		return log_generic(rec, line, len);
	}
}

/* ---- detection ---------------------------------------------------- */

enum kz_log_format
kz_logline_detect_line(const char *line, size_t len)
{
	struct kz_log_record rec;
	enum kz_log_format f = KZ_LOG_GENERIC;
	const char *prog, *msg;
	size_t plen;

	if (len && line[len - 1] == '\r')
		len--;
	if (!len)
		return KZ_LOG_GENERIC;
	kz_log_record_init(&rec);
	if (line[0] == '{') {
		if (memmem(line, len, "\"ts\"", 4) &&
		    (memmem(line, len, "\"uid\"", 5) ||
			memmem(line, len, "\"id.orig_h\"", 11)))
			f = log_zeek_json(&rec, line, len) == KZ_LOG_OK ?
			    KZ_LOG_ZEEK_JSON :
			    KZ_LOG_GENERIC;
		else
			f = log_jsonl(NULL, &rec, line, len) == KZ_LOG_OK ?
			    KZ_LOG_JSONL :
			    KZ_LOG_GENERIC;
	} else if (line[0] >= '0' && line[0] <= '9' &&
	    log_squid(&rec, line, len) == KZ_LOG_OK && rec.n >= 2) {
		f = KZ_LOG_SQUID;
	} else if (log_combined(&rec, line, len) == KZ_LOG_OK) {
		f = KZ_LOG_COMBINED;
	} else if (memmem(line, len, "query: ", 7) &&
	    log_bind(&rec, line, len) == KZ_LOG_OK) {
		f = KZ_LOG_BIND;
	} else if (memmem(line, len, "postfix", 7) &&
	    log_postfix(&rec, line, len) == KZ_LOG_OK) {
		f = KZ_LOG_POSTFIX;
	} else {
		log_reset(&rec, KZ_LOG_SYSLOG);
		if (log_syslog_header(&rec, line, len, &prog, &plen, &msg) == 0)
			f = KZ_LOG_SYSLOG;
	}
	kz_log_record_release(&rec);
	return f;
}

enum kz_log_format
kz_logline_detect(const char *data, size_t len)
{
	const char *p = data, *e;
	unsigned votes[KZ_LOG_NFORMATS] = { 0 }, lines = 0, best = 0;
	enum kz_log_format f = KZ_LOG_GENERIC;
	int i;

	if (len > 65536)
		len = 65536;
	e = data + len;
	while (p < e && lines < 20) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		size_t ll = nl ? (size_t)(nl - p) : (size_t)(e - p);

		if (!nl && lines > 0)
			break; /* a cut last line would mislead */
		if (ll &&
		    (!memcmp(p, "#separator", ll < 10 ? ll : 10) ||
			(ll >= 7 && !memcmp(p, "#fields", 7))) &&
		    ll >= 7)
			return KZ_LOG_ZEEK;
		if (ll && p[0] != '#') {
			votes[kz_logline_detect_line(p, ll)]++;
			lines++;
		}
		p = nl ? nl + 1 : e;
	}
	for (i = 1; i < KZ_LOG_NFORMATS; i++) {
		if (i == KZ_LOG_GENERIC)
			continue;
		if (votes[i] > best) {
			best = votes[i];
			f = (enum kz_log_format)i;
		}
	}
	/* A few syslog lines among postfix or bind ones: the specific wins. */
	if (f == KZ_LOG_SYSLOG &&
	    (votes[KZ_LOG_POSTFIX] || votes[KZ_LOG_BIND]) &&
	    votes[KZ_LOG_POSTFIX] + votes[KZ_LOG_BIND] >= lines / 4)
		f = votes[KZ_LOG_POSTFIX] >= votes[KZ_LOG_BIND] ?
		    KZ_LOG_POSTFIX :
		    KZ_LOG_BIND;
	return best ? f : KZ_LOG_GENERIC;
}

/* ---- times -------------------------------------------------------- */

static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static int
num(const char *p, int n, int *out)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	*out = v;
	return 0;
}

static int
month_of(const char *p)
{
	static const char names[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	int i;

	for (i = 0; i < 12; i++)
		if (!memcmp(p, names + i * 3, 3))
			return i + 1;
	return 0;
}

static int
hms(const char *p, int *h, int *mi, int *s)
{
	if (num(p, 2, h) || p[2] != ':' || num(p + 3, 2, mi) || p[5] != ':' ||
	    num(p + 6, 2, s) || *h > 23 || *mi > 59 || *s > 60)
		return -1;
	return 0;
}

int
kz_logline_time(int64_t *out, const struct kz_log_record *rec, int default_year)
{
	const char *p = rec->time;
	size_t n = rec->time_len;
	int d, mo, y, h, mi, s;

	switch (rec->time_kind) {
	case KZ_LT_VALUE:
		*out = rec->time_value;
		return 0;
	case KZ_LT_EPOCH: {
		int64_t v = 0;
		size_t i;

		for (i = 0; i < n && p[i] != '.'; i++) {
			if (p[i] < '0' || p[i] > '9' || i > 12)
				return -1;
			v = v * 10 + (p[i] - '0');
		}
		if (i == 0)
			return -1;
		*out = v;
		return 0;
	}
	case KZ_LT_CLF: /* 10/Oct/2000:13:55:36 -0700 */
		if (n < 20 || num(p, 2, &d) || p[2] != '/' ||
		    !(mo = month_of(p + 3)) || p[6] != '/' ||
		    num(p + 7, 4, &y) || p[11] != ':' ||
		    hms(p + 12, &h, &mi, &s))
			return -1;
		*out = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 +
		    h * 3600 + mi * 60 + s;
		if (n >= 26 && (p[21] == '+' || p[21] == '-')) {
			int zh, zm;

			if (!num(p + 22, 2, &zh) && !num(p + 24, 2, &zm))
				*out -= (p[21] == '-' ? -1 : 1) *
				    (zh * 3600 + zm * 60);
		}
		return 0;
	case KZ_LT_BSD: /* Dec 25 10:15:32 */
		if (n < 15 || !(mo = month_of(p)) ||
		    num(p + 4 + (p[4] == ' '), 2 - (p[4] == ' '), &d) ||
		    hms(p + 7, &h, &mi, &s))
			return -1;
		*out =
		    days_from_civil(default_year, (unsigned)mo, (unsigned)d) *
			86400 +
		    h * 3600 + mi * 60 + s;
		return 0;
	case KZ_LT_BIND: /* 25-Dec-2023 10:15:32.123 */
		if (n < 20 || num(p, 2, &d) || !(mo = month_of(p + 3)) ||
		    num(p + 7, 4, &y) || hms(p + 12, &h, &mi, &s))
			return -1;
		*out = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 +
		    h * 3600 + mi * 60 + s;
		return 0;
	case KZ_LT_ISO: {
		char tmp[64];

		if (n >= sizeof(tmp))
			return -1;
		memcpy(tmp, p, n);
		tmp[n] = '\0';
		return kz_time_parse(out, tmp) == 0 ? 0 : -1;
	}
	default:
		return -1;
	}
}
