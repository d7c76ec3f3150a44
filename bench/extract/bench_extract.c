/* SPDX-License-Identifier: MIT */
/*
 * Extraction throughput: reads a corpus, runs kz_extract over it a few
 * times on one core and prints MB/s of CPU time (so that other work on
 * the machine does not count) and what was found. With --list it
 * prints the indicators (type, tab, value) instead, and with --canon it
 * rewrites "type<TAB>value" lines from another extractor into kizuki's
 * canonical form (unchanged when invalid), for the accuracy comparison
 * in run.py.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/error.h"
#include "extract/extract.h"

static char *
read_all(const char *path, size_t *len)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	char *buf = NULL;
	size_t n = 0, cap = 0, r;

	if (!f)
		return NULL;
	do {
		if (cap - n < 1 << 20) {
			cap = cap ? cap * 2 : 1 << 22;
			buf = realloc(buf, cap);
			if (!buf)
				exit(1);
		}
		r = fread(buf + n, 1, cap - n, f);
		n += r;
	} while (r > 0);
	if (f != stdin)
		fclose(f);
	*len = n;
	return buf;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
canon_lines(void)
{
	struct kz_buf b = KZ_BUF_INIT(1 << 20);
	char line[65536];

	while (fgets(line, sizeof(line), stdin)) {
		char *tab = strchr(line, '\t');
		size_t n = strcspn(line, "\r\n");
		enum kz_ioc_type t;

		line[n] = '\0';
		if (!tab) {
			continue;
		}
		*tab = '\0';
		if (kz_ioc_type_parse(&t, line) == 0 &&
		    kz_ioc_canonicalize(&b, t, tab + 1, strlen(tab + 1)) == 0)
			printf("%s\t%s\n", line, b.ptr);
		else
			printf("%s\t%s\n", line, tab + 1);
	}
	kz_buf_release(&b);
	return 0;
}

int
main(int argc, char **argv)
{
	struct kz_extract_result r;
	int list = 0, rounds = 3, rc = 1;
	const char *path = NULL;
	double best = 1e30;
	size_t len = 0;
	char *text;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--canon") == 0)
			return canon_lines();
		if (strcmp(argv[i], "--list") == 0)
			list = 1;
		else if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc)
			rounds = atoi(argv[++i]);
		else
			path = argv[i];
	}
	if (!path || rounds < 1) {
		fprintf(stderr,
		    "usage: bench_extract [--list] [--rounds N] FILE|-\n"
		    "       bench_extract --canon < lines\n");
		return 2;
	}
	text = read_all(path, &len);
	if (!text) {
		perror(path);
		return 1;
	}
	kz_extract_result_init(&r);
	for (int k = 0; k < (list ? 1 : rounds); k++) {
		double t0 = now(), dt;

		if (kz_extract(&r, text, len, 0)) {
			fprintf(
			    stderr, "bench_extract: %s\n", kz_error_message());
			goto done;
		}
		dt = now() - t0;
		if (dt < best)
			best = dt;
	}
	if (list) {
		for (size_t i = 0; i < r.n; i++)
			printf("%s\t%s\n", kz_ioc_type_name(r.items[i].type),
			    r.items[i].value);
	} else {
		size_t occ = 0;

		for (size_t i = 0; i < r.n; i++)
			occ += r.items[i].count;
		printf("bytes %zu\nseconds %.4f\nmb_per_s %.1f\n"
		       "distinct %zu\noccurrences %zu\n",
		    len, best, (double)len / 1e6 / best, r.n, occ);
	}
	rc = 0;
done:
	kz_extract_result_release(&r);
	free(text);
	return rc;
}
