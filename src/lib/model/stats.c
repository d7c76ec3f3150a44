/* SPDX-License-Identifier: MIT */
/*
 * Period statistics. The counts read only the covering index on
 * (created_at, category, status, coordinated), so a year of a million
 * incidents is one index range scan.
 */
#include "stats.h"

#include <string.h>

#include "core/error.h"
#include "core/json.h"
#include "model/report.h"

static int
median_close(struct kz_stats *out, struct kz_store *st)
{
	struct kz_stmt *s;
	int rc;

	out->median_close = -1;
	if ((rc = kz_store_prepare(&s, st,
		 "SELECT count(*) FROM incidents "
		 "WHERE closed_at >= ? AND closed_at < ?")))
		return rc;
	kz_stmt_bind_int(s, 1, out->from);
	kz_stmt_bind_int(s, 2, out->to);
	if ((rc = kz_stmt_step(s)) != KZ_ROW)
		return rc;
	out->closed = kz_stmt_int(s, 0);
	kz_stmt_step(s);
	if (out->closed == 0)
		return 0;
	/* The lower middle element for an even count, then the upper. */
	if ((rc = kz_store_prepare(&s, st,
		 "SELECT closed_at - created_at "
		 "FROM incidents WHERE closed_at >= ? AND closed_at < ? "
		 "ORDER BY 1 LIMIT ? OFFSET ?")))
		return rc;
	kz_stmt_bind_int(s, 1, out->from);
	kz_stmt_bind_int(s, 2, out->to);
	kz_stmt_bind_int(s, 3, out->closed % 2 ? 1 : 2);
	kz_stmt_bind_int(s, 4, (out->closed - 1) / 2);
	if ((rc = kz_stmt_step(s)) != KZ_ROW)
		return rc;
	out->median_close = kz_stmt_int(s, 0);
	if ((rc = kz_stmt_step(s)) == KZ_ROW) {
		out->median_close = (out->median_close + kz_stmt_int(s, 0)) / 2;
		rc = kz_stmt_step(s);
	}
	return rc < 0 ? rc : 0;
}

int
kz_stats_compute(
    struct kz_stats *out, struct kz_store *st, int64_t from, int64_t to)
{
	struct kz_stmt *s;
	int rc;

	memset(out, 0, sizeof(*out));
	out->from = from;
	out->to = to;
	if (to <= from)
		return kz_error_set(
		    KZ_EINVAL, "the period ends before it starts");
	if ((rc = kz_report_count(&out->reports, st, from, to)))
		return rc;
	if ((rc = kz_store_prepare(&s, st,
		 "SELECT category, status, count(*), sum(coordinated) "
		 "FROM incidents WHERE created_at >= ? AND created_at < ? "
		 "GROUP BY category, status")))
		return rc;
	kz_stmt_bind_int(s, 1, from);
	kz_stmt_bind_int(s, 2, to);
	while ((rc = kz_stmt_step(s)) == KZ_ROW) {
		enum kz_category c;
		enum kz_status t;
		int64_t n = kz_stmt_int(s, 2);

		if (kz_category_parse(&c, kz_stmt_text(s, 0)) == 0)
			out->by_category[c] += n;
		if (kz_status_parse(&t, kz_stmt_text(s, 1)) == 0)
			out->by_status[t] += n;
		out->incidents += n;
		out->coordinated += kz_stmt_int(s, 3);
	}
	if (rc < 0)
		return rc;
	return median_close(out, st);
}

static double
pct(int64_t n, int64_t total)
{
	return total ? (double)n * 100.0 / (double)total : 0.0;
}

json_t *
kz_stats_to_json(const struct kz_stats *s)
{
	json_t *o = json_object(), *cat = json_array(), *st = json_array();
	int i;

	for (i = 0; i < KZ_CAT_COUNT; i++)
		json_array_append_new(cat,
		    json_pack("{s:s, s:I, s:f}", "category",
			kz_category_names[i], "count",
			(json_int_t)s->by_category[i], "percent",
			pct(s->by_category[i], s->incidents)));
	for (i = 0; i < KZ_ST_COUNT; i++)
		json_array_append_new(st,
		    json_pack("{s:s, s:I, s:f}", "status", kz_status_names[i],
			"count", (json_int_t)s->by_status[i], "percent",
			pct(s->by_status[i], s->incidents)));
	kz_json_set(o, "from", kz_json_time(s->from));
	kz_json_set(o, "to", kz_json_time(s->to));
	kz_json_set(o, "reports", json_integer(s->reports));
	kz_json_set(o, "incidents", json_integer(s->incidents));
	kz_json_set(o, "coordinated", json_integer(s->coordinated));
	kz_json_set(o, "closed", json_integer(s->closed));
	kz_json_set(o, "median_close_seconds",
	    s->median_close < 0 ? json_null() : json_integer(s->median_close));
	kz_json_set(o, "by_category", cat);
	kz_json_set(o, "by_status", st);
	return o;
}
