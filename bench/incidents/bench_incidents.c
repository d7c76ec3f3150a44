/* SPDX-License-Identifier: MIT */
/*
 * Times the incident store in-process on a loaded database: show by
 * ticket (incident and timeline), filtered lists, free-text search and
 * statistics, each repeated and reported as mean and p99.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/error.h"
#include "core/timeutil.h"
#include "model/event.h"
#include "model/incident.h"
#include "model/stats.h"
#include "store/store.h"

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
report(const char *what, double *t, int n)
{
	double sum = 0;

	for (int i = 0; i < n; i++)
		sum += t[i];
	qsort(t, (size_t)n, sizeof(*t), cmp_double);
	printf("%-44s mean %9.3f ms  p99 %9.3f ms  (n=%d)\n", what, sum / n,
	    t[(n * 99) / 100 < n ? (n * 99) / 100 : n - 1], n);
}

static void
time_list(struct kz_store *st, const char *what,
    const struct kz_incident_filter *f, int n)
{
	double *t = calloc((size_t)n, sizeof(*t));
	int64_t total = 0;

	for (int i = 0; i < n; i++) {
		struct kz_incident_list l;
		double a = now_ms();

		if (kz_incident_list(&l, st, f)) {
			fprintf(stderr, "list: %s\n", kz_error_message());
			exit(1);
		}
		t[i] = now_ms() - a;
		total = l.total;
		kz_incident_list_release(&l);
	}
	printf("[%lld rows] ", (long long)total);
	report(what, t, n);
	free(t);
}

/*
 * Batch insert through the library, as a program loading incidents would:
 * n incidents with two timeline events each, one transaction.
 */
static void
time_insert(const char *path, long n)
{
	static const char *const titles[] = { "Port scan from 198.51.100.7",
		"銀行を装うフィッシングサイト www42.example4242.jp",
		"Web defacement of www7.example99.jp",
		"203.0.113.9 からのポートスキャン" };
	struct kz_store *st;
	double a, b;

	remove(path);
	if (kz_store_open(&st, path, 0) || kz_store_begin(st)) {
		fprintf(stderr, "%s\n", kz_error_message());
		exit(1);
	}
	a = now_ms();
	for (long i = 0; i < n; i++) {
		struct kz_incident inc;

		kz_incident_init(&inc);
		inc.title = (char *)titles[i % 4];
		inc.category = (enum kz_category)(i % KZ_CAT_COUNT);
		inc.status = (enum kz_status)(i % KZ_ST_COUNT);
		inc.created_at = 1735689600 + i * 60;
		if (kz_incident_import(st, &inc, "bench") ||
		    kz_event_add_at(st, inc.id, inc.created_at + 60, "note",
			"bench", "受付しました / acknowledged", NULL) ||
		    kz_event_add_at(st, inc.id, inc.created_at + 3600, "note",
			"bench", "contacted the hosting provider", NULL)) {
			fprintf(stderr, "%s\n", kz_error_message());
			exit(1);
		}
	}
	if (kz_store_commit(st)) {
		fprintf(stderr, "%s\n", kz_error_message());
		exit(1);
	}
	b = now_ms();
	printf("batch insert (library, one transaction): %ld incidents with "
	       "3 timeline events each in %.1f s = %.0f incidents/s\n",
	    n, (b - a) / 1000, n / ((b - a) / 1000));
	kz_store_close(st);
	remove(path);
}

int
main(int argc, char **argv)
{
	struct kz_store *st;
	struct kz_incident_filter f;
	int64_t from, to;
	int n = 2000, years[] = { 2025, 2026 };
	double *t;

	if (argc < 3) {
		fprintf(stderr,
		    "usage: bench_incidents DB COUNT "
		    "[--insert N SCRATCH_DB]\n");
		return 2;
	}
	long count = atol(argv[2]);
	if (argc == 5 && strcmp(argv[3], "--insert") == 0) {
		time_insert(argv[4], count);
		return 0;
	}
	if (kz_store_open(&st, argv[1], KZ_STORE_NOCREATE)) {
		fprintf(stderr, "%s\n", kz_error_message());
		return 1;
	}
	t = calloc((size_t)n, sizeof(*t));
	srand(7);
	for (int i = 0; i < n; i++) {
		char ticket[32];
		struct kz_incident *inc;
		struct kz_event *ev;
		size_t nev;
		double a;
		int y = years[rand() % 2];

		snprintf(ticket, sizeof(ticket), "KZ-%d-%06ld", y,
		    1 + (long)(rand() % (count / 2)));
		a = now_ms();
		if (kz_incident_get(&inc, st, ticket) ||
		    kz_event_list(&ev, &nev, st, inc->id)) {
			fprintf(stderr, "%s: %s\n", ticket, kz_error_message());
			return 1;
		}
		t[i] = now_ms() - a;
		kz_incident_free(inc);
		kz_event_list_free(ev, nev);
	}
	report("show by ticket (incident + timeline)", t, n);

	memset(&f, 0, sizeof(f));
	time_list(st, "list newest 50", &f, 200);
	f.statuses = 1u << KZ_ST_WAITING;
	time_list(st, "list --status waiting", &f, 200);
	memset(&f, 0, sizeof(f));
	f.categories = 1u << KZ_CAT_PHISHING;
	f.assignee = "tanaka";
	time_list(st, "list --category phishing --assignee tanaka", &f, 200);
	memset(&f, 0, sizeof(f));
	kz_period_parse(&f.from, &f.to, "2026-03");
	f.priority_min = f.priority_max = 1;
	time_list(st, "list --since/--until a month --priority 1", &f, 200);
	memset(&f, 0, sizeof(f));
	f.text = "フィッシング";
	time_list(st, "list --search フィッシング (trigram)", &f, 50);
	memset(&f, 0, sizeof(f));
	f.text = "www42.example4242";
	time_list(st, "list --search www42.example4242", &f, 50);
	memset(&f, 0, sizeof(f));
	f.text = "改ざん";
	f.limit = 20;
	time_list(st, "list --search 改ざん (3 chars)", &f, 50);
	memset(&f, 0, sizeof(f));
	f.text = "改ざ";
	f.limit = 20;
	time_list(st, "list --search 改ざ (2 chars, LIKE)", &f, 10);

	const char *periods[] = { "2026Q3", "2025", "2026-03" };
	for (int p = 0; p < 3; p++) {
		char what[64];
		struct kz_stats s;

		kz_period_parse(&from, &to, periods[p]);
		for (int i = 0; i < 10; i++) {
			double a = now_ms();

			if (kz_stats_compute(&s, st, from, to)) {
				fprintf(stderr, "%s\n", kz_error_message());
				return 1;
			}
			t[i] = now_ms() - a;
		}
		snprintf(what, sizeof(what),
		    "stats --period %s [%lld incidents]", periods[p],
		    (long long)s.incidents);
		report(what, t, 10);
	}
	{
		struct kz_stats s;

		for (int i = 0; i < 5; i++) {
			double a = now_ms();

			kz_stats_compute(&s, st, 0, (int64_t)1 << 40);
			t[i] = now_ms() - a;
		}
		printf("[%lld incidents] ", (long long)s.incidents);
		report("stats over all incidents", t, 5);
	}
	free(t);
	kz_store_close(st);
	return 0;
}
