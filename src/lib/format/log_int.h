/* SPDX-License-Identifier: MIT */
/* What the log line parsers share (logline.c, log_text.c, log_json.c). */
#ifndef KZ_LOG_INT_H
#define KZ_LOG_INT_H

#include "format/logline.h"

static inline void
log_add(struct kz_log_record *rec, const char *field, const char *p, size_t len,
    enum kz_log_kind kind)
{
	if (rec->n >= KZ_LOG_MAXVALUES || len == 0 || len > UINT32_MAX)
		return;
	rec->v[rec->n].field = field;
	rec->v[rec->n].p = p;
	rec->v[rec->n].len = (uint32_t)len;
	rec->v[rec->n].kind = (uint8_t)kind;
	rec->n++;
}

/* Copies into rec's scratch space; NULL when it is full. */
static inline char *
log_scratch(struct kz_log_record *rec, size_t len)
{
	char *p;

	if (KZ_LOG_SCRATCH - rec->scratch_len < len + 1)
		return NULL;
	p = rec->scratch + rec->scratch_len;
	rec->scratch_len += len + 1;
	p[len] = '\0';
	return p;
}

static inline void
log_reset(struct kz_log_record *rec, enum kz_log_format f)
{
	rec->format = f;
	rec->time = NULL;
	rec->time_len = 0;
	rec->time_kind = KZ_LT_NONE;
	rec->time_value = 0;
	rec->client = NULL;
	rec->client_len = 0;
	rec->n = 0;
	rec->scratch_len = 0;
}

/*
 * A syslog header (BSD "Mmm dd hh:mm:ss host prog[pid]: ", RFC 5424, or
 * an RFC 3339 time first). Sets the time and *msg to the message, *prog
 * to the program name. 0 or -1.
 */
int log_syslog_header(struct kz_log_record *rec, const char *line, size_t len,
    const char **prog, size_t *proglen, const char **msg);

enum kz_log_status log_combined(
    struct kz_log_record *rec, const char *line, size_t len);
enum kz_log_status log_squid(
    struct kz_log_record *rec, const char *line, size_t len);
enum kz_log_status log_bind(
    struct kz_log_record *rec, const char *line, size_t len);
enum kz_log_status log_postfix(
    struct kz_log_record *rec, const char *line, size_t len);
enum kz_log_status log_syslog(
    struct kz_log_record *rec, const char *line, size_t len);
enum kz_log_status log_zeek_tsv(struct kz_log_parser *p,
    struct kz_log_record *rec, const char *line, size_t len);
enum kz_log_status log_zeek_json(
    struct kz_log_record *rec, const char *line, size_t len);
enum kz_log_status log_jsonl(const struct kz_log_fieldmap *map,
    struct kz_log_record *rec, const char *line, size_t len);

#endif
