/* SPDX-License-Identifier: MIT */
/* Raw reports kept verbatim, each with its timeline event. */
#include "report.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/json.h"
#include "core/strutil.h"
#include "core/timeutil.h"
#include "model/event.h"

static void
sha256_hex(char out[65], const void *data, size_t n)
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, data, n);
	sodium_bin2hex(out, 65, h, sizeof(h));
}

int
kz_report_add(struct kz_store *st, struct kz_report *rep, const char *actor)
{
	struct kz_stmt *s;
	json_t *data = NULL;
	int rc;

	if (rep->size > KZ_REPORT_MAX)
		return kz_error_set(KZ_EINVAL,
		    "report is too large (%zu bytes, at most %u)", rep->size,
		    KZ_REPORT_MAX);
	if (!rep->source || !rep->format)
		return kz_error_set(KZ_EINVAL,
		    "report needs a source and a "
		    "format");
	if (rep->subject && !kz_utf8_valid(rep->subject, strlen(rep->subject)))
		return kz_error_set(KZ_EINVAL,
		    "report subject is not valid "
		    "UTF-8");
	if (!rep->received_at)
		rep->received_at = kz_time_now();
	sha256_hex(
	    rep->sha256, rep->raw ? (const void *)rep->raw : "", rep->size);
	if ((rc = kz_store_begin(st)))
		return rc;
	if ((rc = kz_store_prepare(&s, st,
		 "INSERT INTO reports (incident_id, received_at, source, format, "
		 "reporter, subject, message_id, sha256, size, raw) "
		 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id")))
		goto fail;
	kz_stmt_bind_int(s, 1, rep->incident_id);
	kz_stmt_bind_int(s, 2, rep->received_at);
	kz_stmt_bind_text(s, 3, rep->source);
	kz_stmt_bind_text(s, 4, rep->format);
	kz_stmt_bind_text(s, 5, rep->reporter);
	kz_stmt_bind_text(s, 6, rep->subject);
	kz_stmt_bind_text(s, 7, rep->message_id);
	kz_stmt_bind_text(s, 8, rep->sha256);
	kz_stmt_bind_int(s, 9, (int64_t)rep->size);
	kz_stmt_bind_blob(s, 10, rep->raw, rep->size);
	if ((rc = kz_stmt_step(s)) != KZ_ROW)
		goto fail;
	rep->id = kz_stmt_int(s, 0);
	kz_stmt_step(s);
	data = json_pack("{s:I, s:s, s:s, s:I}", "report", (json_int_t)rep->id,
	    "source", rep->source, "sha256", rep->sha256, "size",
	    (json_int_t)rep->size);
	if ((rc = kz_event_add(st, rep->incident_id, "report", actor,
		 rep->subject ? rep->subject : "", data)))
		goto fail;
	json_decref(data);
	return kz_store_commit(st);
fail:
	json_decref(data);
	kz_store_rollback(st);
	return rc < 0 ? rc : kz_error_set(KZ_EIO, "could not store report");
}

static char *
dup_col(struct kz_stmt *s, int col)
{
	return kz_stmt_isnull(s, col) ? NULL : kz_strdup(kz_stmt_text(s, col));
}

static void
read_row(struct kz_report *r, struct kz_stmt *s)
{
	memset(r, 0, sizeof(*r));
	r->id = kz_stmt_int(s, 0);
	r->incident_id = kz_stmt_int(s, 1);
	r->received_at = kz_stmt_int(s, 2);
	r->source = dup_col(s, 3);
	r->format = dup_col(s, 4);
	r->reporter = dup_col(s, 5);
	r->subject = dup_col(s, 6);
	r->message_id = dup_col(s, 7);
	snprintf(r->sha256, sizeof(r->sha256), "%s", kz_stmt_text(s, 8));
	r->size = (size_t)kz_stmt_int(s, 9);
}

#define RCOLS                                                                  \
	"id, incident_id, received_at, source, format, reporter, subject, "    \
	"message_id, sha256, size"

int
kz_report_list(
    struct kz_report **out, size_t *n, struct kz_store *st, int64_t incident_id)
{
	struct kz_report *r = NULL;
	struct kz_stmt *s;
	size_t cnt = 0, cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = kz_store_prepare(&s, st,
		 "SELECT " RCOLS " FROM reports "
		 "WHERE incident_id = ? ORDER BY id")))
		return rc;
	kz_stmt_bind_int(s, 1, incident_id);
	while ((rc = kz_stmt_step(s)) == KZ_ROW) {
		if (cnt == cap) {
			size_t nc = cap ? cap * 2 : 8;
			struct kz_report *p = kz_realloc(r, nc * sizeof(*p));

			if (!p) {
				while (kz_stmt_step(s) == KZ_ROW)
					;
				kz_report_list_free(r, cnt);
				return kz_error_set(KZ_ENOMEM, "out of memory");
			}
			r = p;
			cap = nc;
		}
		read_row(&r[cnt++], s);
	}
	if (rc < 0) {
		kz_report_list_free(r, cnt);
		return rc;
	}
	*out = r;
	*n = cnt;
	return 0;
}

int
kz_report_get(struct kz_report **out, struct kz_store *st, int64_t id)
{
	struct kz_report *r;
	struct kz_stmt *s;
	const void *raw;
	size_t len;
	int rc;

	*out = NULL;
	if ((rc = kz_store_prepare(
		 &s, st, "SELECT " RCOLS ", raw FROM reports WHERE id = ?")))
		return rc;
	kz_stmt_bind_int(s, 1, id);
	if ((rc = kz_stmt_step(s)) != KZ_ROW)
		return rc < 0 ? rc :
				kz_error_set(KZ_ENOTFOUND,
				    "no report with id %lld", (long long)id);
	r = kz_calloc(1, sizeof(*r));
	if (!r) {
		kz_stmt_step(s);
		return kz_error_set(KZ_ENOMEM, "out of memory");
	}
	read_row(r, s);
	raw = kz_stmt_blob(s, 10, &len);
	r->raw = kz_malloc(len + 1);
	if (r->raw) {
		memcpy(r->raw, raw ? raw : "", len);
		r->raw[len] = 0;
	}
	kz_stmt_step(s);
	if (!r->raw) {
		kz_report_free(r);
		return kz_error_set(KZ_ENOMEM, "out of memory");
	}
	*out = r;
	return 0;
}

void
kz_report_release(struct kz_report *rep)
{
	kz_free(rep->source);
	kz_free(rep->format);
	kz_free(rep->reporter);
	kz_free(rep->subject);
	kz_free(rep->message_id);
	kz_free(rep->raw);
	memset(rep, 0, sizeof(*rep));
}

void
kz_report_free(struct kz_report *rep)
{
	if (!rep)
		return;
	kz_report_release(rep);
	kz_free(rep);
}

void
kz_report_list_free(struct kz_report *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		kz_report_release(&r[i]);
	kz_free(r);
}

int
kz_report_count(int64_t *out, struct kz_store *st, int64_t from, int64_t to)
{
	struct kz_stmt *s;
	int rc;

	if ((rc = kz_store_prepare(&s, st,
		 "SELECT count(*) FROM reports "
		 "WHERE received_at >= ? AND received_at < ?")))
		return rc;
	kz_stmt_bind_int(s, 1, from);
	kz_stmt_bind_int(s, 2, to);
	if ((rc = kz_stmt_step(s)) != KZ_ROW)
		return rc;
	*out = kz_stmt_int(s, 0);
	kz_stmt_step(s);
	return 0;
}

json_t *
kz_report_to_json(const struct kz_report *rep)
{
	json_t *o = json_object();

	kz_json_set(o, "id", json_integer(rep->id));
	kz_json_set(o, "received_at", kz_json_time(rep->received_at));
	kz_json_set(o, "source", kz_json_str(rep->source));
	kz_json_set(o, "format", kz_json_str(rep->format));
	kz_json_set(o, "reporter", kz_json_str(rep->reporter));
	kz_json_set(o, "subject", kz_json_str(rep->subject));
	kz_json_set(o, "message_id", kz_json_str(rep->message_id));
	kz_json_set(o, "sha256", json_string(rep->sha256));
	kz_json_set(o, "size", json_integer((json_int_t)rep->size));
	return o;
}
