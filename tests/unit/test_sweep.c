/* SPDX-License-Identifier: MIT */
/*
 * Tests for the sweep engine: the data-driven cases in tests/data/sweep
 * (<format>/NNNN-name.log, .iocs, .expected), compressed and damaged
 * input, over-long lines, chunk boundaries with threads, a randomized
 * comparison against a naive matcher, follow mode and the summaries.
 */
#include "testutil.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "core/alloc.h"
#include "core/error.h"
#include "match/sweep.h"

struct hits {
	struct kz_ioc_table *t;
	char **v;
	size_t n, cap;
	int stop_after;
};

static int
collect(void *ctx, const struct kz_sweep_hit *h)
{
	struct hits *hs = ctx;
	struct kz_ioc ioc;
	char line[1024];

	kz_ioc_table_get(hs->t, h->ioc, &ioc);
	snprintf(line, sizeof(line), "%llu\t%s\t%s",
	    (unsigned long long)h->line, h->field, ioc.value);
	if (hs->n == hs->cap) {
		hs->cap = hs->cap ? hs->cap * 2 : 64;
		hs->v = realloc(hs->v, hs->cap * sizeof(char *));
	}
	hs->v[hs->n++] = strdup(line);
	return hs->stop_after && hs->n >= (size_t)hs->stop_after;
}

static void
hits_free(struct hits *hs)
{
	size_t i;

	for (i = 0; i < hs->n; i++)
		free(hs->v[i]);
	free(hs->v);
	hs->v = NULL;
	hs->n = hs->cap = 0;
}

static int
cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Joins sorted lines with newlines. Caller frees. */
static char *
joined(char **v, size_t n)
{
	size_t i, len = 1;
	char *s;

	if (n)
		qsort(v, n, sizeof(char *), cmp_line);
	for (i = 0; i < n; i++)
		len += strlen(v[i]) + 1;
	s = calloc(1, len);
	for (i = 0; i < n; i++) {
		strcat(s, v[i]);
		strcat(s, "\n");
	}
	return s;
}

static struct kz_ioc_table *
load_iocs(const char *path)
{
	struct kz_ioc_table *t;
	struct kz_ioc_load_stats st;

	kz_ioc_load_stats_init(&st);
	assert_int_equal(kz_ioc_table_new(&t), 0);
	assert_int_equal(
	    kz_ioc_table_load_file(t, path, KZ_IOC_LIST_AUTO, NULL, 0, &st), 0);
	assert_int_equal(kz_ioc_table_build(t), 0);
	kz_ioc_load_stats_release(&st);
	return t;
}

/*
 * Sweeps data (len bytes) in place, or the file log when data is NULL,
 * with the given options; returns the sorted hits.
 */
static char *
sweep_with(struct kz_ioc_table *t, const char *log, const char *data,
    size_t len, enum kz_log_format f, unsigned threads, size_t chunk,
    size_t max_line, struct kz_sweep_stats *st_out)
{
	struct kz_sweep_opts o;
	struct kz_sweep *sw;
	struct hits hs = { t, NULL, 0, 0, 0 };
	char *s;

	kz_sweep_opts_init(&o);
	o.format = f;
	o.threads = threads;
	o.chunk_size = chunk;
	o.max_line = max_line;
	o.on_hit = collect;
	o.ctx = &hs;
	o.summary = 1;
	assert_int_equal(kz_sweep_new(&sw, t, &o), 0);
	if (data)
		assert_int_equal(kz_sweep_buffer(sw, data, len, "buffer"), 0);
	else
		kz_sweep_file(sw, log);
	if (st_out)
		*st_out = *kz_sweep_stats(sw);
	kz_sweep_free(sw);
	s = joined(hs.v, hs.n);
	hits_free(&hs);
	return s;
}

/* Sweeps one case file with the given options; returns sorted hits. */
static char *
run_case(struct kz_ioc_table *t, const char *log, enum kz_log_format f,
    unsigned threads, size_t chunk, size_t max_line,
    struct kz_sweep_stats *st_out)
{
	return sweep_with(t, log, NULL, 0, f, threads, chunk, max_line, st_out);
}

static char *
read_expected(const char *path)
{
	char *data = tu_read_file(path, NULL), **v = NULL, *p, *s;
	size_t n = 0;

	assert_non_null(data);
	for (p = strtok(data, "\n"); p; p = strtok(NULL, "\n")) {
		if (!*p || *p == '#')
			continue;
		v = realloc(v, (n + 1) * sizeof(char *));
		v[n++] = strdup(p);
	}
	s = joined(v, n);
	while (n--)
		free(v[n]);
	free(v);
	free(data);
	return s;
}

static void
test_data_cases(void **state)
{
	/* clang-format off */
	static const char *const dirs[] = { "squid", "combined", "zeek",
		"bind", "postfix", "jsonl", "syslog", "generic", "auto", NULL };
	/* clang-format on */
	int i, failed = 0, ran = 0;

	for (i = 0; dirs[i]; i++) {
		char sub[64], **files;
		char *dir;
		size_t n, k;
		enum kz_log_format f = KZ_LOG_AUTO;

		snprintf(sub, sizeof(sub), "sweep/%s", dirs[i]);
		dir = tu_data_path(sub);
		assert_int_equal(kz_log_format_parse(&f, dirs[i]), 0);
		assert_int_equal(tu_list_dir(&files, &n, dir, ".log"), 0);
		for (k = 0; k < n; k++) {
			char base[4096], path[4200];
			struct kz_ioc_table *t;
			char *want, *got, *got2;

			snprintf(base, sizeof(base), "%.*s",
			    (int)(strlen(files[k]) - 4), files[k]);
			snprintf(path, sizeof(path), "%s.iocs", base);
			t = load_iocs(path);
			snprintf(path, sizeof(path), "%s.expected", base);
			want = read_expected(path);
			got = run_case(t, files[k], f, 1, 0, 0, NULL);
			/* tiny chunks and two threads must agree */
			got2 = run_case(t, files[k], f, 2, 1024, 400, NULL);
			ran++;
			if (strcmp(want, got) || strcmp(want, got2)) {
				failed++;
				printf(
				    "case %s\n--- want\n%s--- got\n%s--- got (threads)\n%s",
				    files[k], want, got, got2);
			}
			free(want);
			free(got);
			free(got2);
			kz_ioc_table_free(t);
		}
		tu_free_list(files, n);
		free(dir);
	}
	assert_true(ran >= 15);
	assert_int_equal(failed, 0);
}

static char *
case_path(const char *name)
{
	return tu_data_path(name);
}

static void
write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

static void
test_compressed(void **state)
{
	char *log = case_path("sweep/squid/0001-proxy.log");
	char *iocs = case_path("sweep/squid/0001-proxy.iocs");
	char *plain_hits, *got, path[512];
	size_t len, zlen;
	char *data = tu_read_file(log, &len);
	struct kz_ioc_table *t = load_iocs(iocs);
	struct kz_sweep_stats st;
	unsigned char *z;
	gzFile gz;

	plain_hits = run_case(t, log, KZ_LOG_AUTO, 1, 0, 0, NULL);
	assert_true(strlen(plain_hits) > 0);

	/* gzip, written as two members to check that both are read */
	snprintf(path, sizeof(path), "%s/proxy.log.gz", tu_tmpdir());
	gz = gzopen(path, "wb");
	gzwrite(gz, data, (unsigned)(len / 2));
	gzclose(gz);
	gz = gzopen(path, "ab");
	gzwrite(gz, data + len / 2, (unsigned)(len - len / 2));
	gzclose(gz);
	got = run_case(t, path, KZ_LOG_AUTO, 2, 0, 0, &st);
	assert_string_equal(got, plain_hits);
	assert_int_equal(st.reasons[KZ_SWEEP_R_TRUNCATED], 0);
	free(got);

	/* zstd */
	zlen = ZSTD_compressBound(len);
	z = malloc(zlen);
	zlen = ZSTD_compress(z, zlen, data, len, 3);
	assert_false(ZSTD_isError(zlen));
	snprintf(path, sizeof(path), "%s/proxy.log.zst", tu_tmpdir());
	write_file(path, z, zlen);
	got = run_case(t, path, KZ_LOG_AUTO, 1, 0, 0, &st);
	assert_string_equal(got, plain_hits);
	free(got);

	/* truncated zstd: counted, no crash */
	snprintf(path, sizeof(path), "%s/cut.log.zst", tu_tmpdir());
	write_file(path, z, zlen - 10);
	got = run_case(t, path, KZ_LOG_AUTO, 1, 0, 0, &st);
	assert_int_equal(st.reasons[KZ_SWEEP_R_TRUNCATED], 1);
	free(got);
	free(z);

	/* truncated gzip: the lines before the cut are swept */
	{
		char gzpath[512];
		size_t glen;
		char *g;
		struct kz_sweep_opts o;
		struct kz_sweep *sw;
		struct hits hs = { t, NULL, 0, 0, 0 };
		int rc;

		snprintf(
		    gzpath, sizeof(gzpath), "%s/proxy.log.gz", tu_tmpdir());
		g = tu_read_file(gzpath, &glen);
		snprintf(path, sizeof(path), "%s/cut.log.gz", tu_tmpdir());
		write_file(path, g, glen - 20);
		kz_sweep_opts_init(&o);
		o.threads = 1;
		o.on_hit = collect;
		o.ctx = &hs;
		assert_int_equal(kz_sweep_new(&sw, t, &o), 0);
		rc = kz_sweep_file(sw, path);
		assert_int_equal(rc, KZ_EIO);
		assert_non_null(strstr(kz_error_message(), "ends early"));
		assert_non_null(strstr(kz_error_message(), "cut.log.gz"));
		assert_int_equal(
		    kz_sweep_stats(sw)->reasons[KZ_SWEEP_R_TRUNCATED], 1);
		assert_true(hs.n >= 2);
		kz_sweep_free(sw);
		hits_free(&hs);

		/* damaged gzip: flipped bytes in the middle */
		g[glen / 2] ^= 0x55;
		g[glen / 2 + 1] ^= 0xaa;
		write_file(path, g, glen);
		got = run_case(t, path, KZ_LOG_AUTO, 1, 0, 0, &st);
		assert_true(st.reasons[KZ_SWEEP_R_CORRUPT] +
			st.reasons[KZ_SWEEP_R_TRUNCATED] >=
		    1);
		free(got);
		free(g);
	}
	free(plain_hits);
	free(data);
	free(log);
	free(iocs);
	kz_ioc_table_free(t);
}

static void
test_long_lines(void **state)
{
	struct kz_ioc_table *t;
	size_t big = 10u << 20, mid = 2u << 20, len = 0;
	char *buf = malloc(big + mid + 4096), path[512], *got;
	const char *hitline =
	    "1700000000.1 1 10.0.0.1 TCP_MISS/200 1 GET "
	    "http://evil.example.com/ - HIER_DIRECT/192.0.2.1 -\n";
	struct kz_sweep_stats st;

	assert_int_equal(kz_ioc_table_new(&t), 0);
	assert_int_equal(
	    kz_ioc_table_add_auto(t, NULL, "evil.example.com", 16, NULL), 0);
	assert_int_equal(kz_ioc_table_build(t), 0);
	len += (size_t)sprintf(buf + len, "%s", hitline);
	memset(buf + len, 'a', big); /* a 10 MB line, with a hit inside */
	memcpy(buf + len + 5000, " evil.example.com ", 18);
	len += big;
	buf[len++] = '\n';
	len += (size_t)sprintf(buf + len, "%s", hitline);
	memset(buf + len, 'b', mid); /* 2 MB: longer than max_line */
	len += mid;
	buf[len++] = '\n';
	len += (size_t)sprintf(buf + len, "%s", hitline);
	snprintf(path, sizeof(path), "%s/long.log", tu_tmpdir());
	write_file(path, buf, len);
	got = run_case(t, path, KZ_LOG_SQUID, 1, 0, 0, &st);
	assert_string_equal(got,
	    "1\turl\tevil.example.com\n"
	    "3\turl\tevil.example.com\n"
	    "5\turl\tevil.example.com\n");
	assert_int_equal(st.reasons[KZ_SWEEP_R_TOO_LONG], 2);
	assert_int_equal(st.lines, 5);
	free(got);
	got = run_case(t, path, KZ_LOG_SQUID, 2, 0, 0, &st);
	assert_string_equal(got,
	    "1\turl\tevil.example.com\n"
	    "3\turl\tevil.example.com\n"
	    "5\turl\tevil.example.com\n");
	assert_int_equal(st.lines, 5);
	free(got);
	/* a file that ends inside a long line */
	write_file(path, buf, (size_t)(strlen(hitline) + big / 2));
	got = run_case(t, path, KZ_LOG_SQUID, 1, 0, 0, &st);
	assert_string_equal(got, "1\turl\tevil.example.com\n");
	assert_int_equal(st.reasons[KZ_SWEEP_R_TOO_LONG], 1);
	free(got);
	free(buf);
	kz_ioc_table_free(t);
}

/* ---- randomized comparison with a naive matcher ---- */

static uint64_t rs = 0x12345678abcdefULL;

static unsigned
rnd(unsigned n)
{
	return (unsigned)(tu_next(&rs) % n);
}

struct nioc {
	int ip;
	uint32_t a;
	unsigned plen;
	char dom[64];
	uint32_t id;
};

static void
rand_domain(char *out)
{
	static const char *const labs[] = { "a", "b", "ab", "ba", "evil",
		"xevil", "c2", "cdn" };
	static const char *const tlds[] = { "com", "co.jp", "net" };
	int n = 1 + (int)rnd(3), i;

	out[0] = '\0';
	for (i = 0; i < n; i++) {
		strcat(out, labs[rnd(8)]);
		strcat(out, ".");
	}
	strcat(out, tlds[rnd(3)]);
}

static uint32_t
rand_ip(void)
{
	/* a small space so that prefixes nest and collide */
	return 0x0a000000u | rnd(4) << 16 | rnd(4) << 8 | rnd(8);
}

static void
test_random_vs_naive(void **state)
{
	int round;

	for (round = 0; round < 20; round++) {
		struct kz_ioc_table *t;
		struct nioc iocs[60];
		size_t n = 0, i, nexp = 0, line;
		char *log = malloc(1 << 20), **exp = NULL, path[512], *want,
		     *got, *got2;
		size_t len = 0;

		assert_int_equal(kz_ioc_table_new(&t), 0);
		while (n < 60) {
			struct nioc *c = &iocs[n];
			char v[96];
			uint32_t id;

			memset(c, 0, sizeof(*c));
			if (rnd(2)) {
				c->ip = 1;
				c->plen = rnd(3) ? 32 : 8 + rnd(25);
				c->a = rand_ip() &
				    (c->plen ? ~0u << (32 - c->plen) : 0);
				snprintf(v, sizeof(v), "%u.%u.%u.%u/%u",
				    c->a >> 24, c->a >> 16 & 255,
				    c->a >> 8 & 255, c->a & 255, c->plen);
			} else {
				rand_domain(c->dom);
				snprintf(v, sizeof(v), "%s", c->dom);
			}
			if (kz_ioc_table_add_auto(t, &id, v, strlen(v), NULL))
				continue;
			c->id = id;
			n++;
		}
		assert_int_equal(kz_ioc_table_build(t), 0);
		for (line = 1; line <= 300; line++) {
			char tok[4][80];
			int k, ntok = 1 + (int)rnd(4);
			uint32_t seen[8];
			int nseen = 0;

			for (k = 0; k < ntok; k++) {
				if (rnd(2)) {
					uint32_t a = rand_ip();

					snprintf(tok[k], 80, "%u.%u.%u.%u",
					    a >> 24, a >> 16 & 255,
					    a >> 8 & 255, a & 255);
				} else {
					rand_domain(tok[k]);
				}
				len += (size_t)sprintf(
				    log + len, "%s%s", k ? " " : "x ", tok[k]);
			}
			log[len++] = '\n';
			/* the naive answer for this line */
			for (k = 0; k < ntok; k++) {
				uint32_t a = 0, best = UINT32_MAX;
				unsigned bestlen = 0, o[4];
				int isip = sscanf(tok[k], "%u.%u.%u.%u", &o[0],
					       &o[1], &o[2], &o[3]) == 4;
				int j, dup = 0;

				if (isip)
					a = o[0] << 24 | o[1] << 16 |
					    o[2] << 8 | o[3];
				for (i = 0; i < n; i++) {
					struct nioc *c = &iocs[i];

					if (isip && c->ip) {
						uint32_t m = c->plen ?
						    ~0u << (32 - c->plen) :
						    0;

						if ((a & m) == c->a &&
						    (best == UINT32_MAX ||
							c->plen > bestlen)) {
							best = c->id;
							bestlen = c->plen;
						}
					} else if (!isip && !c->ip) {
						size_t tl = strlen(tok[k]),
						       dl = strlen(c->dom);

						if ((tl == dl &&
							!strcmp(
							    tok[k], c->dom)) ||
						    (tl > dl &&
							tok[k][tl - dl - 1] ==
							    '.' &&
							!strcmp(
							    tok[k] + tl - dl,
							    c->dom))) {
							if (best ==
								UINT32_MAX ||
							    dl > bestlen) {
								best = c->id;
								bestlen =
								    (unsigned)
									dl;
							}
						}
					}
				}
				if (best == UINT32_MAX)
					continue;
				for (j = 0; j < nseen; j++)
					dup |= seen[j] == best;
				if (dup)
					continue;
				seen[nseen++] = best;
				{
					struct kz_ioc ioc;
					char e[256];

					kz_ioc_table_get(t, best, &ioc);
					snprintf(e, sizeof(e), "%zu\ttoken\t%s",
					    line, ioc.value);
					exp = realloc(
					    exp, (nexp + 1) * sizeof(char *));
					exp[nexp++] = strdup(e);
				}
			}
		}
		snprintf(path, sizeof(path), "%s/random.log", tu_tmpdir());
		write_file(path, log, len);
		want = joined(exp, nexp);
		got = run_case(t, path, KZ_LOG_GENERIC, 1, 0, 0, NULL);
		got2 = run_case(t, path, KZ_LOG_GENERIC, 2, 512, 200, NULL);
		if (strcmp(want, got))
			printf("round %d\n--- want\n%s--- got\n%s", round, want,
			    got);
		assert_string_equal(want, got);
		assert_string_equal(want, got2);
		while (nexp--)
			free(exp[nexp]);
		free(exp);
		free(want);
		free(got);
		free(got2);
		free(log);
		kz_ioc_table_free(t);
	}
}

/* ---- follow ---- */

struct follow_ctx {
	struct kz_sweep *sw;
	const char *path;
	int rc;
};

static void *
follow_thread(void *arg)
{
	struct follow_ctx *fc = arg;

	fc->rc = kz_sweep_follow(fc->sw, fc->path);
	return NULL;
}

static void
append(const char *path, const char *text)
{
	FILE *f = fopen(path, "ab");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void
test_follow(void **state)
{
	struct kz_ioc_table *t;
	struct kz_sweep_opts o;
	struct follow_ctx fc;
	struct hits hs;
	pthread_t th;
	char path[512], old[520], *got;

	assert_int_equal(kz_ioc_table_new(&t), 0);
	assert_int_equal(
	    kz_ioc_table_add_auto(t, NULL, "evil.example.com", 16, NULL), 0);
	assert_int_equal(kz_ioc_table_build(t), 0);
	memset(&hs, 0, sizeof(hs));
	hs.t = t;
	snprintf(path, sizeof(path), "%s/follow.log", tu_tmpdir());
	snprintf(old, sizeof(old), "%s.1", path);
	write_file(path, "old evil.example.com line before following\n", 44);
	kz_sweep_opts_init(&o);
	o.format = KZ_LOG_GENERIC;
	o.threads = 1;
	o.on_hit = collect;
	o.ctx = &hs;
	o.poll_ms = 20;
	o.follow_idle_ms = 600;
	assert_int_equal(kz_sweep_new(&fc.sw, t, &o), 0);
	fc.path = path;
	pthread_create(&th, NULL, follow_thread, &fc);
	usleep(150000);
	append(path, "a evil.example.com\nb fine.example.com\nc x.evil.exa");
	usleep(150000);
	append(path, "mple.com\n");
	usleep(150000);
	/* rotation: the old file moves away, a new one appears */
	append(path, "d www.evil.example.com\n");
	assert_int_equal(rename(path, old), 0);
	write_file(path, "e evil.example.com\nok\n", 22);
	usleep(200000);
	/* truncation: the file starts again */
	write_file(path, "f evil.example.com\n", 19);
	usleep(200000);
	pthread_join(th, NULL);
	assert_int_equal(fc.rc, 0);
	got = joined(hs.v, hs.n);
	/*
	 * From where following began: lines 1 and 3, then 4 (d) before the
	 * rotation; the new file's line 1 (e); after truncation line 1 (f).
	 */
	assert_string_equal(got,
	    "1\ttoken\tevil.example.com\n"
	    "1\ttoken\tevil.example.com\n"
	    "1\ttoken\tevil.example.com\n"
	    "3\ttoken\tevil.example.com\n"
	    "4\ttoken\tevil.example.com\n");
	free(got);
	hits_free(&hs);
	kz_sweep_free(fc.sw);
	kz_ioc_table_free(t);
}

/* ---- summaries and output ---- */

static void
test_summary_and_output(void **state)
{
	char *log = case_path("sweep/squid/0001-proxy.log");
	char *iocs = case_path("sweep/squid/0001-proxy.iocs");
	struct kz_ioc_table *t = load_iocs(iocs);
	struct kz_sweep_opts o;
	struct kz_sweep *sw;
	struct kz_sweep_ioc_summary *is;
	struct kz_sweep_client_summary *cs;
	size_t ni, nc, i;
	struct kz_buf b = KZ_BUF_INIT(1 << 20);
	struct hits hs = { t, NULL, 0, 0, 0 };
	struct kz_ioc ioc;

	kz_sweep_opts_init(&o);
	o.threads = 2;
	o.summary = 1;
	assert_int_equal(kz_sweep_new(&sw, t, &o), 0);
	assert_int_equal(kz_sweep_file(sw, log), 0);
	assert_int_equal(kz_sweep_file(sw, log), 0); /* twice: counts add */
	assert_int_equal(kz_sweep_summary_iocs(sw, &is, &ni), 0);
	assert_int_equal(ni, 6);
	for (i = 0; i < ni; i++) {
		kz_ioc_table_get(t, is[i].ioc, &ioc);
		if (!strcmp(ioc.value, "bad-cdn.net")) {
			assert_int_equal(is[i].hits, 4);
			/* line 8 has no client, line 11 has 10.1.2.8 */
			assert_int_equal(is[i].clients, 2);
			assert_int_equal(is[i].first, 1700000009);
		}
	}
	kz_free(is);
	assert_int_equal(kz_sweep_summary_clients(sw, &cs, &nc), 0);
	assert_int_equal(nc, 6); /* "" and 10.1.2.4 .. 10.1.2.8 */
	assert_string_equal(cs[0].client, "");
	assert_string_equal(cs[3].client, "10.1.2.6");
	assert_int_equal(cs[3].n, 2);
	assert_int_equal(cs[3].hits, 4);
	kz_sweep_client_summary_free(cs, nc);
	assert_int_equal(kz_sweep_format_summary(&b, sw, KZ_SWEEP_TEXT), 0);
	assert_non_null(strstr(b.ptr, "evil.example.co.jp"));
	assert_non_null(strstr(b.ptr, "10.1.2.5"));
	assert_non_null(strstr(b.ptr, "unparsed"));
	kz_buf_reset(&b);
	assert_int_equal(kz_sweep_format_summary(&b, sw, KZ_SWEEP_JSON), 0);
	{
		char *p = b.ptr, *nl;
		int lines = 0;

		while ((nl = strchr(p, '\n'))) {
			json_t *j = json_loadb(p, (size_t)(nl - p), 0, NULL);

			assert_non_null(j);
			assert_non_null(json_object_get(j, "kind"));
			json_decref(j);
			lines++;
			p = nl + 1;
		}
		assert_int_equal(lines, 6 + 6 + 1);
	}
	kz_buf_reset(&b);
	assert_int_equal(kz_sweep_format_summary(&b, sw, KZ_SWEEP_CSV), 0);
	assert_true(!strncmp(b.ptr, "kind,client,type", 16));
	kz_sweep_free(sw);

	/* hits as text, JSON and CSV */
	kz_sweep_opts_init(&o);
	o.threads = 1;
	o.on_hit = collect;
	o.ctx = &hs;
	hs.stop_after = 2; /* the callback can stop the sweep */
	assert_int_equal(kz_sweep_new(&sw, t, &o), 0);
	assert_int_equal(kz_sweep_file(sw, log), 0);
	assert_int_equal(hs.n, 2);
	kz_sweep_free(sw);
	hits_free(&hs);
	{
		struct kz_sweep_hit h = { "a,b.log", 7, 1700000000, "url",
			"http://x.evil.example.co.jp/\xff", "10.0.0.1", 0,
			KZ_LOG_SQUID };
		uint32_t id;
		json_t *j;

		for (id = 0; id < kz_ioc_table_count(t); id++) {
			kz_ioc_table_get(t, id, &ioc);
			if (!strcmp(ioc.value, "evil.example.co.jp"))
				h.ioc = id;
		}
		kz_buf_reset(&b);
		kz_sweep_format_hit(&b, t, &h, KZ_SWEEP_JSON);
		j = json_loads(b.ptr, 0, NULL);
		assert_non_null(j);
		assert_int_equal(
		    json_integer_value(json_object_get(j, "line")), 7);
		assert_string_equal(
		    json_string_value(json_object_get(
			json_object_get(j, "indicator"), "value")),
		    "evil.example.co.jp");
		json_decref(j);
		kz_buf_reset(&b);
		kz_sweep_format_hit_header(&b, KZ_SWEEP_CSV);
		kz_sweep_format_hit(&b, t, &h, KZ_SWEEP_CSV);
		assert_non_null(
		    strstr(b.ptr, "\"a,b.log\",7,2023-11-14T22:13:20Z,url,"));
		kz_buf_reset(&b);
		kz_sweep_format_hit(&b, t, &h, KZ_SWEEP_TEXT);
		assert_non_null(strstr(b.ptr, "a,b.log:7\t"));
		assert_non_null(strstr(b.ptr, "domain evil.example.co.jp"));
	}
	kz_buf_release(&b);
	kz_ioc_table_free(t);
	free(log);
	free(iocs);
}

static void
test_memory_faults(void **state)
{
	struct kz_ioc_table *t;
	const char *data =
	    "1700000000.1 1 10.0.0.1 TCP_MISS/200 1 GET "
	    "http://evil.example.com/ - HIER_DIRECT/192.0.2.1 -\n"
	    "junk line evil.example.com\n";
	unsigned long nth;

	assert_int_equal(kz_ioc_table_new(&t), 0);
	assert_int_equal(
	    kz_ioc_table_add_auto(t, NULL, "evil.example.com", 16, NULL), 0);
	assert_int_equal(kz_ioc_table_build(t), 0);
	for (nth = 1; nth < 200; nth++) {
		struct kz_sweep_opts o;
		struct kz_sweep *sw = NULL;
		struct kz_buf b = KZ_BUF_INIT(1 << 16);
		int rc;

		kz_sweep_opts_init(&o);
		o.threads = 1 + nth % 2;
		o.summary = 1;
		kz_alloc_fail_at(nth);
		rc = kz_sweep_new(&sw, t, &o);
		if (!rc) {
			kz_sweep_buffer(sw, data, strlen(data), "mem");
			kz_sweep_format_summary(&b, sw, KZ_SWEEP_TEXT);
		}
		kz_alloc_fail_at(0);
		kz_buf_release(&b);
		kz_sweep_free(sw);
	}
	kz_ioc_table_free(t);
}

/*
 * Line ends and the printable-ASCII check found in one pass: newlines at
 * every offset modulo 16, odd bytes before and after them, and a last
 * line without a newline.
 */
static void
test_line_ends(void **state)
{
	struct kz_ioc_table *t;
	struct kz_sweep_opts o;
	struct kz_sweep *sw;
	struct hits hs;
	char *data = malloc(1 << 20), pad[64], *want, **wv = NULL;
	size_t len = 0, nw = 0, i, at;
	unsigned threads;
	int line;
	uint64_t bad_utf8 = 0, binary = 0;

	assert_int_equal(kz_ioc_table_new(&t), 0);
	assert_int_equal(kz_ioc_table_add(t, NULL, KZ_IOC_DOMAIN,
			     "evil.example.com", 16, NULL),
	    0);
	assert_int_equal(kz_ioc_table_build(t), 0);
	for (line = 1; line <= 200; line++) {
		int evil = line % 3 == 0, odd = line % 5, n;
		size_t start = len, padn = (size_t)(line * 7 % 48);

		memset(pad, 'p', padn);
		pad[padn] = '\0';
		n = sprintf(data + len,
		    "1700000000.%03d 5 10.0.0.1 TCP_MISS/200 100 GET http://%s/%s - HIER_DIRECT/192.0.2.1 text/html",
		    line % 1000, evil ? "a.evil.example.com" : "ok.example.org",
		    pad);
		len += (size_t)n;
		/* an odd byte in the size or the type, at varying places */
		at = line % 2 ? start + 40 + (size_t)line % 6 :
				len - 1 - (size_t)line % 12;
		if (odd == 1) {
			data[at] = '\xff';
			bad_utf8++;
		} else if (odd == 2) {
			data[at] = '\0';
			binary++;
			evil = 0;
		} else if (odd == 3) {
			data[at] = '\x01';
		}
		if (evil) {
			char buf[64];

			snprintf(buf, sizeof(buf), "%d\turl\tevil.example.com",
			    line);
			wv = realloc(wv, (nw + 1) * sizeof(char *));
			wv[nw++] = strdup(buf);
		}
		if (line < 200)
			data[len++] = '\n';
	}
	want = joined(wv, nw);
	for (threads = 1; threads <= 2; threads++) {
		const struct kz_sweep_stats *st;
		char *got;

		memset(&hs, 0, sizeof(hs));
		hs.t = t;
		kz_sweep_opts_init(&o);
		o.format = KZ_LOG_SQUID;
		o.threads = threads;
		o.max_line = 1024;
		o.chunk_size = 4096;
		o.on_hit = collect;
		o.ctx = &hs;
		assert_int_equal(kz_sweep_new(&sw, t, &o), 0);
		assert_int_equal(kz_sweep_buffer(sw, data, len, "mem"), 0);
		st = kz_sweep_stats(sw);
		assert_int_equal(st->lines, 200);
		assert_int_equal(st->reasons[KZ_SWEEP_R_BAD_UTF8], bad_utf8);
		assert_int_equal(st->reasons[KZ_SWEEP_R_BINARY], binary);
		got = joined(hs.v, hs.n);
		assert_string_equal(got, want);
		free(got);
		hits_free(&hs);
		kz_sweep_free(sw);
	}
	for (i = 0; i < nw; i++)
		free(wv[i]);
	free(wv);
	free(want);
	free(data);
	kz_ioc_table_free(t);
}

/*
 * Hits come out in line order and, within a line, in the order of the
 * values (a URL before its host, an address before its host): matching
 * runs a line behind reading, and a line with more hosts than are
 * prepared ahead looks the rest up late. A buffer (swept in place) and
 * the same bytes in a file (read) give the same hits, with lines longer
 * than a chunk among them.
 */
static void
test_hit_order(void **state)
{
	static const char *const iocs[] = { "evil.example.com", "bad.net",
		"192.0.2.0/24", "http://evil.example.com/x", "a@bad.net",
		"2001:db8::/32" };
	struct kz_ioc_table *t;
	char *data = malloc(1 << 22), path[512], *big;
	const char *want_line[] = {
		"\ttoken\thttp://evil.example.com/x",
		"\ttoken\tevil.example.com",
		"\ttoken\ta@bad.net",
		"\ttoken\tbad.net",
		"\ttoken\t192.0.2.0/24",
		"\ttoken\t2001:db8::/32",
	};
	size_t len = 0, i, nwant = 0, wcap = 0;
	char **want = NULL;
	unsigned threads, chunk;
	int line;

	assert_int_equal(kz_ioc_table_new(&t), 0);
	for (i = 0; i < sizeof(iocs) / sizeof(iocs[0]); i++)
		assert_int_equal(kz_ioc_table_add_auto(
				     t, NULL, iocs[i], strlen(iocs[i]), NULL),
		    0);
	assert_int_equal(kz_ioc_table_build(t), 0);
	big = malloc(9000);
	memset(big, 'q', 8999);
	big[8999] = '\0';
	for (line = 1; line <= 400; line++) {
		char e[128];

		if (line % 50 == 7) { /* longer than max_line and a chunk */
			len += (size_t)sprintf(data + len, "%s\n", big);
			continue;
		}
		if (line % 3 == 0) {
			len += (size_t)sprintf(data + len, "nothing here\n");
			continue;
		}
		/* more hosts than a line prepares ahead, then the rest */
		len += (size_t)sprintf(data + len,
		    "a.com b.com c.com d.com e.com "
		    "http://evil.example.com/x <a@bad.net> 192.0.2.9:80 "
		    "[2001:db8::1]:443 x.evil.example.com\n");
		for (i = 0; i < 6; i++) {
			snprintf(e, sizeof(e), "%d%s", line, want_line[i]);
			if (nwant == wcap) {
				wcap = wcap ? wcap * 2 : 64;
				want = realloc(want, wcap * sizeof(char *));
			}
			want[nwant++] = strdup(e);
		}
	}
	snprintf(path, sizeof(path), "%s/order.log", tu_tmpdir());
	write_file(path, data, len);
	for (threads = 1; threads <= 2; threads++) {
		for (chunk = 0; chunk < 2; chunk++) {
			struct kz_sweep_opts o;
			struct kz_sweep *sw;
			struct hits hb = { t, NULL, 0, 0, 0 };
			struct hits hf = { t, NULL, 0, 0, 0 };
			const struct kz_sweep_stats *st;
			int k;

			for (k = 0; k < 2; k++) {
				kz_sweep_opts_init(&o);
				o.format = KZ_LOG_GENERIC;
				o.threads = threads;
				o.max_line = 4096;
				o.chunk_size = chunk ? 8194 : 0;
				o.on_hit = collect;
				o.ctx = k ? &hf : &hb;
				assert_int_equal(kz_sweep_new(&sw, t, &o), 0);
				if (k)
					assert_int_equal(
					    kz_sweep_file(sw, path), 0);
				else
					assert_int_equal(kz_sweep_buffer(sw,
							     data, len, "mem"),
					    0);
				st = kz_sweep_stats(sw);
				assert_int_equal(st->lines, 400);
				assert_int_equal(
				    st->reasons[KZ_SWEEP_R_TOO_LONG], 8);
				assert_int_equal(st->bytes, len);
				kz_sweep_free(sw);
			}
			assert_int_equal(hb.n, nwant);
			assert_int_equal(hf.n, nwant);
			for (i = 0; i < nwant; i++) {
				assert_string_equal(hb.v[i], want[i]);
				assert_string_equal(hf.v[i], want[i]);
			}
			hits_free(&hb);
			hits_free(&hf);
		}
	}
	for (i = 0; i < nwant; i++)
		free(want[i]);
	free(want);
	free(big);
	free(data);
	kz_ioc_table_free(t);
}

/*
 * A URL's host as the sweep sees it: after any user information, before
 * any port, inside brackets for IPv6. Such a host is never searched for
 * a colon again, so each form is checked here.
 */
static void
test_url_hosts(void **state)
{
	static const char *const iocs[] = { "evil.example.com", "192.0.2.0/24",
		"2001:db8::/32" };
	static const char *const urls[] = {
		"http://u:p@evil.example.com:8080/x",
		"http://192.0.2.7:8080/",
		"http://[2001:db8::5]:443/",
		"http://u@192.0.2.9/a:b",
		"http://x:y@198.51.100.1:80/",
		"https://EVIL.example.com./",
		"http://evil.example.com:/",
	};
	static const char *const want[] = {
		"1\turl\tevil.example.com",
		"2\turl\t192.0.2.0/24",
		"3\turl\t2001:db8::/32",
		"4\turl\t192.0.2.0/24",
		"6\turl\tevil.example.com",
		"7\turl\tevil.example.com",
	};
	struct kz_ioc_table *t;
	struct kz_sweep_opts o;
	struct kz_sweep *sw;
	struct hits h = { NULL, NULL, 0, 0, 0 };
	char data[2048];
	size_t len = 0, i;

	(void)state;
	assert_int_equal(kz_ioc_table_new(&t), 0);
	for (i = 0; i < sizeof(iocs) / sizeof(iocs[0]); i++)
		assert_int_equal(kz_ioc_table_add_auto(
				     t, NULL, iocs[i], strlen(iocs[i]), NULL),
		    0);
	assert_int_equal(kz_ioc_table_build(t), 0);
	h.t = t;
	for (i = 0; i < sizeof(urls) / sizeof(urls[0]); i++)
		len += (size_t)snprintf(data + len, sizeof(data) - len,
		    "1700000000.%03u  5 10.0.0.1 TCP_MISS/200 100 GET %s - "
		    "HIER_NONE/- text/html\n",
		    (unsigned)i, urls[i]);
	kz_sweep_opts_init(&o);
	o.format = KZ_LOG_SQUID;
	o.threads = 1;
	o.on_hit = collect;
	o.ctx = &h;
	assert_int_equal(kz_sweep_new(&sw, t, &o), 0);
	assert_int_equal(kz_sweep_buffer(sw, data, len, "mem"), 0);
	kz_sweep_free(sw);
	assert_int_equal(h.n, sizeof(want) / sizeof(want[0]));
	for (i = 0; i < h.n; i++)
		assert_string_equal(h.v[i], want[i]);
	hits_free(&h);
	kz_ioc_table_free(t);
}

/*
 * A plain file is handed to the workers in ranges that each reads itself;
 * a buffer is swept in place. Lines of every length around the ranges'
 * edges (empty ones, over-long ones, none at the end) must come out the
 * same both ways, with the same line numbers, counts and reasons.
 */
static void
test_file_ranges(void **state)
{
	static const size_t chunks[] = { 256, 300, 1024, 4096 };
	struct kz_ioc_table *t;
	char *data = malloc(64 << 10), path[512];
	int round;

	assert_int_equal(kz_ioc_table_new(&t), 0);
	assert_int_equal(
	    kz_ioc_table_add_auto(t, NULL, "evil.example.com", 16, NULL), 0);
	assert_int_equal(kz_ioc_table_build(t), 0);
	snprintf(path, sizeof(path), "%s/ranges.log", tu_tmpdir());
	for (round = 0; round < 12; round++) {
		size_t len = 0, k;
		int line;

		for (line = 0; line < 150; line++) {
			unsigned kind = rnd(10), pad = rnd(200);

			if (kind == 0) {
				/* empty */
			} else if (kind == 1) {
				/* long: past max_line at the smaller chunks */
				memset(data + len, 'x', 300 + pad * 3);
				len += 300 + pad * 3;
			} else {
				len += (size_t)sprintf(data + len,
				    "1700000000.%03d 5 10.0.0.%d TCP_MISS/200 1 GET http://%s/%.*s - HIER_DIRECT/192.0.2.1 -",
				    line, line,
				    kind < 5 ? "a.evil.example.com" :
					       "ok.example.org",
				    (int)pad,
				    "ppppppppppppppppppppppppppppppppppppppppp"
				    "ppppppppppppppppppppppppppppppppppppppppp"
				    "ppppppppppppppppppppppppppppppppppppppppp"
				    "ppppppppppppppppppppppppppppppppppppppppp"
				    "ppppppppppppppppppppppppppppppppppppppppp");
			}
			if (line < 149 || round % 2)
				data[len++] = '\n';
		}
		write_file(path, data, len);
		for (k = 0; k < sizeof(chunks) / sizeof(chunks[0]); k++) {
			size_t max_line = chunks[k] / 2 - 1;
			struct kz_sweep_stats a, b;
			char *want = sweep_with(t, NULL, data, len,
			    KZ_LOG_SQUID, 1, chunks[k], max_line, &a);
			unsigned threads;

			assert_true(strlen(want) > 0);
			for (threads = 1; threads <= 3; threads++) {
				char *got =
				    sweep_with(t, path, NULL, 0, KZ_LOG_SQUID,
					threads, chunks[k], max_line, &b);

				assert_string_equal(got, want);
				assert_int_equal(b.lines, a.lines);
				assert_int_equal(b.bytes, a.bytes);
				assert_int_equal(b.reasons[KZ_SWEEP_R_TOO_LONG],
				    a.reasons[KZ_SWEEP_R_TOO_LONG]);
				free(got);
			}
			free(want);
		}
	}
	free(data);
	kz_ioc_table_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_data_cases),
		cmocka_unit_test(test_compressed),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_random_vs_naive),
		cmocka_unit_test(test_follow),
		cmocka_unit_test(test_summary_and_output),
		cmocka_unit_test(test_memory_faults),
		cmocka_unit_test(test_url_hosts),
		cmocka_unit_test(test_line_ends),
		cmocka_unit_test(test_hit_order),
		cmocka_unit_test(test_file_ranges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
