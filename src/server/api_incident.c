/* SPDX-License-Identifier: MIT */
/*
 * /api/v1/incidents: list with the command line's filters, open, show,
 * change, move through the statuses, notes, assignment, timeline,
 * reports, and the orgs an incident concerns. Every read goes through
 * model/access.h.
 */
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "core/alloc.h"
#include "core/error.h"
#include "core/strutil.h"
#include "core/timeutil.h"
#include "model/access.h"
#include "model/event.h"
#include "model/report.h"
#include "routes.h"

struct query_ctx {
	const char *const *allowed;
	const char *bad;
};

static enum MHD_Result
check_key(
    void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct query_ctx *q = cls;

	(void)kind;
	(void)value;
	for (int i = 0; q->allowed[i]; i++)
		if (strcmp(q->allowed[i], key) == 0)
			return MHD_YES;
	q->bad = key;
	return MHD_NO;
}

int
api_query_keys(struct kz_req *r, const char *const *allowed)
{
	struct query_ctx q = { allowed, NULL };

	MHD_get_connection_values(
	    r->conn, MHD_GET_ARGUMENT_KIND, check_key, &q);
	if (!q.bad)
		return 0;
	kz_error_set(KZ_EINVAL, "unknown query parameter '%s'", q.bad);
	kz_http_fail_as(r, 400, "invalid");
	return -1;
}

int
api_query_long(
    struct kz_req *r, const char *name, long min, long max, int64_t *out)
{
	const char *v = kz_req_query(r, name);
	long n;

	if (!v)
		return 0;
	if (kz_parse_long(&n, v, min, max)) {
		kz_error_set(KZ_EINVAL,
		    "query parameter '%s' must be a number from %ld to %ld, "
		    "not '%s'",
		    name, min, max, v);
		kz_http_fail_as(r, 400, "invalid");
		return -1;
	}
	*out = n;
	return 0;
}

int
api_str(struct kz_req *r, json_t *obj, const char *key, int nullable,
    const char **out)
{
	json_t *v = json_object_get(obj, key);

	if (!v)
		return 0;
	if (json_is_null(v) && nullable) {
		*out = NULL;
		return 1;
	}
	if (!json_is_string(v)) {
		kz_error_set(KZ_EINVAL, "field '%s' must be a string%s", key,
		    nullable ? " or null" : "");
		kz_http_fail_as(r, 400, "invalid");
		return -1;
	}
	*out = json_string_value(v);
	if (strlen(*out) != json_string_length(v)) {
		kz_error_set(KZ_EINVAL,
		    "field '%s' must not contain NUL characters", key);
		kz_http_fail_as(r, 400, "invalid");
		return -1;
	}
	return 1;
}

int
api_str_req(struct kz_req *r, json_t *obj, const char *key, const char **out)
{
	int got = api_str(r, obj, key, 0, out);

	if (got == 0) {
		kz_error_set(KZ_EINVAL, "field '%s' is required", key);
		kz_http_fail_as(r, 400, "invalid");
		return -1;
	}
	return got;
}

int
api_int(struct kz_req *r, json_t *obj, const char *key, long min, long max,
    long *out)
{
	json_t *v = json_object_get(obj, key);

	if (!v)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < min ||
	    json_integer_value(v) > max) {
		kz_error_set(KZ_EINVAL,
		    "field '%s' must be a number from %ld to %ld", key, min,
		    max);
		kz_http_fail_as(r, 400, "invalid");
		return -1;
	}
	*out = (long)json_integer_value(v);
	return 1;
}

int
api_bool(struct kz_req *r, json_t *obj, const char *key, int *out)
{
	json_t *v = json_object_get(obj, key);

	if (!v)
		return 0;
	if (!json_is_boolean(v)) {
		kz_error_set(
		    KZ_EINVAL, "field '%s' must be true or false", key);
		kz_http_fail_as(r, 400, "invalid");
		return -1;
	}
	*out = json_is_true(v);
	return 1;
}

int
api_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 128 || s[0] == '.' || !kz_utf8_valid(s, n))
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == '/' || s[i] == '\\' ||
		    s[i] == 0x7f)
			return 0;
	return 1;
}

int
api_incident_load(
    struct kz_req *r, enum kz_access what, struct kz_incident **out)
{
	const char *ticket = r->params[0];

	*out = NULL;
	if (!kz_ticket_valid(ticket)) {
		kz_error_set(KZ_EINVAL,
		    "'%s' is not a ticket id (like KZ-2026-000042)", ticket);
		kz_http_fail_as(r, 400, "invalid");
		return -1;
	}
	if (kz_incident_get(out, r->st, ticket) ||
	    kz_access_incident(r->st, &r->who, *out, what)) {
		kz_incident_free(*out);
		*out = NULL;
		kz_http_fail(r);
		return -1;
	}
	kz_access_redact(&r->who, *out);
	return 0;
}

static int
parse_bits(struct kz_req *r, const char *name, unsigned *bits,
    const char *const *names)
{
	const char *v = kz_req_query(r, name);
	char *copy, *tok, *save = NULL;
	int rc = 0;

	if (!v)
		return 0;
	if (!(copy = kz_req_strdup(r, v))) {
		kz_error_set(KZ_ENOMEM, "out of memory");
		kz_http_fail_as(r, 500, "internal");
		return -1;
	}
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		int i;

		if (names == kz_tlp_names) {
			enum kz_tlp t;

			if ((rc = kz_tlp_parse(&t, tok)))
				break;
			i = (int)t;
		} else if (names == kz_status_names) {
			enum kz_status s;

			if ((rc = kz_status_parse(&s, tok)))
				break;
			i = (int)s;
		} else {
			enum kz_category c;

			if ((rc = kz_category_parse(&c, tok)))
				break;
			i = (int)c;
		}
		*bits |= 1u << i;
	}
	if (rc) {
		kz_http_fail(r);
		return -1;
	}
	return 0;
}

static int
parse_time(struct kz_req *r, const char *name, int64_t *out)
{
	const char *v = kz_req_query(r, name);

	if (v && kz_time_parse(out, v)) {
		kz_http_fail(r);
		return -1;
	}
	return 0;
}

int
api_incident_list(struct kz_req *r)
{
	static const char *const allowed[] = { "status", "category", "tlp",
		"assignee", "priority", "since", "until", "q", "limit",
		"offset", "open", "oldest_first", NULL };
	struct kz_incident_filter f = { 0 };
	struct kz_incident_list l;
	const char *v;
	int64_t limit = 50, oldest = 0, open = 0;
	json_t *arr;

	if (api_query_keys(r, allowed) ||
	    parse_bits(r, "status", &f.statuses, kz_status_names) ||
	    parse_bits(r, "category", &f.categories, kz_category_names) ||
	    parse_bits(r, "tlp", &f.tlps, kz_tlp_names) ||
	    parse_time(r, "since", &f.from) || parse_time(r, "until", &f.to) ||
	    api_query_long(r, "limit", 1, 1000, &limit) ||
	    api_query_long(r, "offset", 0, 1L << 40, &f.offset) ||
	    api_query_long(r, "open", 0, 1, &open) ||
	    api_query_long(r, "oldest_first", 0, 1, &oldest))
		return 0;
	if (open) {
		f.statuses |= (1u << KZ_ST_COUNT) - 1;
		f.statuses &= ~((1u << KZ_ST_CLOSED) | (1u << KZ_ST_REJECTED));
	}
	f.limit = limit;
	f.oldest_first = (int)oldest;
	f.assignee = kz_req_query(r, "assignee");
	f.text = kz_req_query(r, "q");
	if ((v = kz_req_query(r, "priority"))) {
		const char *dash = strchr(v, '-');
		char lo[16];
		long a, b;

		snprintf(lo, sizeof(lo), "%.*s",
		    dash ? (int)(dash - v) : (int)strlen(v), v);
		if (kz_parse_long(&a, lo, 1, 5) ||
		    kz_parse_long(&b, dash ? dash + 1 : lo, 1, 5)) {
			kz_error_set(KZ_EINVAL,
			    "priority must be N or N-M with numbers from 1 to "
			    "5, not '%s'",
			    v);
			return kz_http_fail_as(r, 400, "invalid");
		}
		f.priority_min = (int)a;
		f.priority_max = (int)b;
	}
	f.access_sql =
	    kz_access_incident_sql(&r->who, f.access_args, &f.naccess_args);
	if (kz_incident_list(&l, r->st, &f))
		return kz_http_fail(r);
	arr = json_array();
	for (size_t i = 0; i < l.n; i++) {
		kz_access_redact(&r->who, &l.items[i]);
		json_array_append_new(arr, kz_incident_to_json(&l.items[i]));
	}
	kz_http_json(r, 200,
	    json_pack("{s:I, s:I, s:I, s:o}", "total", (json_int_t)l.total,
		"offset", (json_int_t)f.offset, "limit", (json_int_t)limit,
		"incidents", arr));
	kz_incident_list_release(&l);
	return 0;
}

static const char *const field_keys[] = { "title", "description", "category",
	"priority", "tlp", "stage", "assignee", "reporter", NULL };

/* Reads the incident fields of obj into inc (borrowing strings). */
static int
parse_fields(
    struct kz_req *r, json_t *obj, struct kz_incident *inc, unsigned *mask)
{
	const char *s;
	long n;
	int got;

	if ((got = api_str(r, obj, "title", 0, &s)) < 0)
		return -1;
	if (got) {
		inc->title = (char *)s;
		*mask |= KZ_F_TITLE;
	}
	if ((got = api_str(r, obj, "description", 0, &s)) < 0)
		return -1;
	if (got) {
		inc->description = (char *)s;
		*mask |= KZ_F_DESCRIPTION;
	}
	if ((got = api_str(r, obj, "category", 0, &s)) < 0)
		return -1;
	if (got) {
		if (kz_category_parse(&inc->category, s))
			return kz_http_fail(r), -1;
		*mask |= KZ_F_CATEGORY;
	}
	if ((got = api_int(
		 r, obj, "priority", KZ_PRIORITY_MIN, KZ_PRIORITY_MAX, &n)) < 0)
		return -1;
	if (got) {
		inc->priority = (int)n;
		*mask |= KZ_F_PRIORITY;
	}
	if ((got = api_str(r, obj, "tlp", 0, &s)) < 0)
		return -1;
	if (got) {
		if (kz_tlp_parse(&inc->tlp, s))
			return kz_http_fail(r), -1;
		*mask |= KZ_F_TLP;
	}
	if ((got = api_str(r, obj, "stage", 1, &s)) < 0)
		return -1;
	if (got) {
		inc->stage = KZ_STAGE_NONE;
		if (s && kz_stage_parse(&inc->stage, s))
			return kz_http_fail(r), -1;
		*mask |= KZ_F_STAGE;
	}
	if ((got = api_str(r, obj, "assignee", 1, &s)) < 0)
		return -1;
	if (got) {
		inc->assignee = (char *)s;
		*mask |= KZ_F_ASSIGNEE;
	}
	if ((got = api_str(r, obj, "reporter", 1, &s)) < 0)
		return -1;
	if (got) {
		inc->reporter = (char *)s;
		*mask |= KZ_F_REPORTER;
	}
	return 0;
}

/* Answers with the incident as it is now. */
static int
answer_incident(struct kz_req *r, unsigned status, const char *ticket)
{
	struct kz_incident *inc;

	if (kz_incident_get(&inc, r->st, ticket))
		return kz_http_fail(r);
	kz_access_redact(&r->who, inc);
	if (status == 201) {
		char loc[96];

		snprintf(loc, sizeof(loc), "/api/v1/incidents/%s", inc->ticket);
		kz_http_header(r, "Location", loc);
	}
	kz_http_json(r, status, kz_incident_to_json(inc));
	kz_incident_free(inc);
	return 0;
}

int
api_incident_create(struct kz_req *r)
{
	struct kz_incident inc;
	unsigned mask = 0;
	json_t *body;
	int rc;

	if (kz_req_json(r, &body))
		return 0;
	kz_incident_init(&inc);
	if (kz_req_json_keys(r, body, field_keys) ||
	    parse_fields(r, body, &inc, &mask))
		goto done;
	if (!(mask & KZ_F_TITLE)) {
		kz_error_set(KZ_EINVAL, "field '%s' is required", "title");
		kz_http_fail_as(r, 400, "invalid");
		goto done;
	}
	if (kz_store_begin(r->st))
		goto fail;
	rc = kz_incident_create(r->st, &inc, r->who.name);
	if (rc) {
		kz_store_rollback(r->st);
		goto fail;
	}
	if (kz_store_commit(r->st))
		goto fail;
	answer_incident(r, 201, inc.ticket);
	goto done;
fail:
	kz_http_fail(r);
done:
	json_decref(body);
	return 0;
}

int
api_incident_get(struct kz_req *r)
{
	struct kz_incident *inc;

	if (api_incident_load(r, KZ_ACCESS_READ, &inc))
		return 0;
	kz_http_json(r, 200, kz_incident_to_json(inc));
	kz_incident_free(inc);
	return 0;
}

int
api_incident_patch(struct kz_req *r)
{
	struct kz_incident *cur, chg;
	unsigned mask = 0;
	json_t *body;

	if (api_incident_load(r, KZ_ACCESS_WRITE, &cur))
		return 0;
	kz_incident_init(&chg);
	if (kz_req_json(r, &body))
		goto out;
	if (kz_req_json_keys(r, body, field_keys) ||
	    parse_fields(r, body, &chg, &mask))
		goto done;
	if (!mask) {
		kz_error_set(KZ_EINVAL,
		    "nothing to change: give a field such as 'priority'");
		kz_http_fail_as(r, 400, "invalid");
		goto done;
	}
	if (kz_incident_update(r->st, cur->ticket, &chg, mask, r->who.name)) {
		kz_http_fail(r);
		goto done;
	}
	answer_incident(r, 200, cur->ticket);
done:
	json_decref(body);
out:
	kz_incident_free(cur);
	return 0;
}

int
api_incident_status(struct kz_req *r)
{
	static const char *const keys[] = { "status", "note", NULL };
	struct kz_incident *cur;
	const char *status = NULL, *note = NULL;
	enum kz_status to;
	json_t *body = NULL;

	if (api_incident_load(r, KZ_ACCESS_WRITE, &cur))
		return 0;
	if (kz_req_json(r, &body) || kz_req_json_keys(r, body, keys) ||
	    api_str_req(r, body, "status", &status) < 0 ||
	    api_str(r, body, "note", 1, &note) < 0)
		goto done;
	if (kz_status_parse(&to, status) ||
	    kz_incident_set_status(r->st, cur->ticket, to, r->who.name, note)) {
		kz_http_fail(r);
		goto done;
	}
	answer_incident(r, 200, cur->ticket);
done:
	json_decref(body);
	kz_incident_free(cur);
	return 0;
}

int
api_incident_note(struct kz_req *r)
{
	static const char *const keys[] = { "text", NULL };
	struct kz_incident *cur;
	const char *text = NULL;
	json_t *body = NULL;

	if (api_incident_load(r, KZ_ACCESS_WRITE, &cur))
		return 0;
	if (kz_req_json(r, &body) || kz_req_json_keys(r, body, keys) ||
	    api_str_req(r, body, "text", &text) < 0)
		goto done;
	if (kz_incident_note(r->st, cur->ticket, r->who.name, text)) {
		kz_http_fail(r);
		goto done;
	}
	answer_incident(r, 201, cur->ticket);
done:
	json_decref(body);
	kz_incident_free(cur);
	return 0;
}

int
api_incident_assign(struct kz_req *r)
{
	static const char *const keys[] = { "assignee", NULL };
	struct kz_incident *cur, chg;
	const char *who = NULL;
	json_t *body = NULL;
	int got;

	if (api_incident_load(r, KZ_ACCESS_WRITE, &cur))
		return 0;
	if (kz_req_json(r, &body) || kz_req_json_keys(r, body, keys) ||
	    (got = api_str(r, body, "assignee", 1, &who)) < 0)
		goto done;
	if (!got) {
		kz_error_set(KZ_EINVAL, "field '%s' is required", "assignee");
		kz_http_fail_as(r, 400, "invalid");
		goto done;
	}
	kz_incident_init(&chg);
	chg.assignee = (char *)who;
	if (kz_incident_update(
		r->st, cur->ticket, &chg, KZ_F_ASSIGNEE, r->who.name)) {
		kz_http_fail(r);
		goto done;
	}
	answer_incident(r, 200, cur->ticket);
done:
	json_decref(body);
	kz_incident_free(cur);
	return 0;
}

int
api_incident_timeline(struct kz_req *r)
{
	struct kz_incident *inc;
	struct kz_event *ev;
	size_t n;
	json_t *arr;

	if (api_incident_load(r, KZ_ACCESS_TIMELINE, &inc))
		return 0;
	if (kz_event_list(&ev, &n, r->st, inc->id)) {
		kz_incident_free(inc);
		return kz_http_fail(r);
	}
	arr = json_array();
	for (size_t i = 0; i < n; i++)
		if (kz_access_event(&r->who, &ev[i]))
			json_array_append_new(arr, kz_event_to_json(&ev[i]));
	kz_http_json(r, 200,
	    json_pack("{s:s, s:o}", "ticket", inc->ticket, "events", arr));
	kz_event_list_free(ev, n);
	kz_incident_free(inc);
	return 0;
}

int
api_incident_indicators(struct kz_req *r)
{
	struct kz_incident *inc;
	struct kz_indicator *v = NULL;
	size_t n = 0;
	json_t *arr;

	if (api_incident_load(r, KZ_ACCESS_READ, &inc))
		return 0;
	if (kz_indicator_list_incident(&v, &n, r->st, inc->id) ||
	    kz_access_indicators(r->st, &r->who, inc, v, &n)) {
		kz_indicator_list_free(v, n);
		kz_incident_free(inc);
		return kz_http_fail(r);
	}
	arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, kz_indicator_to_json(&v[i]));
	kz_http_json(r, 200,
	    json_pack("{s:s, s:o}", "ticket", inc->ticket, "indicators", arr));
	kz_indicator_list_free(v, n);
	kz_incident_free(inc);
	return 0;
}

int
api_incident_reports(struct kz_req *r)
{
	struct kz_incident *inc;
	struct kz_report *rep;
	size_t n;
	json_t *arr;

	if (api_incident_load(r, KZ_ACCESS_REPORTS, &inc))
		return 0;
	if (kz_report_list(&rep, &n, r->st, inc->id)) {
		kz_incident_free(inc);
		return kz_http_fail(r);
	}
	arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, kz_report_to_json(&rep[i]));
	kz_http_json(r, 200,
	    json_pack("{s:s, s:o}", "ticket", inc->ticket, "reports", arr));
	kz_report_list_free(rep, n);
	kz_incident_free(inc);
	return 0;
}

int
api_incident_orgs(struct kz_req *r)
{
	struct kz_incident *inc;
	json_t *links;

	if (api_incident_load(r, KZ_ACCESS_WRITE, &inc))
		return 0;
	if (kz_access_links_json(&links, r->st, inc->id)) {
		kz_incident_free(inc);
		return kz_http_fail(r);
	}
	kz_http_json(r, 200,
	    json_pack("{s:s, s:o}", "ticket", inc->ticket, "orgs", links));
	kz_incident_free(inc);
	return 0;
}

int
api_incident_link_org(struct kz_req *r)
{
	static const char *const keys[] = { "org", "role", NULL };
	struct kz_incident *inc;
	const char *org = NULL, *role = "concerned";
	enum kz_link link;
	json_t *body = NULL;

	if (api_incident_load(r, KZ_ACCESS_WRITE, &inc))
		return 0;
	if (kz_req_json(r, &body) || kz_req_json_keys(r, body, keys) ||
	    api_str_req(r, body, "org", &org) < 0 ||
	    api_str(r, body, "role", 0, &role) < 0)
		goto done;
	if (kz_link_parse(&link, role) ||
	    kz_access_link_org(r->st, inc->ticket, org, link, r->who.name)) {
		kz_http_fail(r);
		goto done;
	}
	r->nparams = 1;
	api_incident_orgs(r);
done:
	json_decref(body);
	kz_incident_free(inc);
	return 0;
}

int
api_incident_unlink_org(struct kz_req *r)
{
	struct kz_incident *inc;

	if (api_incident_load(r, KZ_ACCESS_WRITE, &inc))
		return 0;
	if (!api_name_ok(r->params[1])) {
		kz_error_set(KZ_EINVAL, "invalid org name '%s'", r->params[1]);
		kz_http_fail_as(r, 400, "invalid");
	} else if (kz_access_unlink_org(
		       r->st, inc->ticket, r->params[1], r->who.name)) {
		kz_http_fail(r);
	} else {
		kz_http_no_content(r);
	}
	kz_incident_free(inc);
	return 0;
}
