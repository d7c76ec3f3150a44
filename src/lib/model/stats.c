/* SPDX-License-Identifier: MIT */
/*
 * Period statistics. The counts read only the covering index on
 * (created_at, category, status, coordinated), so a year of a million
 * incidents is one index range scan.
 */
#include "stats.h"

#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/json.h"
#include "model/report.h"

/* The k-th smallest of v[0..n) (quickselect; reorders v). */
static int64_t
select_kth(int64_t *v, size_t n, size_t k)
{
	size_t lo = 0, hi = n - 1;

	while (lo < hi) {
		int64_t pivot = v[lo + (hi - lo) / 2];
		size_t i = lo, j = hi;

		while (i <= j) {
			while (v[i] < pivot)
				i++;
			while (v[j] > pivot)
				j--;
			if (i <= j) {
				int64_t t = v[i];

				v[i] = v[j];
				v[j] = t;
				i++;
				if (j == 0)
					break;
				j--;
			}
		}
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			return v[k];
	}
	return v[k];
}

/*
 * Counts the incidents closed in the period (not those rejected) and
 * their median time to close. The durations come from the covering index on
 * (closed_at, created_at) and the median is selected in linear time, not
 * sorted.
 */
static int
median_close(struct kz_stats *out, struct kz_store *st)
{
	struct kz_stmt *s;
	int64_t *v = NULL;
	size_t n = 0, cap = 0;
	int rc;

	out->median_close = -1;
	if ((rc = kz_store_prepare(&s, st,
		 "SELECT closed_at - created_at, status "
		 "FROM incidents WHERE closed_at >= ? AND closed_at < ?")))
		return rc;
	kz_stmt_bind_int(s, 1, out->from);
	kz_stmt_bind_int(s, 2, out->to);
	while ((rc = kz_stmt_step(s)) == KZ_ROW) {
		/* Rejected ones end too, but are not closed. Tested here, not
		 * in SQL, where the status index would be used for it. */
		if (strcmp(kz_stmt_text(s, 1), "closed") != 0)
			continue;
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 1024;
			int64_t *p = kz_realloc(v, nc * sizeof(*p));

			if (!p) {
				while (kz_stmt_step(s) == KZ_ROW)
					;
				kz_free(v);
				return kz_error_set(KZ_ENOMEM, "out of memory");
			}
			v = p;
			cap = nc;
		}
		v[n++] = kz_stmt_int(s, 0);
	}
	if (rc < 0) {
		kz_free(v);
		return rc;
	}
	out->closed = (int64_t)n;
	if (n) {
		/* The mean of the two middle values for an even count. */
		int64_t hi = select_kth(v, n, n / 2);

		if (n % 2 == 0) {
			int64_t lo = select_kth(v, n, n / 2 - 1);

			out->median_close = (lo + hi) / 2;
		} else {
			out->median_close = hi;
		}
	}
	kz_free(v);
	return 0;
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
	/*
	 * Tallied here rather than with GROUP BY, which would sort every row
	 * of the period; this reads the covering index in order, once.
	 */
	if ((rc = kz_store_prepare(&s, st,
		 "SELECT category, status, coordinated FROM incidents "
		 "WHERE created_at >= ? AND created_at < ?")))
		return rc;
	kz_stmt_bind_int(s, 1, from);
	kz_stmt_bind_int(s, 2, to);
	while ((rc = kz_stmt_step(s)) == KZ_ROW) {
		enum kz_category c;
		enum kz_status t;

		if (kz_category_parse(&c, kz_stmt_text(s, 0)) == 0)
			out->by_category[c]++;
		if (kz_status_parse(&t, kz_stmt_text(s, 1)) == 0)
			out->by_status[t]++;
		out->incidents++;
		out->coordinated += kz_stmt_int(s, 2) != 0;
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
