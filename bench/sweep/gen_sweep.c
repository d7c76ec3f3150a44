/* SPDX-License-Identifier: MIT */
/*
 * Generates the sweep benchmark's input: a Squid native proxy log of a
 * given size, an indicator list (half domains, half IPv4 addresses and
 * CIDR blocks), and the exact set of lines that are hits, computed here
 * with its own simple structures (not kizuki's) so tools can be checked.
 * Some lines are near misses on purpose: a host that ends with an
 * indicator but is not below it, an address that starts with one.
 *
 *	gen_sweep OUTDIR SIZE_MB NINDICATORS [SEED]
 * writes OUTDIR/proxy.log, iocs.txt, patterns.txt (the values, for
 * grep -F), truth.txt (hit line numbers).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng_state = 88172645463325252ULL;

static uint64_t
rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static unsigned
rn(unsigned n)
{
	return (unsigned)(rnd() % n);
}

/* ---- a string hash set (domains) ---- */
static char **hs_keys;
static size_t hs_mask;

static uint64_t
fnv(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;

	while (n--)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

static int
hs_has(const char *s, size_t n)
{
	size_t i = fnv(s, n) & hs_mask;

	for (; hs_keys[i]; i = (i + 1) & hs_mask)
		if (strlen(hs_keys[i]) == n && !memcmp(hs_keys[i], s, n))
			return 1;
	return 0;
}

static int
hs_add(const char *s)
{
	size_t n = strlen(s), i = fnv(s, n) & hs_mask;

	for (; hs_keys[i]; i = (i + 1) & hs_mask)
		if (!strcmp(hs_keys[i], s))
			return 0;
	hs_keys[i] = strdup(s);
	return 1;
}

/* A host hits when it or a parent (with at least one dot) is listed. */
static int
host_hits(const char *h)
{
	const char *p = h;

	for (;;) {
		const char *dot = strchr(p, '.');

		if (!dot)
			return 0;
		if (hs_has(p, strlen(p)))
			return 1;
		p = dot + 1;
	}
}

/* ---- covered IPv4 intervals ---- */
struct iv {
	uint32_t a, b;
};
static struct iv *ivs;
static size_t nivs;

static int
cmp_iv(const void *x, const void *y)
{
	const struct iv *a = x, *b = y;

	return a->a < b->a ? -1 : a->a > b->a;
}

static void
merge_ivs(void)
{
	size_t i, w = 0;

	qsort(ivs, nivs, sizeof(*ivs), cmp_iv);
	for (i = 0; i < nivs; i++) {
		if (w && ivs[i].a <= ivs[w - 1].b + 1ULL) {
			if (ivs[i].b > ivs[w - 1].b)
				ivs[w - 1].b = ivs[i].b;
		} else {
			ivs[w++] = ivs[i];
		}
	}
	nivs = w;
}

static int
ip_hits(uint32_t a)
{
	size_t lo = 0, hi = nivs;

	while (lo < hi) {
		size_t m = (lo + hi) / 2;

		if (ivs[m].a <= a)
			lo = m + 1;
		else
			hi = m;
	}
	return lo && a <= ivs[lo - 1].b;
}

static void
ipstr(char *out, uint32_t a)
{
	sprintf(out, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255,
	    a & 255);
}

static const char *const tlds[] = { "com", "net", "org", "jp", "co.jp", "info",
	"ru", "cn", "io", "de", "xyz", "ne.jp" };
#define NTLDS (sizeof(tlds) / sizeof(tlds[0]))

static void
label(char *out, unsigned minl, unsigned maxl)
{
	static const char al[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	unsigned n = minl + rn(maxl - minl + 1), i;

	out[0] = "abcdefghijklmnopqrstuvwxyz"[rn(26)];
	for (i = 1; i < n; i++)
		out[i] = al[rn(36)];
	out[n] = '\0';
}

int
main(int argc, char **argv)
{
	const char *dir;
	uint64_t size, written = 0, line = 0;
	unsigned nioc, ndom, nip, i;
	char path[4096], buf[512], host[300], lab[64], ips[32], dst[32];
	char **doms, **bg;
	uint32_t *iocips;
	unsigned nbg = 200000;
	FILE *fi, *fp, *fl, *ft;

	if (argc < 4) {
		fprintf(stderr,
		    "usage: gen_sweep OUTDIR SIZE_MB NINDICATORS [SEED]\n");
		return 2;
	}
	dir = argv[1];
	size = strtoull(argv[2], NULL, 10) << 20;
	nioc = (unsigned)strtoul(argv[3], NULL, 10);
	if (argc > 4)
		rng_state ^= strtoull(argv[4], NULL, 10) * 2654435761ULL;
	ndom = nioc / 2;
	nip = nioc - ndom;
	hs_mask = 1;
	while (hs_mask < (size_t)ndom * 3)
		hs_mask <<= 1;
	hs_mask--;
	hs_keys = calloc(hs_mask + 1, sizeof(char *));
	doms = calloc(ndom, sizeof(char *));
	iocips = calloc(nip, sizeof(uint32_t));
	ivs = calloc(nip, sizeof(*ivs));
	bg = calloc(nbg, sizeof(char *));
	snprintf(path, sizeof(path), "%s/iocs.txt", dir);
	fi = fopen(path, "w");
	snprintf(path, sizeof(path), "%s/patterns.txt", dir);
	fp = fopen(path, "w");
	if (!fi || !fp || !hs_keys || !doms || !iocips || !ivs || !bg) {
		perror(path);
		return 1;
	}
	for (i = 0; i < ndom;) {
		label(lab, 5, 12);
		if (rn(4) == 0) {
			char sub[32];

			label(sub, 2, 6);
			snprintf(host, sizeof(host), "%s.%s.%s", sub, lab,
			    tlds[rn(NTLDS)]);
		} else {
			snprintf(
			    host, sizeof(host), "%s.%s", lab, tlds[rn(NTLDS)]);
		}
		if (!hs_add(host))
			continue;
		doms[i++] = strdup(host);
		fprintf(fi, "%s\n", host);
		fprintf(fp, "%s\n", host);
	}
	for (i = 0; i < nip; i++) {
		/* first octet 1..99: never a client (172.16/12) or background
		 */
		uint32_t a = (1 + rn(99)) << 24 | (uint32_t)(rnd() & 0xffffff);
		unsigned plen = 32;

		if (i % 5 == 4)
			plen = 16 + rn(15); /* a fifth are CIDR blocks */
		a &= plen == 32 ? 0xffffffffu : ~((1u << (32 - plen)) - 1);
		iocips[i] = a;
		ivs[nivs].a = a;
		ivs[nivs].b = a | (plen == 32 ? 0 : ((1u << (32 - plen)) - 1));
		nivs++;
		ipstr(ips, a);
		if (plen == 32) {
			fprintf(fi, "%s\n", ips);
			fprintf(fp, "%s\n", ips);
		} else {
			fprintf(fi, "%s/%u\n", ips, plen);
			fprintf(fp, "%s/%u\n", ips, plen);
		}
	}
	fclose(fi);
	fclose(fp);
	merge_ivs();
	for (i = 0; i < nbg;) {
		label(lab, 4, 14);
		snprintf(host, sizeof(host), "%s%s.%s", rn(3) ? "www." : "",
		    lab, tlds[rn(NTLDS)]);
		if (host_hits(host))
			continue;
		bg[i++] = strdup(host);
	}
	snprintf(path, sizeof(path), "%s/proxy.log", dir);
	fl = fopen(path, "w");
	snprintf(path, sizeof(path), "%s/truth.txt", dir);
	ft = fopen(path, "w");
	if (!fl || !ft) {
		perror(path);
		return 1;
	}
	setvbuf(fl, NULL, _IOFBF, 1 << 20);
	while (written < size) {
		unsigned r = rn(1000), n;
		uint32_t client = 0xac100000u | (rnd() & 0xfffff), d;
		int hit;

		d = (100 + rn(124)) << 24 | (uint32_t)(rnd() & 0xffffff);
		if (r < 5) {
			/* a hit by domain, sometimes a subdomain */
			const char *base = doms[rn(ndom)];

			if (rn(2))
				snprintf(host, sizeof(host), "%s", base);
			else {
				label(lab, 1, 8);
				snprintf(
				    host, sizeof(host), "%s.%s", lab, base);
			}
		} else if (r < 10) {
			/* a hit by address: listed or inside a block */
			uint32_t a = iocips[rn(nip)];

			d = a | (rn(2) ? (uint32_t)(rnd() & 0x3) : 0);
			snprintf(host, sizeof(host), "%s", bg[rn(nbg)]);
			if (!ip_hits(d))
				d = a;
		} else if (r < 20) {
			/* near miss: ends with an indicator, not below it */
			snprintf(host, sizeof(host), "x%s", doms[rn(ndom)]);
			if (rn(2)) {
				/*
				 * An address whose text begins with a listed
				 * one: 28.142.180.1 -> 28.142.180.13.
				 */
				uint32_t a = iocips[rn(nip)];

				if ((a & 255) > 0 && (a & 255) < 25)
					d = (a & ~255u) |
					    ((a & 255) * 10 + rn(6));
			}
		} else {
			snprintf(host, sizeof(host), "%s", bg[rn(nbg)]);
		}
		hit = host_hits(host) || ip_hits(d) || ip_hits(client);
		ipstr(ips, client);
		ipstr(dst, d);
		line++;
		if (rn(10) == 0)
			n = (unsigned)snprintf(buf, sizeof(buf),
			    "%llu.%03u %6u %s TCP_TUNNEL/200 %u CONNECT %s:443 - HIER_DIRECT/%s -\n",
			    1700000000ULL + line / 1000, rn(1000), rn(60000),
			    ips, rn(100000), host, dst);
		else
			n = (unsigned)snprintf(buf, sizeof(buf),
			    "%llu.%03u %6u %s TCP_MISS/200 %u GET http://%s/%s/%x%x.%s - HIER_DIRECT/%s %s\n",
			    1700000000ULL + line / 1000, rn(1000), rn(60000),
			    ips, rn(100000), host, rn(2) ? "static" : "api/v1",
			    (unsigned)rnd(), (unsigned)rnd(),
			    rn(2) ? "js" : "png", dst,
			    rn(2) ? "text/html" : "image/png");
		fwrite(buf, 1, n, fl);
		written += n;
		if (hit)
			fprintf(ft, "%llu\n", (unsigned long long)line);
	}
	fclose(fl);
	fclose(ft);
	fprintf(stderr, "%llu lines, %llu bytes, %u indicators\n",
	    (unsigned long long)line, (unsigned long long)written, nioc);
	return 0;
}
