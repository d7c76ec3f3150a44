/* SPDX-License-Identifier: MIT */
/*
 * Routing: for each indicator, the party to contact (step ④ of the
 * handling flow). In order: the org whose netblock (most specific first),
 * ASN or domain covers it; else the abuse-contact table imported by AS
 * number or prefix; else the national CSIRT configured for its country.
 * An indicator that routes nowhere gets an explicit "none" proposal, and
 * proposals are grouped by party for one notice per party.
 */
#ifndef KZ_ROUTE_H
#define KZ_ROUTE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "enrich/asn.h"
#include "enrich/domain.h"
#include "enrich/geo.h"
#include "extract/ioc.h"
#include "model/indicator.h"
#include "model/org.h"
#include "store/store.h"

/* The country -> national CSIRT table (config), taken as data. */
struct kz_route_fallback {
	char country[3]; /* upper case */
	struct kz_strlist addresses;
};

struct kz_route_fallbacks {
	struct kz_route_fallback *v;
	size_t n;
};

/*
 * Adds addresses (one, or several separated by commas or spaces) for a
 * country ("JP", any case; "*" for every other country). KZ_EINVAL naming
 * a bad code or address. Adding a country twice adds to its list.
 */
int kz_route_fallback_add(
    struct kz_route_fallbacks *f, const char *country, const char *addresses);
void kz_route_fallbacks_release(struct kz_route_fallbacks *f);

/* What a router uses; every pointer is borrowed and may be NULL but st. */
struct kz_route_ctx {
	struct kz_store *st;
	const struct kz_asn_table *asn;
	const struct kz_geo *geo;
	const struct kz_psl *psl;
	const struct kz_route_fallbacks *fallbacks;
};

/* How an indicator was routed, in the order the steps are tried. */
enum kz_route_via {
	KZ_ROUTE_NETBLOCK,     /* an org's netblock covers the address */
	KZ_ROUTE_ORG_ASN,      /* an org runs the AS announcing it */
	KZ_ROUTE_ORG_DOMAIN,   /* an org's domain is it or a parent */
	KZ_ROUTE_ABUSE_PREFIX, /* the abuse table, by prefix */
	KZ_ROUTE_ABUSE_ASN,    /* the abuse table, by AS number */
	KZ_ROUTE_COUNTRY,      /* the country fallback */
	KZ_ROUTE_NONE,         /* nowhere: a handler must decide */
	KZ_ROUTE_NVIA
};

/* "netblock", "org_asn", ... "none". */
const char *kz_route_via_name(enum kz_route_via v);

struct kz_route_proposal {
	/* the indicator */
	int64_t indicator_id; /* 0 when routed from a bare value */
	enum kz_ioc_type type;
	char *value;
	/* the party; org_id 0 for a party from the abuse table or config */
	enum kz_route_via via;
	int64_t org_id;
	char *party; /* org name, or the first address; NULL for none */
	struct kz_strlist contacts;
	char *matched; /* "198.51.100.0/24", "AS64500", "example.jp", "JP" */
	/* what was learnt on the way (0 / NULL / "" when unknown) */
	uint32_t asn;
	char *as_name;
	char country[3];
	char *registrable; /* registrable domain of a host */
	/* why none, or a warning: a msgid for the front end to translate */
	const char *note;
	size_t group; /* index into kz_route_result.parties; none: unused */
};

/* One party and the proposals (indices into v) that go to it. */
struct kz_route_party {
	enum kz_route_via via; /* of its first proposal */
	int64_t org_id;
	char *party;
	struct kz_strlist contacts;
	size_t *items;
	size_t nitems;
};

struct kz_route_result {
	struct kz_route_proposal *v;
	size_t n;
	struct kz_route_party *parties; /* in order of first appearance */
	size_t nparties;
	size_t unrouted; /* proposals with via NONE */
	/* steps that could not run for lack of data */
	int have_asn, have_geo, have_psl, have_fallbacks;
};

/*
 * Routes the n indicators iocs (type and value are read; id is kept).
 * Caller releases *out with kz_route_result_release() (also after an
 * error). Errors: KZ_EIO from the database, KZ_ENOMEM.
 */
int kz_route_indicators(struct kz_route_result *out,
    const struct kz_route_ctx *ctx, const struct kz_indicator *iocs, size_t n);

/* Routes the indicators of the incident ticket. KZ_ENOTFOUND. */
int kz_route_incident(struct kz_route_result *out,
    const struct kz_route_ctx *ctx, const char *ticket);

void kz_route_result_release(struct kz_route_result *r);

/*
 * The reason for a proposal as a sentence: "netblock 198.51.100.0/24 of
 * Example Hosting". fmt_translated is a translation of
 * kz_route_reason_format(p->via) or NULL for English. out >= 256 bytes.
 */
const char *kz_route_reason_format(enum kz_route_via v);
char *kz_route_reason(char *out, size_t outsz,
    const struct kz_route_proposal *p, const char *fmt_translated);

/*
 * {"proposals": [{indicator, type, via, party, org, contacts, matched,
 * reason, asn, as_name, country, registrable, note}], "parties": [{party,
 * org, via, contacts, indicators: [...]}], "unrouted": N, "missing": [...]}
 * New reference; NULL on no memory.
 */
json_t *kz_route_result_to_json(const struct kz_route_result *r);

/*
 * Imports abuse contacts from CSV: key,address[,source] per line, where key
 * is an AS number (64500, AS64500), an address or a CIDR prefix; a header
 * line (key,address...) and blank lines are skipped. One transaction: a bad
 * line fails the import with KZ_EINVAL naming its line and nothing is
 * written. source (may be NULL) is used for lines that name none; with
 * replace, rows from the same sources are dropped first. *added and
 * *skipped (may be NULL) receive the new rows and the duplicates.
 */
int kz_abuse_import_csv(struct kz_store *st, const char *data, size_t len,
    const char *source, int replace, size_t *added, size_t *skipped);

/* Number of abuse contacts stored, by kind ("asn", "prefix", NULL both). */
int kz_abuse_count(int64_t *out, struct kz_store *st, const char *kind);

#endif
