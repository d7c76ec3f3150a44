/* SPDX-License-Identifier: MIT */
/*
 * /api/v1/reports: a report sent as its raw bytes (JSON, plain text or a
 * mail) goes through intake, which keeps the bytes verbatim and opens an
 * incident or joins one; and a stored report with its bytes for staff.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "core/alloc.h"
#include "core/error.h"
#include "core/json.h"
#include "core/strutil.h"
#include "model/access.h"
#include "model/intake.h"
#include "model/report.h"
#include "routes.h"
#include "writer.h"

/* A report on its way through the writer (writer.h). */
struct report_job {
	struct kz_job job;
	struct kz_intake_opts opts;
	struct kz_intake_result res;
	int64_t user_id;
};

static int
run_intake(struct kz_store *st, struct kz_job *job)
{
	struct report_job *rj = (struct report_job *)job;
	struct kz_req *r = job->r;
	int rc;

	kz_intake_result_release(&rj->res);
	kz_intake_result_init(&rj->res);
	if ((rc = kz_intake(&rj->res, st, r->body.ptr, r->body.len, &rj->opts)))
		return rc;
	/* A report that joined someone else's incident (its subject named
	 * a ticket, or it repeats one) must not open that incident to its
	 * sender: only a new one is theirs. */
	if (rj->res.action == KZ_INTAKE_OPENED)
		return kz_access_add_reporter(
		    st, rj->res.incident_id, rj->user_id);
	return 0;
}

static void
report_cleanup(struct kz_req *r)
{
	struct report_job *rj = r->deferred;

	kz_intake_result_release(&rj->res);
}

/* Answers once the writer has committed (or refused) the report. */
static int
report_done(struct kz_req *r)
{
	struct report_job *rj = r->deferred;
	json_t *out;

	if (rj->job.rc)
		return kz_writer_fail(r, &rj->job);
	if (r->who.role & KZ_ROLE_STAFF) {
		out = kz_intake_result_to_json(&rj->res);
	} else {
		/* The sender learns the ticket only of what it may read. */
		struct kz_incident *inc = NULL;
		int readable =
		    kz_incident_get_id(&inc, r->st, rj->res.incident_id) == 0 &&
		    kz_access_incident(r->st, &r->who, inc, KZ_ACCESS_READ) ==
			0;

		kz_incident_free(inc);
		kz_error_clear();
		out = json_pack("{s:I, s:o}", "report",
		    (json_int_t)rj->res.report_id, "ticket",
		    readable ? json_string(rj->res.ticket) : json_null());
	}
	if (out && json_is_string(json_object_get(out, "ticket"))) {
		char loc[96];

		snprintf(
		    loc, sizeof(loc), "/api/v1/incidents/%s", rj->res.ticket);
		kz_http_header(r, "Location", loc);
	}
	return kz_http_json(r, 201, out);
}

int
api_report_create(struct kz_req *r)
{
	static const char *const none[] = { NULL };
	struct report_job *rj;

	if (api_query_keys(r, none))
		return 0;
	if (!(rj = kz_req_alloc(r, sizeof(*rj)))) {
		kz_error_set(KZ_ENOMEM, "out of memory");
		return kz_http_fail_as(r, 500, "internal");
	}
	memset(rj, 0, sizeof(*rj));
	if (kz_req_content_type_is(r, "application/json"))
		rj->opts.format = KZ_INTAKE_JSON;
	else if (kz_req_content_type_is(r, "text/plain"))
		rj->opts.format = KZ_INTAKE_TEXT;
	else if (kz_req_content_type_is(r, "message/rfc822"))
		rj->opts.format = KZ_INTAKE_EML;
	else {
		kz_error_set(KZ_EINVAL,
		    "send the report as application/json, text/plain or "
		    "message/rfc822");
		return kz_http_fail_as(r, 415, "unsupported_media_type");
	}
	if (rj->opts.format != KZ_INTAKE_EML &&
	    !kz_utf8_valid(r->body.ptr, r->body.len)) {
		kz_error_set(KZ_EINVAL, "the request body is not valid UTF-8");
		return kz_http_fail_as(r, 400, "invalid_utf8");
	}
	rj->opts.source = "api";
	rj->opts.actor = r->who.name;
	rj->opts.reporter = r->who.name;
	rj->opts.tlp = KZ_TLP_AMBER;
	rj->user_id = r->who.user_id;
	kz_intake_result_init(&rj->res);
	rj->job.run = run_intake;
	r->deferred = rj;
	r->cleanup = report_cleanup;
	/* Durable and fast: the writer commits many reports per fsync. */
	kz_writer_defer(r, &rj->job, report_done);
	return 0;
}

int
api_report_get(struct kz_req *r)
{
	struct kz_report *rep = NULL;
	struct kz_incident *inc = NULL;
	long id;
	json_t *o;

	if (kz_parse_long(&id, r->params[0], 1, (1L << 62))) {
		kz_error_set(
		    KZ_EINVAL, "'%s' is not a report number", r->params[0]);
		return kz_http_fail_as(r, 400, "invalid");
	}
	if (kz_report_get(&rep, r->st, id) ||
	    kz_incident_get_id(&inc, r->st, rep->incident_id) ||
	    kz_access_incident(r->st, &r->who, inc, KZ_ACCESS_REPORTS)) {
		kz_http_fail(r);
		goto done;
	}
	o = kz_report_to_json(rep);
	kz_json_set(o, "ticket", json_string(inc->ticket));
	if (kz_utf8_valid((const char *)rep->raw, rep->size) &&
	    !memchr(rep->raw, 0, rep->size)) {
		kz_json_set(
		    o, "raw", json_stringn((const char *)rep->raw, rep->size));
	} else {
		size_t n = sodium_base64_ENCODED_LEN(
		    rep->size, sodium_base64_VARIANT_ORIGINAL);
		char *b64 = kz_malloc(n);

		if (b64) {
			sodium_bin2base64(b64, n, rep->raw, rep->size,
			    sodium_base64_VARIANT_ORIGINAL);
			kz_json_set(o, "raw_base64", json_string(b64));
			kz_free(b64);
		}
	}
	kz_http_json(r, 200, o);
done:
	kz_report_free(rep);
	kz_incident_free(inc);
	return 0;
}
