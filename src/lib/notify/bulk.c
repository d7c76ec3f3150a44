/* SPDX-License-Identifier: MIT */
/* Routing indicators to the orgs that own them, and grouping per org. */
#include "bulk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/netaddr.h"
#include "model/indicator.h"
#include "model/org.h"
#include "notify/contact.h"

static int
one_id(int64_t *out, struct kz_stmt *s)
{
	int rc = kz_stmt_step(s);

	*out = 0;
	if (rc == KZ_ROW) {
		*out = kz_stmt_int(s, 0);
		kz_stmt_step(s);
		return 0;
	}
	return rc < 0 ? rc : 0;
}

static int
route_range(int64_t *org, struct kz_store *st, const char *lo, const char *hi)
{
	struct kz_stmt *s;
	int rc;

	if ((rc = kz_store_prepare(&s, st,
		 "SELECT org_id FROM org_netblocks WHERE lo <= ? AND hi >= ? "
		 "ORDER BY prefix DESC, org_id LIMIT 1")))
		return rc;
	kz_stmt_bind_text(s, 1, lo);
	kz_stmt_bind_text(s, 2, hi);
	return one_id(org, s);
}

static int
route_host(int64_t *org, struct kz_store *st, const char *host)
{
	struct kz_stmt *s;
	char hex[33];
	int rc;

	*org = 0;
	if (kz_addr_hex(hex, host) == 0)
		return route_range(org, st, hex, hex);
	kz_error_clear();
	for (const char *d = host; d && *d;) {
		if ((rc = kz_store_prepare(&s, st,
			 "SELECT org_id FROM org_domains WHERE domain = ? "
			 "ORDER BY org_id LIMIT 1")))
			return rc;
		kz_stmt_bind_text(s, 1, d);
		if ((rc = one_id(org, s)) || *org)
			return rc;
		d = strchr(d, '.');
		if (d)
			d++;
	}
	return 0;
}

int
kz_bulk_route(
    int64_t *org, struct kz_store *st, const char *type, const char *value)
{
	char host[256];
	int rc;

	*org = 0;
	if (!strcmp(type, "ipv4") || !strcmp(type, "ipv6") ||
	    !strcmp(type, "domain"))
		return route_host(org, st, value);
	if (!strcmp(type, "cidr")) {
		struct kz_prefix p;
		char lo[33], hi[33];

		if (kz_prefix_parse(&p, value)) {
			kz_error_clear();
			return 0;
		}
		kz_prefix_range_hex(&p, lo, hi);
		return route_range(org, st, lo, hi);
	}
	if (!strcmp(type, "url")) {
		const char *p = strstr(value, "://"), *e, *at;
		size_t n;

		if (!p)
			return 0;
		p += 3;
		e = p + strcspn(p, "/?#");
		if ((at = memchr(p, '@', (size_t)(e - p))))
			p = at + 1;
		if (*p == '[') {
			const char *rb = memchr(p, ']', (size_t)(e - p));

			if (!rb)
				return 0;
			p++;
			n = (size_t)(rb - p);
		} else {
			const char *c = memchr(p, ':', (size_t)(e - p));

			n = (size_t)((c ? c : e) - p);
		}
		if (!n || n >= sizeof(host))
			return 0;
		memcpy(host, p, n);
		host[n] = '\0';
		return route_host(org, st, host);
	}
	if (!strcmp(type, "email")) {
		const char *at = strrchr(value, '@');

		return at ? route_host(org, st, at + 1) : 0;
	}
	if (!strcmp(type, "asn")) {
		struct kz_stmt *s;
		const char *v = value;

		if ((v[0] == 'A' || v[0] == 'a') &&
		    (v[1] == 'S' || v[1] == 's'))
			v += 2;
		if ((rc = kz_store_prepare(&s, st,
			 "SELECT org_id FROM org_asns WHERE asn = ? ORDER BY "
			 "org_id LIMIT 1")))
			return rc;
		kz_stmt_bind_int(s, 1, strtoll(v, NULL, 10));
		return one_id(org, s);
	}
	return 0;
}

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

int
kz_bulk_plan(
    struct kz_bulk_plan *out, struct kz_store *st, const int64_t *ids, size_t n)
{
	int rc = 0;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < n && !rc; i++) {
		struct kz_indicator *v = NULL;
		size_t nv = 0;

		if ((rc = kz_indicator_list_incident(&v, &nv, st, ids[i])))
			break;
		for (size_t j = 0; j < nv && !rc; j++) {
			const char *type = kz_ioc_type_name(v[j].type);
			struct kz_bulk_group *g;
			int64_t org;

			if ((rc = kz_bulk_route(&org, st, type, v[j].value)))
				break;
			if (!org) {
				struct kz_buf b = KZ_BUF_INIT(8192);

				kz_buf_addf(&b, "%s %s", type, v[j].value);
				rc = b.err ?
				    kz_error_set(KZ_ENOMEM, "out of memory") :
				    push_str(&out->unrouted, &out->n_unrouted,
					b.ptr);
				kz_buf_release(&b);
				continue;
			}
			if ((rc = group_for(&g, out, st, org, ids[i])) || !g)
				continue;
			if (!(rc = push_id(
				  &g->incident_ids, &g->n_incidents, ids[i])))
				rc = push_id(&g->indicator_ids,
				    &g->n_indicators, v[j].id);
		}
		kz_indicator_list_free(v, nv);
	}
	return rc;
}
