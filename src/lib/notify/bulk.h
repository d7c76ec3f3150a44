/* SPDX-License-Identifier: MIT */
/*
 * Bulk notification: the indicators of many incidents grouped by the
 * party responsible for each, so that one mail per party lists all of
 * theirs (the JC3 case of 298 defaced sites). An indicator goes to the org
 * whose most specific netblock covers its address (a URL's host too),
 * whose domain is the indicator's domain or a parent of it (a URL's host,
 * an e-mail address's domain), or whose ASN it is. An org that does not
 * want aggregated mail gets one mail per incident.
 */
#ifndef KZ_BULK_H
#define KZ_BULK_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

struct kz_bulk_group {
	int64_t org_id;
	char *org_name;
	char *recipient; /* the org's first contact address */
	char *lang;      /* the org's language */
	unsigned machine;
	int64_t *incident_ids;
	size_t n_incidents;
	int64_t *indicator_ids;
	size_t n_indicators;
};

struct kz_bulk_plan {
	struct kz_bulk_group *groups;
	size_t n_groups;
	char **unrouted; /* "type value" of indicators nobody owns */
	size_t n_unrouted;
	char **no_address; /* orgs that own indicators but have no contact */
	size_t n_no_address;
	int64_t *no_address_ids;
};

void kz_bulk_plan_release(struct kz_bulk_plan *p);

struct kz_route_ctx;

/*
 * Plans the mails for the indicators of the incidents ids[0..n), routed
 * with ctx (enrich/route.h: org netblocks, ASNs and domains, the abuse
 * table, the country fallbacks). Caller releases *out (also after an
 * error).
 */
int kz_bulk_plan(struct kz_bulk_plan *out, const struct kz_route_ctx *ctx,
    const int64_t *ids, size_t n);

#endif
