/* SPDX-License-Identifier: MIT */
/*
 * Mail parsing throughput: reads the .eml files of a folder (by default
 * the test cases), parses them all a number of rounds on one core and
 * prints mails/s and MB/s of CPU time.
 *	bench_mail [DIR [ROUNDS]]
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "format/mail.h"

struct item {
	char *data;
	size_t len;
};

static char *
read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(n > 0 ? (size_t)n : 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static double
cpu_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "tests/data/mail";
	int rounds = argc > 2 ? atoi(argv[2]) : 20;
	struct item *items = NULL;
	size_t n = 0, bytes = 0, parsed = 0, failed = 0;
	struct dirent *e;
	DIR *d = opendir(dir);
	double t0, t;

	if (!d) {
		fprintf(stderr, "bench_mail: cannot open '%s'\n", dir);
		return 1;
	}
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name), len;
		char path[4096], *data;

		if (l < 4 || strcmp(e->d_name + l - 4, ".eml") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (!(data = read_all(path, &len)))
			continue;
		items = realloc(items, (n + 1) * sizeof(*items));
		items[n].data = data;
		items[n].len = len;
		bytes += len;
		n++;
	}
	closedir(d);
	if (!n || rounds < 1) {
		fprintf(stderr, "bench_mail: no .eml files in '%s'\n", dir);
		return 1;
	}
	t0 = cpu_seconds();
	for (int r = 0; r < rounds; r++)
		for (size_t i = 0; i < n; i++) {
			struct kz_mail *m;

			if (kz_mail_parse(
				&m, items[i].data, items[i].len, NULL) == 0) {
				parsed++;
				kz_mail_free(m);
			} else {
				failed++;
			}
		}
	t = cpu_seconds() - t0;
	printf("%zu mails (%zu refused) x %d rounds, %.1f MB in %.2f s CPU\n",
	    n, failed / (size_t)rounds, rounds, (double)bytes * rounds / 1e6,
	    t);
	printf("%.0f mails/s, %.1f MB/s\n", (double)(parsed + failed) / t,
	    (double)bytes * rounds / 1e6 / t);
	for (size_t i = 0; i < n; i++)
		free(items[i].data);
	free(items);
	return 0;
}
