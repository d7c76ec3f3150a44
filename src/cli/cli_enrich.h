/* SPDX-License-Identifier: MIT */
/*
 * What `kizuki enrich`, `kizuki incident route` and `kizuki abuse` share:
 * the data directory (--data-dir, $KIZUKI_DATA, var/data) with the ASN
 * tables and the country database, loaded on demand, and the country
 * fallback table read from an INI file.
 */
#ifndef KZ_CLI_ENRICH_H
#define KZ_CLI_ENRICH_H

#include "cli.h"
#include "enrich/asn.h"
#include "enrich/domain.h"
#include "enrich/geo.h"
#include "enrich/route.h"

struct cli_enrich {
	const char *data_dir;
	struct kz_asn_table *asn; /* NULL when no table file was there */
	struct kz_geo *geo;       /* NULL when no country database */
	struct kz_psl *psl;
	struct kz_route_fallbacks fallbacks;
	int asn_tried, geo_tried, psl_tried;
};

/* The options these commands add; their values start at this number. */
enum { OPT_DATA_DIR = OPT_FIRST_CMD + 0x100, OPT_FALLBACK };

/* Their getopt entries and their --help lines, written once. */
#define CLI_ENRICH_DATA_DIR_OPT                                                \
	{                                                                      \
		"data-dir", required_argument, NULL, OPT_DATA_DIR              \
	}
#define CLI_ENRICH_FALLBACK_OPT                                                \
	{                                                                      \
		"fallback-config", required_argument, NULL, OPT_FALLBACK       \
	}
#define CLI_ENRICH_DATA_DIR_HELP                                               \
	{                                                                      \
		"--data-dir DIR",                                              \
		    N_("where 'make data' put the ASN and country data "       \
		       "(default: $KIZUKI_DATA or var/data)")                  \
	}
#define CLI_ENRICH_FALLBACK_HELP                                                 \
	{                                                                        \
		"--fallback-config FILE",                                        \
		    N_("INI file with [fallback] CC = address lines: the "       \
		       "national CSIRT per country (default: $KIZUKI_FALLBACK)") \
	}

void cli_enrich_init(struct cli_enrich *e);
void cli_enrich_release(struct cli_enrich *e);

/*
 * Loads the ASN tables (asn-ipv4.csv, asn-ipv6.csv), the country database
 * (geo-whois-asn-country.mmdb) or the public suffix list. A missing file is
 * not an error: a notice on standard error (text mode) says what is
 * missing; malformed rows and overlaps are reported the same way. Prints
 * the error and returns -1 when a file exists but cannot be read.
 */
int cli_enrich_asn(struct cli *cli, struct cli_enrich *e);
int cli_enrich_geo(struct cli *cli, struct cli_enrich *e);
int cli_enrich_psl(struct cli *cli, struct cli_enrich *e);

/* Reads [fallback] CC = address, ... from an INI file. -1 after printing. */
int cli_enrich_fallbacks(
    struct cli *cli, struct cli_enrich *e, const char *path);

/* The load statistics of the ASN table as JSON (null without a table). */
json_t *cli_enrich_asn_json(const struct cli_enrich *e);

#endif
