/* SPDX-License-Identifier: MIT */
/*
 * Routing indicators to parties, and the abuse-contact table it falls back
 * on. Every step is a query on indexed columns or an in-memory lookup, so
 * routing a bulk list costs a few index probes per indicator.
 */
#include "enrich/route.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/i18n.h"
#include "core/json.h"
#include "core/netaddr.h"
#include "core/strutil.h"
#include "core/timeutil.h"
#include "match/urlset.h"
#include "model/incident.h"

/* clang-format off */
static const char *const via_names[KZ_ROUTE_NVIA] = {
	"netblock", "org_asn", "org_domain", "abuse_prefix", "abuse_asn",
	"country", "none",
};
static const char *const via_formats[KZ_ROUTE_NVIA] = {
	N_("netblock %1$s of %2$s"),
	N_("%1$s of %2$s"),
	N_("domain %1$s of %2$s"),
	N_("abuse table prefix %1$s: %2$s"),
	N_("abuse table %1$s: %2$s"),
	N_("country %1$s fallback: %2$s"),
	N_("no route"),
};
/* clang-format on */

#define NOTE_NOWHERE  N_("no org, abuse contact or country fallback covers it")
#define NOTE_NOKIND   N_("this kind of indicator names no network or domain")
#define NOTE_NOCONT   N_("the org has no contact address")
#define NOTE_BADVALUE N_("the value could not be read as its type")

const char *
kz_route_via_name(enum kz_route_via v)
{
	return (unsigned)v < KZ_ROUTE_NVIA ? via_names[v] : NULL;
}

const char *
kz_route_reason_format(enum kz_route_via v)
{
	return (unsigned)v < KZ_ROUTE_NVIA ? via_formats[v] : "";
}

char *
kz_route_reason(char *out, size_t outsz, const struct kz_route_proposal *p,
    const char *fmt_translated)
{
	const char *fmt =
	    fmt_translated ? fmt_translated : kz_route_reason_format(p->via);
	char m[320];
	const char *args[2];

	/* "AS64500 (EXAMPLE-AS) of Example Hosting" */
	if (p->via == KZ_ROUTE_ORG_ASN && p->as_name && *p->as_name)
		snprintf(m, sizeof(m), "%s (%s)", p->matched ? p->matched : "",
		    p->as_name);
	else
		snprintf(m, sizeof(m), "%s", p->matched ? p->matched : "");
	args[0] = m;
	args[1] = p->party ? p->party : "";
	kz_format_args(out, outsz, fmt, args, 2);
	return out;
}

/* ---- fallbacks ---- */

/* The same rule as an org's contacts: domain part lower-cased. */
static int
canon_email(char **out, const char *s, size_t n)
{
	const char *at;
	char *c;

	*out = NULL;
	if (!(c = kz_strndup(s, n)))
		return kz_error_set(KZ_ENOMEM, "out of memory");
	at = strrchr(c, '@');
	if (!at || at == c || !at[1] || n > 254 || !strchr(at, '.') ||
	    strlen(c) != n || !kz_utf8_valid(c, n))
		goto bad;
	for (const char *p = c; *p; p++)
		if (*p == ' ' || *p == '\t' || *p == '<' || *p == '>' ||
		    *p == ',' || *p == ';' || *p == '"' || *p == '\r')
			goto bad;
	kz_ascii_lower(c + (at - c));
	*out = c;
	return 0;
bad:
	kz_error_set(KZ_EINVAL,
	    "'%s' is not an e-mail address (like abuse@example.net)", c);
	kz_free(c);
	return KZ_EINVAL;
}

int
kz_route_fallback_add(
    struct kz_route_fallbacks *f, const char *country, const char *addresses)
{
	struct kz_route_fallback *fb = NULL;
	char cc[3];
	const char *p = addresses;
	int rc, any = 0;

	if (!country ||
	    !((strlen(country) == 2 &&
		  ((country[0] | 0x20) >= 'a' && (country[0] | 0x20) <= 'z') &&
		  ((country[1] | 0x20) >= 'a' && (country[1] | 0x20) <= 'z')) ||
		strcmp(country, "*") == 0))
		return kz_error_set(KZ_EINVAL,
		    "'%s' is not a country code (two letters like JP, or *)",
		    country ? country : "");
	if (country[0] == '*') {
		cc[0] = '*';
		cc[1] = '\0';
	} else {
		cc[0] = (char)(country[0] & ~0x20);
		cc[1] = (char)(country[1] & ~0x20);
		cc[2] = '\0';
	}
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->v[i].country, cc) == 0)
			fb = &f->v[i];
	if (!fb) {
		struct kz_route_fallback *nv =
		    kz_realloc(f->v, (f->n + 1) * sizeof(*nv));

		if (!nv)
			return kz_error_set(KZ_ENOMEM, "out of memory");
		f->v = nv;
		fb = &f->v[f->n++];
		memset(fb, 0, sizeof(*fb));
		memcpy(fb->country, cc, sizeof(cc));
	}
	while (p && *p) {
		size_t n = strcspn(p, ", \t");
		char *a;

		if (n) {
			if ((rc = canon_email(&a, p, n)))
				return rc;
			rc = kz_strlist_add(&fb->addresses, a);
			kz_free(a);
			if (rc)
				return kz_error_set(KZ_ENOMEM, "out of memory");
			any = 1;
		}
		p += n;
		p += strspn(p, ", \t");
	}
	if (!any)
		return kz_error_set(
		    KZ_EINVAL, "no address given for country '%s'", country);
	return 0;
}

void
kz_route_fallbacks_release(struct kz_route_fallbacks *f)
{
	for (size_t i = 0; i < f->n; i++)
		kz_strlist_release(&f->v[i].addresses);
	kz_free(f->v);
	f->v = NULL;
	f->n = 0;
}

static const struct kz_route_fallback *
find_fallback(const struct kz_route_fallbacks *f, const char *cc)
{
	const struct kz_route_fallback *star = NULL;

	if (!f)
		return NULL;
	for (size_t i = 0; i < f->n; i++) {
		if (cc && strcmp(f->v[i].country, cc) == 0)
			return &f->v[i];
		if (strcmp(f->v[i].country, "*") == 0)
			star = &f->v[i];
	}
	return star;
}

/* ---- routing ---- */

struct org_cache {
	int64_t id;
	char *name;
	struct kz_strlist contacts;
};

struct router {
	const struct kz_route_ctx *ctx;
	struct org_cache *orgs;
	size_t norgs;
};

static int
db_err(int rc)
{
	return rc < 0 ? rc : kz_error_set(KZ_EIO, "database error");
}

static int
load_org(const struct org_cache **out, struct router *r, int64_t id)
{
	struct kz_stmt *s;
	struct org_cache *oc, *nv;
	int rc;

	for (size_t i = 0; i < r->norgs; i++)
		if (r->orgs[i].id == id) {
			*out = &r->orgs[i];
			return 0;
		}
	if (!(nv = kz_realloc(r->orgs, (r->norgs + 1) * sizeof(*nv))))
		return kz_error_set(KZ_ENOMEM, "out of memory");
	r->orgs = nv;
	oc = &r->orgs[r->norgs];
	memset(oc, 0, sizeof(*oc));
	oc->id = id;
	if ((rc = kz_store_prepare(
		 &s, r->ctx->st, "SELECT name FROM orgs WHERE id = ?")))
		return rc;
	kz_stmt_bind_int(s, 1, id);
	if ((rc = kz_stmt_step(s)) != KZ_ROW)
		return rc < 0 ? rc :
				kz_error_set(KZ_ENOTFOUND,
				    "no org with id %lld", (long long)id);
	if (!(oc->name = kz_strdup(kz_stmt_text(s, 0))))
		return kz_error_set(KZ_ENOMEM, "out of memory");
	r->norgs++; /* from here on released with the cache */
	if ((rc = kz_store_prepare(&s, r->ctx->st,
		 "SELECT address FROM org_contacts WHERE org_id = ? "
		 "ORDER BY id")))
		return rc;
	kz_stmt_bind_int(s, 1, id);
	while ((rc = kz_stmt_step(s)) == KZ_ROW)
		if (kz_strlist_add(&oc->contacts, kz_stmt_text(s, 0)))
			return kz_error_set(KZ_ENOMEM, "out of memory");
	if (rc < 0)
		return rc;
	*out = oc;
	return 0;
}

static int
copy_list(struct kz_strlist *dst, const struct kz_strlist *src)
{
	for (size_t i = 0; i < src->n; i++)
		if (kz_strlist_add(dst, src->v[i]))
			return kz_error_set(KZ_ENOMEM, "out of memory");
	return 0;
}

static int
set_str(char **dst, const char *s)
{
	kz_free(*dst);
	*dst = NULL;
	if (s && !(*dst = kz_strdup(s)))
		return kz_error_set(KZ_ENOMEM, "out of memory");
	return 0;
}

static int
route_to_org(struct router *r, struct kz_route_proposal *p,
    enum kz_route_via via, int64_t org_id, const char *matched)
{
	const struct org_cache *oc = NULL;
	int rc;

	if ((rc = load_org(&oc, r, org_id)))
		return rc;
	p->via = via;
	p->org_id = org_id;
	if ((rc = set_str(&p->party, oc->name)) ||
	    (rc = set_str(&p->matched, matched)) ||
	    (rc = copy_list(&p->contacts, &oc->contacts)))
		return rc;
	if (!oc->contacts.n)
		p->note = NOTE_NOCONT;
	return 1;
}

static int
route_to_list(struct kz_route_proposal *p, enum kz_route_via via,
    const struct kz_strlist *addrs, const char *matched)
{
	int rc;

	p->via = via;
	if ((rc = set_str(&p->party, addrs->v[0])) ||
	    (rc = set_str(&p->matched, matched)) ||
	    (rc = copy_list(&p->contacts, addrs)))
		return rc;
	return 1;
}

/* 1 when an org owns the AS, 0 when none, < 0 on error. */
static int
try_org_asn(struct router *r, struct kz_route_proposal *p, uint32_t asn)
{
	struct kz_stmt *s;
	char m[24];
	int64_t org;
	int rc;

	if ((rc = kz_store_prepare(&s, r->ctx->st,
		 "SELECT org_id FROM org_asns WHERE asn = ? ORDER BY org_id "
		 "LIMIT 1")))
		return rc;
	kz_stmt_bind_int(s, 1, asn);
	if ((rc = kz_stmt_step(s)) != KZ_ROW)
		return rc < 0 ? rc : 0;
	org = kz_stmt_int(s, 0);
	snprintf(m, sizeof(m), "AS%u", asn);
	return route_to_org(r, p, KZ_ROUTE_ORG_ASN, org, m);
}

static int
try_abuse_asn(struct router *r, struct kz_route_proposal *p, uint32_t asn)
{
	struct kz_strlist addrs = { 0 };
	struct kz_stmt *s;
	char key[16], m[24];
	int rc;

	snprintf(key, sizeof(key), "%u", asn);
	if ((rc = kz_store_prepare(&s, r->ctx->st,
		 "SELECT address FROM abuse_contacts WHERE kind = 'asn' AND "
		 "key = ? ORDER BY id")))
		return rc;
	kz_stmt_bind_text(s, 1, key);
	while ((rc = kz_stmt_step(s)) == KZ_ROW)
		if (kz_strlist_add(&addrs, kz_stmt_text(s, 0))) {
			rc = kz_error_set(KZ_ENOMEM, "out of memory");
			break;
		}
	if (rc == KZ_DONE && addrs.n) {
		snprintf(m, sizeof(m), "AS%u", asn);
		rc = route_to_list(p, KZ_ROUTE_ABUSE_ASN, &addrs, m);
	}
	kz_strlist_release(&addrs);
	return rc;
}

static int
try_country(struct router *r, struct kz_route_proposal *p, const char *cc)
{
	const struct kz_route_fallback *fb =
	    find_fallback(r->ctx->fallbacks, cc && *cc ? cc : NULL);

	if (!fb || !fb->addresses.n)
		return 0;
	return route_to_list(p, KZ_ROUTE_COUNTRY, &fb->addresses,
	    fb->country[0] == '*' ? "*" : fb->country);
}

static int
route_addr(
    struct router *r, struct kz_route_proposal *p, const struct kz_prefix *pf)
{
	const struct kz_route_ctx *c = r->ctx;
	struct kz_strlist addrs = { 0 };
	struct kz_asn_hit hit;
	char lo[33], hi[33], key[64];
	struct kz_stmt *s;
	int rc, found = 0;

	kz_prefix_range_hex(pf, lo, hi);
	if (c->asn && kz_asn_lookup(c->asn, pf->addr, &hit) == 1) {
		p->asn = hit.asn;
		if ((rc = set_str(&p->as_name, hit.name)))
			return rc;
	}
	if (c->geo && (rc = kz_geo_country(p->country, c->geo, pf->addr)) < 0)
		return rc;

	/* An org's netblock covering the whole indicator, longest first. */
	if ((rc = kz_store_prepare(&s, c->st,
		 "SELECT org_id, cidr FROM org_netblocks WHERE lo <= ? AND "
		 "hi >= ? ORDER BY prefix DESC, id LIMIT 1")))
		return rc;
	kz_stmt_bind_text(s, 1, lo);
	kz_stmt_bind_text(s, 2, hi);
	if ((rc = kz_stmt_step(s)) < 0)
		return rc;
	if (rc == KZ_ROW) {
		char cidr[64];
		int64_t org = kz_stmt_int(s, 0);

		snprintf(cidr, sizeof(cidr), "%s", kz_stmt_text(s, 1));
		return route_to_org(r, p, KZ_ROUTE_NETBLOCK, org, cidr);
	}
	if (p->asn && (rc = try_org_asn(r, p, p->asn)) != 0)
		return rc;

	/* The abuse table: the most specific prefix, all its addresses. */
	if ((rc = kz_store_prepare(&s, c->st,
		 "SELECT key, address FROM abuse_contacts WHERE kind = "
		 "'prefix' AND lo <= ? AND hi >= ? ORDER BY prefix DESC, key, "
		 "id")))
		return rc;
	kz_stmt_bind_text(s, 1, lo);
	kz_stmt_bind_text(s, 2, hi);
	key[0] = '\0';
	while ((rc = kz_stmt_step(s)) == KZ_ROW) {
		const char *k = kz_stmt_text(s, 0);

		if (!found)
			snprintf(key, sizeof(key), "%s", k);
		else if (strcmp(key, k) != 0)
			break;
		found = 1;
		if (kz_strlist_add(&addrs, kz_stmt_text(s, 1))) {
			rc = kz_error_set(KZ_ENOMEM, "out of memory");
			break;
		}
	}
	if (rc >= 0 && found)
		rc = route_to_list(p, KZ_ROUTE_ABUSE_PREFIX, &addrs, key);
	kz_strlist_release(&addrs);
	if (rc < 0 || found)
		return rc;
	if (p->asn && (rc = try_abuse_asn(r, p, p->asn)) != 0)
		return rc;
	return try_country(r, p, p->country);
}

/* A two-letter TLD as a country code: "jp" -> "JP", "uk" -> "GB". */
static int
cctld_country(char out[3], const char *host)
{
	const char *dot = strrchr(host, '.');
	const char *tld = dot ? dot + 1 : host;

	if (strlen(tld) != 2 || tld[0] < 'a' || tld[0] > 'z' || tld[1] < 'a' ||
	    tld[1] > 'z')
		return 0;
	if (strcmp(tld, "uk") == 0)
		tld = "gb";
	out[0] = (char)(tld[0] & ~0x20);
	out[1] = (char)(tld[1] & ~0x20);
	out[2] = '\0';
	return 1;
}

static int
route_host(struct router *r, struct kz_route_proposal *p, const char *host)
{
	const struct kz_route_ctx *c = r->ctx;
	char reg[256], cc[3];
	const char *d, *stop;
	struct kz_stmt *s;
	int rc;

	reg[0] = '\0';
	if (c->psl &&
	    kz_domain_registrable(reg, sizeof(reg), c->psl, host) == 0) {
		if ((rc = set_str(&p->registrable, reg)))
			return rc;
	}
	kz_error_clear();
	/* The host, then each parent down to the registrable domain (or,
	 * without the list, down to two labels). */
	stop = NULL;
	if (reg[0] && strlen(host) >= strlen(reg))
		stop = host + strlen(host) - strlen(reg);
	for (d = host; d && *d;) {
		const char *next = strchr(d, '.');

		if (!stop && !next)
			break; /* never a bare TLD */
		if ((rc = kz_store_prepare(&s, c->st,
			 "SELECT org_id FROM org_domains WHERE domain = ? "
			 "ORDER BY org_id LIMIT 1")))
			return rc;
		kz_stmt_bind_text(s, 1, d);
		if ((rc = kz_stmt_step(s)) < 0)
			return rc;
		if (rc == KZ_ROW) {
			int64_t org = kz_stmt_int(s, 0);
			char m[256];

			snprintf(m, sizeof(m), "%s", d);
			return route_to_org(r, p, KZ_ROUTE_ORG_DOMAIN, org, m);
		}
		if (d == stop || !next)
			break;
		d = next + 1;
	}
	if (cctld_country(cc, host))
		memcpy(p->country, cc, sizeof(cc));
	return try_country(r, p, p->country);
}

static int
route_one(struct router *r, struct kz_route_proposal *p)
{
	struct kz_prefix pf;
	const char *h, *at;
	size_t hn;
	char host[256];
	uint32_t asn;
	int rc = 0;

	switch (p->type) {
	case KZ_IOC_IPV4:
	case KZ_IOC_IPV6:
	case KZ_IOC_CIDR:
		if (kz_prefix_parse(&pf, p->value) != 0)
			goto bad;
		rc = route_addr(r, p, &pf);
		break;
	case KZ_IOC_DOMAIN:
		rc = route_host(r, p, p->value);
		break;
	case KZ_IOC_URL:
		if (kz_url_host(&h, &hn, p->value, strlen(p->value)) != 0 ||
		    hn >= sizeof(host))
			goto bad;
		memcpy(host, h, hn);
		host[hn] = '\0';
		if (kz_prefix_parse(&pf, host) == 0)
			rc = route_addr(r, p, &pf);
		else
			rc = route_host(r, p, host);
		break;
	case KZ_IOC_EMAIL:
		if (!(at = strrchr(p->value, '@')) || !at[1])
			goto bad;
		rc = route_host(r, p, at + 1);
		break;
	case KZ_IOC_ASN:
		if (kz_asn_parse(&asn, p->value) != 0)
			goto bad;
		p->asn = asn;
		if (r->ctx->asn &&
		    (rc = set_str(&p->as_name, kz_asn_name(r->ctx->asn, asn))))
			return rc;
		if ((rc = try_org_asn(r, p, asn)) == 0)
			rc = try_abuse_asn(r, p, asn);
		break;
	default:
		p->via = KZ_ROUTE_NONE;
		p->note = NOTE_NOKIND;
		return 0;
	}
	if (rc < 0)
		return rc;
	if (rc == 0) {
		p->via = KZ_ROUTE_NONE;
		p->note = NOTE_NOWHERE;
	}
	return 0;
bad:
	kz_error_clear();
	p->via = KZ_ROUTE_NONE;
	p->note = NOTE_BADVALUE;
	return 0;
}

/* ---- grouping ---- */

static int
same_party(const struct kz_route_party *g, const struct kz_route_proposal *p)
{
	if (g->org_id || p->org_id)
		return g->org_id == p->org_id;
	if (g->contacts.n != p->contacts.n)
		return 0;
	for (size_t i = 0; i < g->contacts.n; i++)
		if (strcmp(g->contacts.v[i], p->contacts.v[i]) != 0)
			return 0;
	return 1;
}

static int
group(struct kz_route_result *res)
{
	for (size_t i = 0; i < res->n; i++) {
		struct kz_route_proposal *p = &res->v[i];
		struct kz_route_party *g = NULL;
		size_t *ni;

		if (p->via == KZ_ROUTE_NONE) {
			res->unrouted++;
			continue;
		}
		for (size_t j = 0; j < res->nparties; j++)
			if (same_party(&res->parties[j], p)) {
				g = &res->parties[j];
				break;
			}
		if (!g) {
			struct kz_route_party *nv = kz_realloc(
			    res->parties, (res->nparties + 1) * sizeof(*nv));

			if (!nv)
				return kz_error_set(KZ_ENOMEM, "out of memory");
			res->parties = nv;
			g = &res->parties[res->nparties++];
			memset(g, 0, sizeof(*g));
			g->via = p->via;
			g->org_id = p->org_id;
			if (!(g->party = kz_strdup(p->party)) ||
			    copy_list(&g->contacts, &p->contacts))
				return kz_error_set(KZ_ENOMEM, "out of memory");
		}
		if (!(ni = kz_realloc(g->items, (g->nitems + 1) * sizeof(*ni))))
			return kz_error_set(KZ_ENOMEM, "out of memory");
		g->items = ni;
		g->items[g->nitems++] = i;
		p->group = (size_t)(g - res->parties);
	}
	return 0;
}

int
kz_route_indicators(struct kz_route_result *out, const struct kz_route_ctx *ctx,
    const struct kz_indicator *iocs, size_t n)
{
	struct router r = { ctx, NULL, 0 };
	int rc = 0;

	assert(ctx && ctx->st);
	memset(out, 0, sizeof(*out));
	out->have_asn = ctx->asn != NULL;
	out->have_geo = ctx->geo != NULL;
	out->have_psl = ctx->psl != NULL;
	out->have_fallbacks = ctx->fallbacks && ctx->fallbacks->n;
	if (n && !(out->v = kz_calloc(n, sizeof(*out->v))))
		return kz_error_set(KZ_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		struct kz_route_proposal *p = &out->v[i];

		out->n = i + 1;
		p->indicator_id = iocs[i].id;
		p->type = iocs[i].type;
		if (!(p->value =
			    kz_strdup(iocs[i].value ? iocs[i].value : ""))) {
			rc = kz_error_set(KZ_ENOMEM, "out of memory");
			goto done;
		}
		if ((rc = route_one(&r, p)))
			goto done;
	}
	rc = group(out);
done:
	for (size_t i = 0; i < r.norgs; i++) {
		kz_free(r.orgs[i].name);
		kz_strlist_release(&r.orgs[i].contacts);
	}
	kz_free(r.orgs);
	return rc;
}

int
kz_route_incident(struct kz_route_result *out, const struct kz_route_ctx *ctx,
    const char *ticket)
{
	struct kz_incident *inc = NULL;
	struct kz_indicator *v = NULL;
	size_t n = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = kz_incident_get(&inc, ctx->st, ticket)))
		return rc;
	if ((rc = kz_indicator_list_incident(&v, &n, ctx->st, inc->id)) == 0)
		rc = kz_route_indicators(out, ctx, v, n);
	kz_indicator_list_free(v, n);
	kz_incident_free(inc);
	return rc;
}

void
kz_route_result_release(struct kz_route_result *r)
{
	for (size_t i = 0; i < r->n; i++) {
		struct kz_route_proposal *p = &r->v[i];

		kz_free(p->value);
		kz_free(p->party);
		kz_strlist_release(&p->contacts);
		kz_free(p->matched);
		kz_free(p->as_name);
		kz_free(p->registrable);
	}
	for (size_t i = 0; i < r->nparties; i++) {
		kz_free(r->parties[i].party);
		kz_strlist_release(&r->parties[i].contacts);
		kz_free(r->parties[i].items);
	}
	kz_free(r->v);
	kz_free(r->parties);
	memset(r, 0, sizeof(*r));
}

/* ---- JSON ---- */

static json_t *
list_json(const struct kz_strlist *l)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < l->n; i++)
		json_array_append_new(a, kz_json_str(l->v[i]));
	return a;
}

static json_t *
proposal_json(const struct kz_route_proposal *p)
{
	json_t *o = json_object();
	char reason[512];

	if (!o)
		return NULL;
	kz_json_set(o, "indicator", kz_json_str(p->value));
	kz_json_set(o, "type", kz_json_str(kz_ioc_type_name(p->type)));
	if (p->indicator_id)
		kz_json_set(o, "indicator_id", json_integer(p->indicator_id));
	kz_json_set(o, "via", kz_json_str(kz_route_via_name(p->via)));
	kz_json_set(o, "party", kz_json_str(p->party));
	kz_json_set(
	    o, "org_id", p->org_id ? json_integer(p->org_id) : json_null());
	kz_json_set(o, "contacts", list_json(&p->contacts));
	kz_json_set(o, "matched", kz_json_str(p->matched));
	kz_json_set(o, "reason",
	    kz_json_str(kz_route_reason(reason, sizeof(reason), p, NULL)));
	kz_json_set(o, "asn", p->asn ? json_integer(p->asn) : json_null());
	kz_json_set(o, "as_name", kz_json_str(p->as_name));
	kz_json_set(
	    o, "country", kz_json_str(p->country[0] ? p->country : NULL));
	kz_json_set(o, "registrable_domain", kz_json_str(p->registrable));
	kz_json_set(o, "note", kz_json_str(p->note));
	return o;
}

json_t *
kz_route_result_to_json(const struct kz_route_result *r)
{
	json_t *o = json_object(), *props = json_array(),
	       *parties = json_array(), *missing = json_array();

	if (!o || !props || !parties || !missing) {
		json_decref(o);
		json_decref(props);
		json_decref(parties);
		json_decref(missing);
		return NULL;
	}
	for (size_t i = 0; i < r->n; i++)
		json_array_append_new(props, proposal_json(&r->v[i]));
	for (size_t i = 0; i < r->nparties; i++) {
		const struct kz_route_party *g = &r->parties[i];
		json_t *po = json_object(), *items = json_array();

		kz_json_set(po, "party", kz_json_str(g->party));
		kz_json_set(po, "org_id",
		    g->org_id ? json_integer(g->org_id) : json_null());
		kz_json_set(po, "via", kz_json_str(kz_route_via_name(g->via)));
		kz_json_set(po, "contacts", list_json(&g->contacts));
		for (size_t j = 0; items && j < g->nitems; j++)
			json_array_append_new(
			    items, kz_json_str(r->v[g->items[j]].value));
		kz_json_set(po, "indicators", items);
		json_array_append_new(parties, po);
	}
	if (!r->have_asn)
		json_array_append_new(missing, json_string("asn_table"));
	if (!r->have_geo)
		json_array_append_new(missing, json_string("country_db"));
	if (!r->have_psl)
		json_array_append_new(
		    missing, json_string("public_suffix_list"));
	if (!r->have_fallbacks)
		json_array_append_new(
		    missing, json_string("country_fallbacks"));
	kz_json_set(o, "proposals", props);
	kz_json_set(o, "parties", parties);
	kz_json_set(o, "unrouted", json_integer((json_int_t)r->unrouted));
	kz_json_set(o, "missing", missing);
	return o;
}

/* ---- the abuse table ---- */

struct abuse_row {
	int asn; /* else prefix */
	char key[64];
	char lo[33], hi[33];
	int prefix;
	char *address;
	char *source;
};

static void
rows_free(struct abuse_row *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		kz_free(v[i].address);
		kz_free(v[i].source);
	}
	kz_free(v);
}

/* Splits a line at commas (no quoting: keys and addresses hold none). */
static int
split3(char *f[3], char *line)
{
	int n = 0;
	char *p = line;

	for (;;) {
		char *c = strchr(p, ',');
		char *e;

		if (n == 3)
			return -1;
		if (c)
			*c = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		e = p + strlen(p);
		while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
			*--e = '\0';
		f[n++] = p;
		if (!c)
			return n;
		p = c + 1;
	}
}

static int
parse_abuse_line(struct abuse_row *r, char *line, unsigned long lineno,
    const char *source, int *header)
{
	char *f[3] = { NULL, NULL, NULL };
	int nf = split3(f, line);
	uint32_t asn;
	struct kz_prefix pf;
	int rc;

	*header = 0;
	memset(r, 0, sizeof(*r));
	if (nf < 0)
		return kz_error_set(
		    KZ_EINVAL, "line %lu: more than three fields", lineno);
	if (nf < 2)
		return kz_error_set(KZ_EINVAL,
		    "line %lu: want key,address[,source] (key: AS number or "
		    "prefix)",
		    lineno);
	if (kz_asn_parse(&asn, f[0]) == 0) {
		r->asn = 1;
		snprintf(r->key, sizeof(r->key), "%u", asn);
	} else if (kz_prefix_parse(&pf, f[0]) == 0) {
		kz_prefix_format(r->key, &pf);
		kz_prefix_range_hex(&pf, r->lo, r->hi);
		r->prefix = pf.len;
	} else {
		if (lineno == 1) {
			*header = 1;
			kz_error_clear();
			return 0;
		}
		return kz_error_set(KZ_EINVAL,
		    "line %lu: '%s' is not an AS number, address or prefix",
		    lineno, f[0]);
	}
	kz_error_clear();
	if ((rc = canon_email(&r->address, f[1], strlen(f[1])))) {
		kz_free(r->address);
		r->address = NULL;
		return kz_error_set(KZ_EINVAL,
		    "line %lu: '%s' is not an e-mail address", lineno, f[1]);
	}
	r->source = kz_strdup(nf > 2 && *f[2] ? f[2] : source ? source : "");
	if (!r->source)
		return kz_error_set(KZ_ENOMEM, "out of memory");
	return 0;
}

int
kz_abuse_import_csv(struct kz_store *st, const char *data, size_t len,
    const char *source, int replace, size_t *added, size_t *skipped)
{
	struct abuse_row *rows = NULL;
	size_t n = 0, alloc = 0, nadd = 0, nskip = 0;
	const char *s = data, *e = data + len;
	unsigned long lineno = 0;
	struct kz_buf line = KZ_BUF_INIT(4096);
	struct kz_stmt *stmt;
	int64_t now = kz_time_now();
	int rc = 0, header;

	while (s < e) {
		const char *nl = memchr(s, '\n', (size_t)(e - s));
		size_t ln = nl ? (size_t)(nl - s) : (size_t)(e - s);

		lineno++;
		if (ln && s[ln - 1] == '\r')
			ln--;
		kz_buf_reset(&line);
		kz_buf_add(&line, s, ln);
		s = nl ? nl + 1 : e;
		if (line.err) {
			rc = kz_error_set(KZ_EINVAL,
			    "line %lu: longer than 4096 bytes", lineno);
			goto done;
		}
		if (memchr(line.ptr, '\0', line.len) ||
		    !kz_utf8_valid(line.ptr, line.len)) {
			rc = kz_error_set(
			    KZ_EINVAL, "line %lu: not UTF-8 text", lineno);
			goto done;
		}
		if (kz_str_blank(line.ptr) || line.ptr[0] == '#')
			continue;
		if (n == alloc) {
			size_t na = alloc ? alloc * 2 : 64;
			struct abuse_row *nv =
			    kz_realloc(rows, na * sizeof(*nv));

			if (!nv) {
				rc = kz_error_set(KZ_ENOMEM, "out of memory");
				goto done;
			}
			rows = nv;
			alloc = na;
		}
		if ((rc = parse_abuse_line(
			 &rows[n], line.ptr, lineno, source, &header))) {
			kz_free(rows[n].address);
			kz_free(rows[n].source);
			goto done;
		}
		if (!header)
			n++;
	}
	if ((rc = kz_store_begin(st)))
		goto done;
	if (replace) {
		for (size_t i = 0; i < n; i++) {
			int seen = 0;

			for (size_t j = 0; j < i && !seen; j++)
				seen =
				    strcmp(rows[j].source, rows[i].source) == 0;
			if (seen)
				continue;
			if ((rc = kz_store_prepare(&stmt, st,
				 "DELETE FROM abuse_contacts WHERE source = ?")))
				goto rollback;
			kz_stmt_bind_text(stmt, 1, rows[i].source);
			if ((rc = kz_stmt_exec(stmt)))
				goto rollback;
		}
	}
	for (size_t i = 0; i < n; i++) {
		const struct abuse_row *r = &rows[i];

		if ((rc = kz_store_prepare(&stmt, st,
			 "INSERT INTO abuse_contacts (kind, key, lo, hi, prefix, "
			 "address, source, created_at) VALUES (?, ?, ?, ?, ?, ?, "
			 "?, ?) ON CONFLICT DO NOTHING")))
			goto rollback;
		kz_stmt_bind_text(stmt, 1, r->asn ? "asn" : "prefix");
		kz_stmt_bind_text(stmt, 2, r->key);
		if (r->asn) {
			kz_stmt_bind_null(stmt, 3);
			kz_stmt_bind_null(stmt, 4);
			kz_stmt_bind_null(stmt, 5);
		} else {
			kz_stmt_bind_text(stmt, 3, r->lo);
			kz_stmt_bind_text(stmt, 4, r->hi);
			kz_stmt_bind_int(stmt, 5, r->prefix);
		}
		kz_stmt_bind_text(stmt, 6, r->address);
		kz_stmt_bind_text(stmt, 7, r->source);
		kz_stmt_bind_int(stmt, 8, now);
		if ((rc = kz_stmt_exec(stmt)))
			goto rollback;
		if (kz_store_changes(st))
			nadd++;
		else
			nskip++;
	}
	if ((rc = kz_store_commit(st)))
		goto rollback;
	if (added)
		*added = nadd;
	if (skipped)
		*skipped = nskip;
	goto done;
rollback:
	kz_store_rollback(st);
done:
	kz_buf_release(&line);
	rows_free(rows, n);
	return rc;
}

int
kz_abuse_count(int64_t *out, struct kz_store *st, const char *kind)
{
	struct kz_stmt *s;
	int rc;

	*out = 0;
	if ((rc = kz_store_prepare(&s, st,
		 "SELECT count(*) FROM abuse_contacts WHERE "
		 "CAST(? AS TEXT) IS NULL OR kind = ?")))
		return rc;
	if (kind) {
		kz_stmt_bind_text(s, 1, kind);
		kz_stmt_bind_text(s, 2, kind);
	} else {
		kz_stmt_bind_null(s, 1);
		kz_stmt_bind_null(s, 2);
	}
	if ((rc = kz_stmt_step(s)) != KZ_ROW)
		return db_err(rc);
	*out = kz_stmt_int(s, 0);
	return 0;
}
