/* SPDX-License-Identifier: MIT */
/*
 * Log line parsers for the sweep: each turns one line into the values
 * worth matching (client, addresses, host names, URLs, e-mail addresses)
 * and where its time is, without copying: values point into the line.
 * Formats: Apache/nginx combined, Squid native, Zeek TSV and JSON, BIND
 * query log, Postfix, JSON lines with a field map, syslog, and a generic
 * tokenizer for anything else. Auto-detection reads the first lines.
 */
#ifndef KZ_LOGLINE_H
#define KZ_LOGLINE_H

#include <stddef.h>
#include <stdint.h>

enum kz_log_format {
	KZ_LOG_AUTO = 0,
	KZ_LOG_COMBINED,
	KZ_LOG_SQUID,
	KZ_LOG_ZEEK, /* TSV with #fields; JSON lines are read too */
	KZ_LOG_ZEEK_JSON,
	KZ_LOG_BIND,
	KZ_LOG_POSTFIX,
	KZ_LOG_JSONL,
	KZ_LOG_SYSLOG,
	KZ_LOG_GENERIC,
	KZ_LOG_NFORMATS
};

/* "auto", "combined", ... "generic"; "unknown" out of range. */
const char *kz_log_format_name(enum kz_log_format f);

/*
 * Parses a --format name (also "zeek-json", "nginx", "apache").
 * 0, or KZ_EINVAL naming it and listing the formats.
 */
int kz_log_format_parse(enum kz_log_format *out, const char *name);

/* What a value is, which decides the sets it is looked up in. */
enum kz_log_kind {
	KZ_LV_IP = 0, /* an IP address (maybe with :port or #port) */
	KZ_LV_HOST,   /* a host name or IP literal (maybe with :port) */
	KZ_LV_URL,    /* an absolute URL, or host:port for CONNECT */
	KZ_LV_EMAIL,  /* an address, maybe in <> or with a name */
	KZ_LV_ANY,    /* a token of unknown kind: classified when matched */
};

struct kz_log_value {
	const char *field; /* "client", "url", "id.resp_h" ... */
	const char *p;     /* into the line, the record or its JSON */
	uint32_t len;
	uint8_t kind;
};

enum kz_log_time_kind {
	KZ_LT_NONE = 0,
	KZ_LT_EPOCH, /* 1286536309.586 */
	KZ_LT_CLF,   /* 10/Oct/2000:13:55:36 -0700 */
	KZ_LT_ISO,   /* 2023-12-25T10:15:32.123Z */
	KZ_LT_BSD,   /* Dec 25 10:15:32 (no year) */
	KZ_LT_BIND,  /* 25-Dec-2023 10:15:32.123 */
	KZ_LT_VALUE, /* already in time_value */
};

#define KZ_LOG_MAXVALUES 64
#define KZ_LOG_SCRATCH   8192

/*
 * One parsed line. Pointers are into the line (or the record itself) and
 * valid until the line's memory changes or the next parse into rec.
 */
struct kz_log_record {
	enum kz_log_format format; /* the parser that read the line */
	const char *time;
	uint32_t time_len;
	uint8_t time_kind;
	int64_t time_value;
	const char *client; /* who made the request; may be NULL */
	uint32_t client_len;
	unsigned n;
	struct kz_log_value v[KZ_LOG_MAXVALUES];
	size_t scratch_len;
	char scratch[KZ_LOG_SCRATCH];
	void *json; /* the parsed JSON document of a JSON line */
};

void kz_log_record_init(struct kz_log_record *rec);
void kz_log_record_release(struct kz_log_record *rec);

/* A JSON field map: "role=path" pairs. */
struct kz_log_fieldmap;

/*
 * Parses "client=src_ip,host=query,url=request.url,time=@timestamp" (roles
 * client, ip, host, url, email, any, time; a path is a key, or dotted
 * keys into nested objects). Caller owns *out; free with
 * kz_log_fieldmap_free(). 0, KZ_EINVAL naming the bad entry, KZ_ENOMEM.
 */
int kz_log_fieldmap_parse(struct kz_log_fieldmap **out, const char *spec);
void kz_log_fieldmap_free(struct kz_log_fieldmap *m);

#define KZ_ZEEK_MAXFIELDS 96

/*
 * Parser state: the format, and what header lines taught it (Zeek TSV
 * field roles). Plain data, copied freely: each thread gets its own copy.
 */
struct kz_log_parser {
	enum kz_log_format format;
	const struct kz_log_fieldmap *map; /* borrowed; NULL for none */
	char sep;
	char set_sep;
	unsigned nfields; /* 0 until a #fields line */
	uint8_t role[KZ_ZEEK_MAXFIELDS];
};

/* format may be KZ_LOG_AUTO only after kz_logline_detect() told it. */
void kz_log_parser_init(struct kz_log_parser *p, enum kz_log_format format,
    const struct kz_log_fieldmap *map);

enum kz_log_status {
	KZ_LOG_OK = 0,   /* rec holds the line's values */
	KZ_LOG_SKIP = 1, /* a header, comment or blank line */
	KZ_LOG_BAD = 2,  /* not a line of the parser's format */
};

/*
 * Reads one line (without its newline) into rec. Zeek header lines change
 * p. Never fails otherwise: a line the format cannot read is KZ_LOG_BAD.
 */
enum kz_log_status kz_logline_parse(struct kz_log_parser *p,
    struct kz_log_record *rec, const char *line, size_t len);

/*
 * Puts every token of text that could be an indicator into rec as
 * KZ_LV_ANY values named field (the generic tokenizer).
 */
void kz_logline_tokenize(
    struct kz_log_record *rec, const char *field, const char *text, size_t len);

/*
 * Guesses the format of data (the first lines of a file, up to 64 KiB are
 * read). Never KZ_LOG_AUTO; KZ_LOG_GENERIC when nothing fits.
 */
enum kz_log_format kz_logline_detect(const char *data, size_t len);

/*
 * Guesses the format of a single line, for a file whose format changes.
 * Never KZ_LOG_ZEEK (a TSV line means nothing without its header).
 */
enum kz_log_format kz_logline_detect_line(const char *line, size_t len);

/*
 * The time of rec in seconds since the epoch, UTC. A time without a year
 * (syslog) takes default_year. 0, or -1 when the line has none.
 */
int kz_logline_time(
    int64_t *out, const struct kz_log_record *rec, int default_year);

#endif
