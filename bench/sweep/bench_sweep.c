/* SPDX-License-Identifier: MIT */
/*
 * Drives kizuki's sweep engine for the benchmark: loads an indicator list,
 * sweeps a log with N threads, writes the numbers of the lines with hits
 * (one a line, ascending) and prints load time, memory held by the table,
 * and throughput, in wall time and in CPU time (all threads of the
 * process: on a shared machine CPU time moves less than wall time).
 *
 *	bench_sweep IOCS LOG THREADS HITLINES_OUT
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>

#include "core/error.h"
#include "match/sweep.h"

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct out {
	FILE *f;
	unsigned long long last;
};

static int
on_hit(void *ctx, const struct kz_sweep_hit *h)
{
	struct out *o = ctx;

	if (h->line != o->last) {
		fprintf(o->f, "%llu\n", (unsigned long long)h->line);
		o->last = h->line;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct kz_ioc_table *t = NULL;
	struct kz_ioc_load_stats st;
	struct kz_sweep_opts o;
	struct kz_sweep *sw = NULL;
	struct out out = { NULL, 0 };
	struct stat sb;
	double t0, t1, t2, t3, c0, c1, c2, c3;
	const struct kz_sweep_stats *ss;

	if (argc < 5) {
		fprintf(stderr, "usage: bench_sweep IOCS LOG THREADS OUT\n");
		return 2;
	}
	out.f = fopen(argv[4], "w");
	if (!out.f) {
		perror(argv[4]);
		return 1;
	}
	kz_ioc_load_stats_init(&st);
	t0 = now();
	c0 = cpu();
	if (kz_ioc_table_new(&t) ||
	    kz_ioc_table_load_file(
		t, argv[1], KZ_IOC_LIST_AUTO, NULL, 0, &st) ||
	    kz_ioc_table_build(t)) {
		fprintf(stderr, "bench_sweep: %s\n", kz_error_message());
		return 1;
	}
	t1 = now();
	c1 = cpu();
	kz_sweep_opts_init(&o);
	o.threads = (unsigned)atoi(argv[3]);
	o.on_hit = on_hit;
	o.ctx = &out;
	if (kz_sweep_new(&sw, t, &o)) {
		fprintf(stderr, "bench_sweep: %s\n", kz_error_message());
		return 1;
	}
	t2 = now();
	c2 = cpu();
	if (kz_sweep_file(sw, argv[2]))
		fprintf(stderr, "bench_sweep: %s\n", kz_error_message());
	t3 = now();
	c3 = cpu();
	ss = kz_sweep_stats(sw);
	stat(argv[2], &sb);
	printf("indicators %zu (rejected %zu) load %.3f s (cpu %.3f s) "
	       "table %.1f MiB\n",
	    st.added, st.rejected, t1 - t0, c1 - c0,
	    (double)kz_ioc_table_memory(t) / 1048576.0);
	printf("threads %s lines %llu hits %llu sweep %.3f s %.0f MB/s "
	       "(cpu %.3f s, %.0f MB/s per cpu-second)\n",
	    argv[3], (unsigned long long)ss->lines,
	    (unsigned long long)ss->hits, t3 - t2,
	    (double)ss->bytes / 1e6 / (t3 - t2), c3 - c2,
	    (double)ss->bytes / 1e6 / (c3 - c2));
	fclose(out.f);
	kz_sweep_free(sw);
	kz_ioc_table_free(t);
	kz_ioc_load_stats_release(&st);
	return 0;
}
