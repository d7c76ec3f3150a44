/* SPDX-License-Identifier: MIT */
/*
 * Bulk notification: the indicators of many incidents routed to the
 * parties responsible (enrich/route.h), one mail per party.
 */
#include "bulk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/error.h"
#include "model/indicator.h"
#include "model/org.h"
#include "enrich/route.h"
#include "notify/contact.h"

void
kz_bulk_plan_release(struct kz_bulk_plan *p)
{
	for (size_t i = 0; i < p->n_groups; i++) {
		struct kz_bulk_group *g = &p->groups[i];

		kz_free(g->org_name);
		kz_free(g->recipient);
		kz_free(g->lang);
		kz_free(g->incident_ids);
		kz_free(g->indicator_ids);
	}
	kz_free(p->groups);
	for (size_t i = 0; i < p->n_unrouted; i++)
		kz_free(p->unrouted[i]);
	kz_free(p->unrouted);
	for (size_t i = 0; i < p->n_no_address; i++)
		kz_free(p->no_address[i]);
	kz_free(p->no_address);
	kz_free(p->no_address_ids);
	memset(p, 0, sizeof(*p));
}

static int
push_id(int64_t **v, size_t *n, int64_t id)
{
	int64_t *p;

	for (size_t i = 0; i < *n; i++)
		if ((*v)[i] == id)
			return 0;
	if (!(p = kz_realloc(*v, (*n + 1) * sizeof(*p))))
		return kz_error_set(KZ_ENOMEM, "out of memory");
	p[(*n)++] = id;
	*v = p;
	return 0;
}

static int
push_str(char ***v, size_t *n, const char *s)
{
	char **p, *c;

	for (size_t i = 0; i < *n; i++)
		if (strcmp((*v)[i], s) == 0)
			return 0;
	if (!(c = kz_strdup(s)))
		return kz_error_set(KZ_ENOMEM, "out of memory");
	if (!(p = kz_realloc(*v, (*n + 1) * sizeof(*p)))) {
		kz_free(c);
		return kz_error_set(KZ_ENOMEM, "out of memory");
	}
	p[(*n)++] = c;
	*v = p;
	return 0;
}

/* The group of org (and, not aggregating, of incident); created. */
static int
group_for(struct kz_bulk_group **out, struct kz_bulk_plan *p,
    struct kz_store *st, int64_t org_id, int64_t incident_id)
{
	struct kz_contact_prefs prefs;
	struct kz_bulk_group *g;
	struct kz_org *org = NULL;
	char idbuf[32];
	int rc;

	*out = NULL;
	if ((rc = kz_contact_prefs_get(&prefs, st, org_id)))
		return rc;
	for (size_t i = 0; i < p->n_groups; i++) {
		g = &p->groups[i];
		if (g->org_id == org_id &&
		    (prefs.aggregate || g->incident_ids[0] == incident_id)) {
			*out = g;
			return 0;
		}
	}
	for (size_t i = 0; i < p->n_no_address; i++)
		if (p->no_address_ids[i] == org_id)
			return 0;
	snprintf(idbuf, sizeof(idbuf), "%lld", (long long)org_id);
	if ((rc = kz_org_get(&org, st, idbuf)))
		return rc;
	if (!org->contacts.n) {
		size_t before = p->n_no_address;

		rc = push_str(&p->no_address, &p->n_no_address, org->name);
		if (!rc && p->n_no_address > before) {
			int64_t *q = kz_realloc(
			    p->no_address_ids, p->n_no_address * sizeof(*q));

			if (!q) {
				p->n_no_address = before;
				kz_free(p->no_address[before]);
				rc = kz_error_set(KZ_ENOMEM, "out of memory");
			} else {
				p->no_address_ids = q;
				q[before] = org_id;
			}
		}
		kz_org_free(org);
		return rc;
	}
	g = kz_realloc(p->groups, (p->n_groups + 1) * sizeof(*g));
	if (!g) {
		kz_org_free(org);
		return kz_error_set(KZ_ENOMEM, "out of memory");
	}
	p->groups = g;
	g = &p->groups[p->n_groups++];
	memset(g, 0, sizeof(*g));
	g->org_id = org_id;
	g->org_name = kz_strdup(org->name);
	g->recipient = kz_strdup(org->contacts.v[0]);
	g->lang = kz_strdup(org->lang ? org->lang : "en");
	g->machine = prefs.machine;
	kz_org_free(org);
	if (!g->org_name || !g->recipient || !g->lang)
		return kz_error_set(KZ_ENOMEM, "out of memory");
	*out = g;
	return 0;
}

/* The group of a party known by address only (abuse table, fallback). */
static int
address_group(struct kz_bulk_group **out, struct kz_bulk_plan *p,
    const struct kz_route_proposal *r)
{
	struct kz_bulk_group *g;

	*out = NULL;
	for (size_t i = 0; i < p->n_groups; i++)
		if (p->groups[i].org_id == 0 &&
		    strcmp(p->groups[i].recipient, r->contacts.v[0]) == 0) {
			*out = &p->groups[i];
			return 0;
		}
	g = kz_realloc(p->groups, (p->n_groups + 1) * sizeof(*g));
	if (!g)
		return kz_error_set(KZ_ENOMEM, "out of memory");
	p->groups = g;
	g = &p->groups[p->n_groups++];
	memset(g, 0, sizeof(*g));
	g->org_name = kz_strdup(r->party ? r->party : r->contacts.v[0]);
	g->recipient = kz_strdup(r->contacts.v[0]);
	g->lang = kz_strdup("en");
	g->machine = KZ_MACHINE_BOTH;
	if (!g->org_name || !g->recipient || !g->lang)
		return kz_error_set(KZ_ENOMEM, "out of memory");
	*out = g;
	return 0;
}

int
kz_bulk_plan(struct kz_bulk_plan *out, const struct kz_route_ctx *ctx,
    const int64_t *ids, size_t n)
{
	struct kz_store *st = ctx->st;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < n && !rc; i++) {
		struct kz_indicator *v = NULL;
		struct kz_route_result rr;
		size_t nv = 0;

		if ((rc = kz_indicator_list_incident(&v, &nv, st, ids[i])))
			break;
		if ((rc = kz_route_indicators(&rr, ctx, v, nv))) {
			kz_indicator_list_free(v, nv);
			break;
		}
		for (size_t j = 0; j < rr.n && !rc; j++) {
			const struct kz_route_proposal *r = &rr.v[j];
			struct kz_bulk_group *g = NULL;

			if (r->via == KZ_ROUTE_NONE || !r->contacts.n) {
				if (r->org_id) {
					/* An org that owns it but has no
					 * address: named by group_for(). */
					rc = group_for(
					    &g, out, st, r->org_id, ids[i]);
					if (rc || !g)
						continue;
				} else {
					struct kz_buf b = KZ_BUF_INIT(8192);

					kz_buf_addf(&b, "%s %s",
					    kz_ioc_type_name(r->type),
					    r->value);
					rc = b.err ?
					    kz_error_set(
						KZ_ENOMEM, "out of memory") :
					    push_str(&out->unrouted,
						&out->n_unrouted, b.ptr);
					kz_buf_release(&b);
					continue;
				}
			} else if (r->org_id) {
				rc = group_for(&g, out, st, r->org_id, ids[i]);
			} else {
				rc = address_group(&g, out, r);
			}
			if (rc || !g)
				continue;
			if (!(rc = push_id(
				  &g->incident_ids, &g->n_incidents, ids[i])))
				rc = push_id(&g->indicator_ids,
				    &g->n_indicators, r->indicator_id);
		}
		kz_route_result_release(&rr);
		kz_indicator_list_free(v, nv);
	}
	return rc;
}
