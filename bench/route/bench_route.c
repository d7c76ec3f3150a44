/* SPDX-License-Identifier: MIT */
/*
 * Routing benchmark: loads the full ip-location-db ASN tables, then looks
 * up N random IPv4 addresses (and N random IPv6 ones in 2000::/4) and,
 * with --mmdb, the same IPv4 addresses' countries. Prints load time and
 * lookups per second of one thread's CPU time, and writes the IPv4
 * addresses and a checksum of the answers for the peer.
 *
 *   bench_route --v4 asn-ipv4.csv --v6 asn-ipv6.csv [--mmdb FILE]
 *       [--n 1000000] [--seed 1] [--rounds 5] [--write-ips FILE]
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "core/error.h"
#include "enrich/asn.h"
#include "enrich/geo.h"

static double
now(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t rng_state;

static uint64_t
rng(void)
{
	/* splitmix64 */
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static int
die(const char *what)
{
	fprintf(stderr, "bench_route: %s: %s\n", what, kz_error_message());
	return 1;
}

int
main(int argc, char **argv)
{
	const char *v4 = NULL, *v6 = NULL, *mmdb = NULL, *ipsout = NULL;
	size_t n = 1000000;
	int rounds = 5;
	struct kz_asn_table *t;
	const struct kz_asn_stats *stt;
	uint32_t *ips;
	uint8_t(*ips6)[16];
	double w0, c0, best = 0, best6 = 0, best16 = 0;
	uint64_t sum = 0, found = 0;

	rng_state = 1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!v) {
			fprintf(stderr, "bench_route: %s wants a value\n", a);
			return 2;
		}
		if (!strcmp(a, "--v4"))
			v4 = v;
		else if (!strcmp(a, "--v6"))
			v6 = v;
		else if (!strcmp(a, "--mmdb"))
			mmdb = v;
		else if (!strcmp(a, "--n"))
			n = strtoul(v, NULL, 10);
		else if (!strcmp(a, "--seed"))
			rng_state = strtoull(v, NULL, 10);
		else if (!strcmp(a, "--rounds"))
			rounds = atoi(v);
		else if (!strcmp(a, "--write-ips"))
			ipsout = v;
		else {
			fprintf(stderr, "bench_route: unknown option %s\n", a);
			return 2;
		}
		i++;
	}
	if (!v4 || !n || rounds < 1) {
		fprintf(stderr,
		    "usage: bench_route --v4 FILE [--v6 FILE] "
		    "[--mmdb FILE] [--n N] [--seed S] [--rounds R] "
		    "[--write-ips FILE]\n");
		return 2;
	}

	w0 = now(CLOCK_MONOTONIC);
	c0 = now(CLOCK_PROCESS_CPUTIME_ID);
	if (kz_asn_table_new(&t) || kz_asn_table_load_file(t, v4, 0) ||
	    (v6 && kz_asn_table_load_file(t, v6, 0)) || kz_asn_table_build(t))
		return die("loading");
	stt = kz_asn_table_stats(t);
	printf("load_wall_s\t%.3f\n", now(CLOCK_MONOTONIC) - w0);
	printf("load_cpu_s\t%.3f\n", now(CLOCK_PROCESS_CPUTIME_ID) - c0);
	printf("rows\t%zu v4, %zu v6, %zu names, %zu malformed, %zu "
	       "overlapping\n",
	    stt->rows_v4, stt->rows_v6, stt->names, stt->malformed,
	    stt->overlaps);
	printf("ranges\t%zu v4, %zu v6\n", stt->ranges_v4, stt->ranges_v6);
	for (size_t i = 0; i < stt->noverlap_kept; i++)
		printf("overlap\t%s line %lu: %s\n",
		    stt->overlap_kept[i].source, stt->overlap_kept[i].line,
		    stt->overlap_kept[i].what);

	ips = kz_malloc(n * sizeof(*ips));
	ips6 = kz_malloc(n * sizeof(*ips6));
	if (!ips || !ips6)
		return die("memory");
	for (size_t i = 0; i < n; i++) {
		uint64_t a = rng(), b = rng();

		ips[i] = (uint32_t)a;
		/* 2000::/4 holds all of today's global unicast space */
		for (int k = 0; k < 8; k++) {
			ips6[i][k] = (uint8_t)(a >> (8 * k));
			ips6[i][8 + k] = (uint8_t)(b >> (8 * k));
		}
		ips6[i][0] = (uint8_t)(0x20 | (ips6[i][0] & 0x0f));
	}
	if (ipsout) {
		FILE *f = fopen(ipsout, "w");
		char buf[INET_ADDRSTRLEN];

		if (!f) {
			perror(ipsout);
			return 1;
		}
		for (size_t i = 0; i < n; i++) {
			uint32_t be = htonl(ips[i]);

			inet_ntop(AF_INET, &be, buf, sizeof(buf));
			fprintf(f, "%s\n", buf);
		}
		fclose(f);
	}

	for (int r = 0; r < rounds; r++) {
		struct kz_asn_hit h;
		double c = now(CLOCK_THREAD_CPUTIME_ID), d;

		sum = found = 0;
		for (size_t i = 0; i < n; i++)
			if (kz_asn_lookup_v4(t, ips[i], &h)) {
				sum += h.asn;
				found++;
			}
		d = now(CLOCK_THREAD_CPUTIME_ID) - c;
		if (n / d > best)
			best = (double)n / d;
	}
	printf("v4_lookups_per_s\t%.0f\n", best);
	printf("v4_found\t%llu of %zu\n", (unsigned long long)found, n);
	printf("v4_asn_sum\t%llu\n", (unsigned long long)sum);

	/* The same addresses through the 16-byte (IPv4-mapped) entry. */
	{
		uint8_t(*m)[16] = kz_malloc(n * sizeof(*m));

		if (!m)
			return die("memory");
		for (size_t i = 0; i < n; i++) {
			memset(m[i], 0, 10);
			m[i][10] = m[i][11] = 0xff;
			m[i][12] = (uint8_t)(ips[i] >> 24);
			m[i][13] = (uint8_t)(ips[i] >> 16);
			m[i][14] = (uint8_t)(ips[i] >> 8);
			m[i][15] = (uint8_t)ips[i];
		}
		for (int r = 0; r < rounds; r++) {
			struct kz_asn_hit h;
			double c = now(CLOCK_THREAD_CPUTIME_ID), d;
			uint64_t s16 = 0;

			for (size_t i = 0; i < n; i++)
				if (kz_asn_lookup(t, m[i], &h))
					s16 += h.asn;
			d = now(CLOCK_THREAD_CPUTIME_ID) - c;
			if (n / d > best16)
				best16 = (double)n / d;
			if (s16 != sum)
				return die("mapped lookups disagree");
		}
		kz_free(m);
	}
	printf("mapped_lookups_per_s\t%.0f\n", best16);

	if (v6) {
		uint64_t f6 = 0;

		for (int r = 0; r < rounds; r++) {
			struct kz_asn_hit h;
			double c = now(CLOCK_THREAD_CPUTIME_ID), d;

			f6 = 0;
			for (size_t i = 0; i < n; i++)
				f6 += (uint64_t)kz_asn_lookup(t, ips6[i], &h);
			d = now(CLOCK_THREAD_CPUTIME_ID) - c;
			if (n / d > best6)
				best6 = (double)n / d;
		}
		printf("v6_lookups_per_s\t%.0f\n", best6);
		printf("v6_found\t%llu of %zu\n", (unsigned long long)f6, n);
	}

	if (mmdb) {
		struct kz_geo *g;
		double c, d;
		size_t got = 0;

		if (kz_geo_open(&g, mmdb))
			return die("mmdb");
		c = now(CLOCK_THREAD_CPUTIME_ID);
		for (size_t i = 0; i < n; i++) {
			uint8_t a[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff,
				0xff };
			char cc[3];

			a[12] = (uint8_t)(ips[i] >> 24);
			a[13] = (uint8_t)(ips[i] >> 16);
			a[14] = (uint8_t)(ips[i] >> 8);
			a[15] = (uint8_t)ips[i];
			if (kz_geo_country(cc, g, a) == 1)
				got++;
		}
		d = now(CLOCK_THREAD_CPUTIME_ID) - c;
		printf("country_lookups_per_s\t%.0f\n", (double)n / d);
		printf("country_found\t%zu of %zu\n", got, n);
		kz_geo_close(g);
	}
	kz_free(ips);
	kz_free(ips6);
	kz_asn_table_free(t);
	return 0;
}
