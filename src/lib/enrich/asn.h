/* SPDX-License-Identifier: MIT */
/*
 * IP address -> autonomous system: a table of address ranges (IPv4 and
 * IPv6) read from CSV files in the shape of ip-location-db's asn package
 * (start_ip,end_ip,asn,as_name), built once into sorted arrays with a
 * 16-bit index so that a lookup is a few comparisons in one small bucket.
 */
#ifndef KZ_ASN_H
#define KZ_ASN_H

#include <stddef.h>
#include <stdint.h>

struct kz_asn_table;

/* Most problems a load remembers by line; later ones are only counted. */
#define KZ_ASN_PROBLEMS_KEPT 5

struct kz_asn_problem {
	char source[64];          /* the file name of the add call's source */
	unsigned long line;       /* 1-based */
	unsigned long other_line; /* overlaps: the line it overlaps, else 0 */
	const char *fmt; /* a msgid with one %s: "bad start address '%s'" */
	char value[48];  /* the offending text, cut */
	char what[128];  /* fmt with value, in English */
};

/*
 * What loading saw. Malformed rows are skipped but counted and the first
 * few named; overlapping ranges are all kept, the smallest range winning
 * where they overlap (the earlier row on a tie), and counted the same way.
 */
struct kz_asn_stats {
	size_t rows_v4, rows_v6;     /* rows taken */
	size_t ranges_v4, ranges_v6; /* disjoint ranges after build */
	size_t names;                /* distinct AS names */
	size_t malformed;
	size_t overlaps; /* rows that overlap an earlier-starting row */
	size_t nproblems;
	struct kz_asn_problem problems[KZ_ASN_PROBLEMS_KEPT]; /* malformed */
	size_t noverlap_kept;
	struct kz_asn_problem overlap_kept[KZ_ASN_PROBLEMS_KEPT];
};

/* One lookup's answer; name is borrowed from the table. */
struct kz_asn_hit {
	uint32_t asn;
	const char *name; /* "" when the row had none */
	int v4;
	uint8_t lo[16], hi[16]; /* the range that matched, IPv4 mapped */
};

enum kz_asn_flags {
	/* A malformed row fails the whole add with KZ_EINVAL naming it. */
	KZ_ASN_STRICT = 1 << 0,
};

/* An empty table to add rows to. Caller frees with kz_asn_table_free(). */
int kz_asn_table_new(struct kz_asn_table **out);
void kz_asn_table_free(struct kz_asn_table *t);

/*
 * Adds the rows of CSV text data[0..len) (named source in messages). A
 * row is start,end,asn[,name]: addresses of one family, start <= end, the
 * ASN as digits or AS<digits>, the name optionally in double quotes with
 * "" for a quote; CR LF or LF line ends; a first line that is a header
 * (start_ip,...) and blank lines are skipped. Malformed rows are counted
 * in the stats (or, with KZ_ASN_STRICT, fail with KZ_EINVAL). KZ_ENOMEM.
 * Not after kz_asn_table_build().
 */
int kz_asn_table_add_csv(struct kz_asn_table *t, const char *data, size_t len,
    const char *source, unsigned flags);

/* Reads the file at path (mmap) and adds it; KZ_EIO naming the path. */
int kz_asn_table_load_file(
    struct kz_asn_table *t, const char *path, unsigned flags);

/*
 * Sorts, resolves overlaps and builds the index. Lookups work only after
 * this; it may be called once. KZ_ENOMEM.
 */
int kz_asn_table_build(struct kz_asn_table *t);

/* What loading and building saw. Borrowed from t. */
const struct kz_asn_stats *kz_asn_table_stats(const struct kz_asn_table *t);

/*
 * Looks an address up: IPv4 as a host-order integer, any address as 16
 * bytes (IPv4 as ::ffff:a.b.c.d), or as text. 1 and *out filled when a
 * range covers it, 0 when none does; the text form returns KZ_EINVAL for
 * something that is not an address. out may be NULL.
 */
int kz_asn_lookup_v4(
    const struct kz_asn_table *t, uint32_t addr, struct kz_asn_hit *out);
int kz_asn_lookup(const struct kz_asn_table *t, const uint8_t addr[16],
    struct kz_asn_hit *out);
int kz_asn_lookup_text(
    const struct kz_asn_table *t, const char *ip, struct kz_asn_hit *out);

/* "1.0.0.0-1.0.0.255" or "2001:db8::-2001:db8::ffff". out >= 96 bytes. */
char *kz_asn_hit_range(char *out, const struct kz_asn_hit *hit);

/*
 * The name of some range announced by asn ("" when the table has none, and
 * for an empty table). Linear in the table size. Borrowed.
 */
const char *kz_asn_name(const struct kz_asn_table *t, uint32_t asn);

/*
 * Parses "64500", "AS64500" or "as64500" (whole string) into *out. 0 or
 * KZ_EINVAL naming the text.
 */
int kz_asn_parse(uint32_t *out, const char *s);

#endif
