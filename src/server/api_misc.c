/* SPDX-License-Identifier: MIT */
/*
 * The routes that are not one resource: health, Prometheus metrics, the
 * OpenAPI document, statistics for a period, and the front page.
 */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "core/error.h"
#include "core/timeutil.h"
#include "html.h"
#include "model/stats.h"
#include "routes.h"
#include "server.h"

int
api_healthz(struct kz_req *r)
{
	struct kz_stmt *s;

	/* Healthy means the database answers. */
	if (kz_store_prepare(&s, r->st, "SELECT 1") || kz_stmt_step(s) < 0)
		return kz_http_fail_as(r, 503, "busy");
	kz_stmt_step(s);
	return kz_http_json(r, 200,
	    json_pack("{s:s, s:s, s:i}", "status", "ok", "version", KZ_VERSION,
		"schema", kz_store_schema_version(r->st)));
}

int
api_metrics(struct kz_req *r)
{
	static const char *const classes[] = { "other", "1xx", "2xx", "3xx",
		"4xx", "5xx" };
	struct kz_metrics *m = &r->srv->m;
	struct kz_buf b = KZ_BUF_INIT(1 << 20);
	unsigned long long cum = 0;
	int rc;

	kz_buf_adds(&b,
	    "# HELP kizuki_build_info The running version.\n"
	    "# TYPE kizuki_build_info gauge\n");
	kz_buf_addf(&b, "kizuki_build_info{version=\"%s\"} 1\n", KZ_VERSION);
	kz_buf_adds(&b,
	    "# HELP kizuki_start_time_seconds When the server started.\n"
	    "# TYPE kizuki_start_time_seconds gauge\n");
	kz_buf_addf(
	    &b, "kizuki_start_time_seconds %lld\n", (long long)r->srv->started);
	kz_buf_adds(&b,
	    "# HELP kizuki_http_requests_total Requests answered, by status "
	    "class.\n# TYPE kizuki_http_requests_total counter\n");
	for (int i = 0; i < 6; i++)
		kz_buf_addf(&b,
		    "kizuki_http_requests_total{code=\"%s\"} %llu\n",
		    classes[i], atomic_load(&m->requests[i]));
	kz_buf_adds(&b,
	    "# HELP kizuki_http_request_duration_seconds Time to answer.\n"
	    "# TYPE kizuki_http_request_duration_seconds histogram\n");
	for (int i = 0; i <= KZ_LAT_BUCKETS; i++) {
		cum += atomic_load(&m->latency[i]);
		if (i < KZ_LAT_BUCKETS)
			kz_buf_addf(&b,
			    "kizuki_http_request_duration_seconds_bucket{le=\"%g\"} "
			    "%llu\n",
			    kz_lat_bounds[i], cum);
		else
			kz_buf_addf(&b,
			    "kizuki_http_request_duration_seconds_bucket{le=\"+Inf\"} "
			    "%llu\n",
			    cum);
	}
	kz_buf_addf(&b, "kizuki_http_request_duration_seconds_sum %.6f\n",
	    (double)atomic_load(&m->latency_sum_us) / 1e6);
	kz_buf_addf(
	    &b, "kizuki_http_request_duration_seconds_count %llu\n", cum);
	kz_buf_addf(&b,
	    "# HELP kizuki_http_requests_in_flight Requests being answered.\n"
	    "# TYPE kizuki_http_requests_in_flight gauge\n"
	    "kizuki_http_requests_in_flight %d\n",
	    atomic_load(&m->in_flight));
	kz_buf_addf(&b,
	    "# HELP kizuki_http_response_bytes_total Body bytes sent.\n"
	    "# TYPE kizuki_http_response_bytes_total counter\n"
	    "kizuki_http_response_bytes_total %llu\n",
	    atomic_load(&m->bytes_out));
	kz_buf_addf(&b,
	    "# HELP kizuki_logins_failed_total Failed logins.\n"
	    "# TYPE kizuki_logins_failed_total counter\n"
	    "kizuki_logins_failed_total %llu\n",
	    atomic_load(&m->logins_failed));
	kz_buf_addf(&b,
	    "# HELP kizuki_http_body_too_large_total Bodies over the cap.\n"
	    "# TYPE kizuki_http_body_too_large_total counter\n"
	    "kizuki_http_body_too_large_total %llu\n",
	    atomic_load(&m->body_too_large));
	rc = kz_http_send(
	    r, 200, "text/plain; version=0.0.4; charset=utf-8", b.ptr, b.len);
	kz_buf_release(&b);
	return rc;
}

int
api_openapi(struct kz_req *r)
{
	return kz_http_send(
	    r, 200, "application/json", kz_openapi_json, kz_openapi_json_len);
}

int
api_stats(struct kz_req *r)
{
	static const char *const allowed[] = { "period", "since", "until",
		NULL };
	const char *period = kz_req_query(r, "period");
	const char *since = kz_req_query(r, "since");
	const char *until = kz_req_query(r, "until");
	struct kz_stats st;
	int64_t from, to;
	char year[8];

	if (api_query_keys(r, allowed))
		return 0;
	if (period && (since || until)) {
		kz_error_set(KZ_EINVAL,
		    "give either 'period' or 'since' and 'until', not both");
		return kz_http_fail_as(r, 400, "invalid");
	}
	if (!period && !since && !until) {
		snprintf(year, sizeof(year), "%d", kz_time_year(kz_time_now()));
		period = year;
	}
	if (period) {
		if (kz_period_parse(&from, &to, period))
			return kz_http_fail(r);
	} else {
		from = 0;
		to = kz_time_now() + 1;
		if ((since && kz_time_parse(&from, since)) ||
		    (until && kz_time_parse(&to, until)))
			return kz_http_fail(r);
	}
	if (kz_stats_compute(&st, r->st, from, to))
		return kz_http_fail(r);
	return kz_http_json(r, 200, kz_stats_to_json(&st));
}

int
api_root(struct kz_req *r)
{
	struct kz_buf b = KZ_BUF_INIT(1 << 16);
	int rc;

	kz_buf_adds(&b, "<!DOCTYPE html>\n<html lang=\"");
	kz_buf_adds(&b, kz_lang_code(r->lang));
	kz_buf_adds(&b,
	    "\"><head><meta charset=\"utf-8\"><title>kizuki</title></head>"
	    "<body><h1>kizuki</h1><p>");
	kz_html_escape(&b,
	    kz_tr(r->lang,
		N_("The CSIRT's point of contact. The API is at "
		   "/api/v1 (see /api/v1/openapi.json).")));
	if (r->user) {
		kz_buf_adds(&b, "</p><p>");
		kz_html_escape(&b, r->user->name);
	}
	kz_buf_adds(&b, "</p></body></html>\n");
	rc = b.err ? kz_http_fail_as(r, 500, "internal") :
		     kz_http_html(r, 200, b.ptr);
	kz_buf_release(&b);
	return rc;
}
