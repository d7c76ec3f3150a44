/* SPDX-License-Identifier: MIT */
/*
 * The Hyperscan peer for the sweep benchmark: compiles the indicator
 * values as literals (hs_compile_lit_multi) and scans the log line by
 * line, printing the number of each line where any literal occurs. This
 * is substring matching, as grep -F does, only faster.
 *
 *	hs_sweep PATTERNS LOG OUT
 */
#include <hs/hs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
on_match(unsigned id, unsigned long long from, unsigned long long to,
    unsigned flags, void *ctx)
{
	*(int *)ctx = 1;
	return 1; /* one match is enough for the line */
}

int
main(int argc, char **argv)
{
	FILE *pf, *lf, *out;
	char **pats = NULL, *line = NULL;
	size_t *lens = NULL, n = 0, cap = 0, lcap = 0;
	unsigned *ids, *flags;
	ssize_t len;
	hs_database_t *db = NULL;
	hs_scratch_t *scratch = NULL;
	hs_compile_error_t *err = NULL;
	unsigned long long lineno = 0, hits = 0, bytes = 0;
	double t0, t1, t2;
	size_t i;

	if (argc < 4) {
		fprintf(stderr, "usage: hs_sweep PATTERNS LOG OUT\n");
		return 2;
	}
	pf = fopen(argv[1], "r");
	lf = fopen(argv[2], "r");
	out = fopen(argv[3], "w");
	if (!pf || !lf || !out) {
		perror("hs_sweep");
		return 1;
	}
	t0 = now();
	while ((len = getline(&line, &lcap, pf)) > 0) {
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			len--;
		if (!len)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			pats = realloc(pats, cap * sizeof(*pats));
			lens = realloc(lens, cap * sizeof(*lens));
		}
		pats[n] = strndup(line, (size_t)len);
		lens[n] = (size_t)len;
		n++;
	}
	ids = malloc(n * sizeof(*ids));
	flags = malloc(n * sizeof(*flags));
	for (i = 0; i < n; i++) {
		ids[i] = (unsigned)i;
		flags[i] = HS_FLAG_SINGLEMATCH;
	}
	if (hs_compile_lit_multi((const char *const *)pats, flags, ids, lens,
		(unsigned)n, HS_MODE_BLOCK, NULL, &db, &err) != HS_SUCCESS) {
		fprintf(stderr, "hs_sweep: %s\n", err ? err->message : "error");
		return 1;
	}
	if (hs_alloc_scratch(db, &scratch) != HS_SUCCESS)
		return 1;
	t1 = now();
	while ((len = getline(&line, &lcap, lf)) > 0) {
		int hit = 0;

		lineno++;
		bytes += (unsigned long long)len;
		hs_scan(db, line, (unsigned)len, 0, scratch, on_match, &hit);
		if (hit) {
			hits++;
			fprintf(out, "%llu\n", lineno);
		}
	}
	t2 = now();
	printf("patterns %zu load+compile %.3f s\n", n, t1 - t0);
	printf("lines %llu hit lines %llu scan %.3f s %.0f MB/s\n", lineno,
	    hits, t2 - t1, (double)bytes / 1e6 / (t2 - t1));
	fclose(out);
	hs_free_scratch(scratch);
	hs_free_database(db);
	return 0;
}
