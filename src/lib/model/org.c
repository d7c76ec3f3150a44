/* SPDX-License-Identifier: MIT */
/*
 * Orgs and what routes notifications to them. Every entry is checked and
 * put in canonical form before it is stored, so routing can compare
 * exactly: CIDR text from kz_prefix_format, domains as lower-case A-labels,
 * e-mail domains lower-cased.
 */
#include "org.h"

#include <ctype.h>
#include <idn2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/json.h"
#include "core/netaddr.h"
#include "core/strutil.h"
#include "core/timeutil.h"
#include "model/taxonomy.h"

int
kz_strlist_add(struct kz_strlist *l, const char *s)
{
	char **v = kz_realloc(l->v, (l->n + 1) * sizeof(*v));

	if (!v)
		return kz_error_set(KZ_ENOMEM, "out of memory");
	l->v = v;
	if (!(v[l->n] = kz_strdup(s)))
		return kz_error_set(KZ_ENOMEM, "out of memory");
	l->n++;
	return 0;
}

void
kz_strlist_release(struct kz_strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		kz_free(l->v[i]);
	kz_free(l->v);
	l->v = NULL;
	l->n = 0;
}

void
kz_org_init(struct kz_org *org)
{
	memset(org, 0, sizeof(*org));
	org->kind = kz_name_index(kz_org_kind_names, "other");
}

void
kz_org_release(struct kz_org *org)
{
	kz_free(org->name);
	kz_free(org->country);
	kz_free(org->lang);
	kz_free(org->note);
	kz_strlist_release(&org->contacts);
	kz_strlist_release(&org->netblocks);
	kz_strlist_release(&org->domains);
	kz_free(org->asns);
	kz_org_init(org);
}

void
kz_org_free(struct kz_org *org)
{
	if (!org)
		return;
	kz_org_release(org);
	kz_free(org);
}

int
kz_org_add_asn(struct kz_org *org, const char *s)
{
	const char *p = s ? s : "";
	int64_t *a;
	char *end;
	unsigned long long v;

	if (strncasecmp(p, "AS", 2) == 0)
		p += 2;
	if (!isdigit((unsigned char)*p))
		goto bad;
	v = strtoull(p, &end, 10);
	if (*end || v == 0 || v > 4294967295ULL)
		goto bad;
	a = kz_realloc(org->asns, (org->nasns + 1) * sizeof(*a));
	if (!a)
		return kz_error_set(KZ_ENOMEM, "out of memory");
	org->asns = a;
	a[org->nasns++] = (int64_t)v;
	return 0;
bad:
	return kz_error_set(KZ_EINVAL,
	    "'%s' is not an AS number (like 64500 or AS64500)", s ? s : "");
}

static int
canon_email(char **out, const char *s)
{
	const char *at = s ? strrchr(s, '@') : NULL;
	size_t n = s ? strlen(s) : 0;
	char *c;

	if (!at || at == s || !at[1] || n > 254 || !strchr(at, '.') ||
	    !kz_utf8_valid(s, n))
		goto bad;
	for (const char *p = s; *p; p++)
		if (isspace((unsigned char)*p) || *p == '<' || *p == '>' ||
		    *p == ',' || *p == ';' || *p == '"')
			goto bad;
	if (!(c = kz_strdup(s)))
		return kz_error_set(KZ_ENOMEM, "out of memory");
	kz_ascii_lower(c + (at - s));
	*out = c;
	return 0;
bad:
	return kz_error_set(KZ_EINVAL,
	    "'%s' is not an e-mail address (like abuse@example.net)",
	    s ? s : "");
}

static int
canon_domain(char **out, const char *s)
{
	char *ascii = NULL;
	size_t n;

	if (!s || !*s || strlen(s) > 253 ||
	    idn2_to_ascii_8z(s, &ascii, IDN2_NONTRANSITIONAL) != IDN2_OK)
		goto bad;
	kz_ascii_lower(ascii);
	n = strlen(ascii);
	if (n && ascii[n - 1] == '.')
		ascii[--n] = '\0';
	if (!n || !strchr(ascii, '.') || ascii[0] == '.' || strstr(ascii, ".."))
		goto bad;
	for (char *p = ascii; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '.')
			goto bad;
	*out = kz_strdup(ascii);
	free(ascii);
	return *out ? 0 : kz_error_set(KZ_ENOMEM, "out of memory");
bad:
	free(ascii);
	return kz_error_set(KZ_EINVAL,
	    "'%s' is not a domain name (like example.jp)", s ? s : "");
}

static int
canon_netblock(char **out, const char *s)
{
	struct kz_prefix p;
	char text[64];
	int rc;

	if ((rc = kz_prefix_parse(&p, s)))
		return rc;
	*out = kz_strdup(kz_prefix_format(text, &p));
	return *out ? 0 : kz_error_set(KZ_ENOMEM, "out of memory");
}

/* Replaces every entry of l by its canonical form. */
static int
canon_list(struct kz_strlist *l, int (*canon)(char **, const char *))
{
	for (size_t i = 0; i < l->n; i++) {
		char *c = NULL;
		int rc = canon(&c, l->v[i]);

		if (rc)
			return rc;
		kz_free(l->v[i]);
		l->v[i] = c;
	}
	return 0;
}

static int
check_scalars(struct kz_org *org, unsigned mask)
{
	if ((mask & KZ_ORG_NAME) &&
	    (kz_str_blank(org->name) || strlen(org->name) > 200 ||
		!kz_utf8_valid(org->name, strlen(org->name))))
		return kz_error_set(
		    KZ_EINVAL, "org name must be 1 to 200 bytes of UTF-8 text");
	int nkinds = 0;

	while (kz_org_kind_names[nkinds])
		nkinds++;
	if ((mask & KZ_ORG_KIND) && (org->kind < 0 || org->kind >= nkinds))
		return kz_error_set(KZ_EINVAL, "org kind out of range");
	if ((mask & KZ_ORG_COUNTRY) && org->country) {
		if (strlen(org->country) != 2 ||
		    !isalpha((unsigned char)org->country[0]) ||
		    !isalpha((unsigned char)org->country[1]))
			return kz_error_set(KZ_EINVAL,
			    "'%s' is not a country code (two letters, like JP)",
			    org->country);
		org->country[0] = (char)toupper((unsigned char)org->country[0]);
		org->country[1] = (char)toupper((unsigned char)org->country[1]);
	}
	if ((mask & KZ_ORG_LANG) && org->lang && strcmp(org->lang, "ja") &&
	    strcmp(org->lang, "en") && strcmp(org->lang, "ja+en"))
		return kz_error_set(KZ_EINVAL,
		    "unknown language '%s' (one of: ja, en, ja+en)", org->lang);
	if ((mask & KZ_ORG_NOTE) && org->note &&
	    !kz_utf8_valid(org->note, strlen(org->note)))
		return kz_error_set(KZ_EINVAL, "note is not valid UTF-8");
	return 0;
}

static int
canon_lists(struct kz_org *org)
{
	int rc;

	if ((rc = canon_list(&org->contacts, canon_email)) ||
	    (rc = canon_list(&org->netblocks, canon_netblock)) ||
	    (rc = canon_list(&org->domains, canon_domain)))
		return rc;
	return 0;
}

static int
insert_entries(struct kz_store *st, int64_t org_id, const struct kz_org *o)
{
	struct kz_stmt *s;
	size_t i;
	int rc;

	for (i = 0; i < o->contacts.n; i++) {
		if ((rc = kz_store_prepare(&s, st,
			 "INSERT INTO org_contacts "
			 "(org_id, address) VALUES (?, ?)")))
			return rc;
		kz_stmt_bind_int(s, 1, org_id);
		kz_stmt_bind_text(s, 2, o->contacts.v[i]);
		if ((rc = kz_stmt_exec(s)))
			return rc == KZ_EEXISTS ?
			    kz_error_set(KZ_EEXISTS,
				"contact '%s' is listed twice",
				o->contacts.v[i]) :
			    rc;
	}
	for (i = 0; i < o->netblocks.n; i++) {
		struct kz_prefix p;
		char lo[33], hi[33];

		kz_prefix_parse(&p, o->netblocks.v[i]);
		kz_prefix_range_hex(&p, lo, hi);
		if ((rc = kz_store_prepare(&s, st,
			 "INSERT INTO org_netblocks "
			 "(org_id, cidr, lo, hi, prefix) VALUES (?, ?, ?, ?, ?)")))
			return rc;
		kz_stmt_bind_int(s, 1, org_id);
		kz_stmt_bind_text(s, 2, o->netblocks.v[i]);
		kz_stmt_bind_text(s, 3, lo);
		kz_stmt_bind_text(s, 4, hi);
		kz_stmt_bind_int(s, 5, p.len);
		if ((rc = kz_stmt_exec(s)))
			return rc == KZ_EEXISTS ?
			    kz_error_set(KZ_EEXISTS,
				"netblock '%s' is listed twice",
				o->netblocks.v[i]) :
			    rc;
	}
	for (i = 0; i < o->nasns; i++) {
		if ((rc = kz_store_prepare(&s, st,
			 "INSERT INTO org_asns (org_id, asn) VALUES (?, ?)")))
			return rc;
		kz_stmt_bind_int(s, 1, org_id);
		kz_stmt_bind_int(s, 2, o->asns[i]);
		if ((rc = kz_stmt_exec(s)))
			return rc == KZ_EEXISTS ?
			    kz_error_set(KZ_EEXISTS, "AS%lld is listed twice",
				(long long)o->asns[i]) :
			    rc;
	}
	for (i = 0; i < o->domains.n; i++) {
		if ((rc = kz_store_prepare(&s, st,
			 "INSERT INTO org_domains "
			 "(org_id, domain) VALUES (?, ?)")))
			return rc;
		kz_stmt_bind_int(s, 1, org_id);
		kz_stmt_bind_text(s, 2, o->domains.v[i]);
		if ((rc = kz_stmt_exec(s)))
			return rc == KZ_EEXISTS ?
			    kz_error_set(KZ_EEXISTS,
				"domain '%s' is listed twice",
				o->domains.v[i]) :
			    rc;
	}
	return 0;
}

static int
delete_one(struct kz_store *st, const char *sql, int64_t org_id,
    const char *text, int64_t num, const char *what)
{
	struct kz_stmt *s;
	int rc;

	if ((rc = kz_store_prepare(&s, st, sql)))
		return rc;
	kz_stmt_bind_int(s, 1, org_id);
	if (text)
		kz_stmt_bind_text(s, 2, text);
	else
		kz_stmt_bind_int(s, 2, num);
	if ((rc = kz_stmt_exec(s)))
		return rc;
	if (kz_store_changes(st) == 0) {
		if (text)
			return kz_error_set(
			    KZ_ENOTFOUND, "the org has no %s '%s'", what, text);
		return kz_error_set(
		    KZ_ENOTFOUND, "the org has no AS%lld", (long long)num);
	}
	return 0;
}

static int
delete_entries(struct kz_store *st, int64_t org_id, const struct kz_org *o)
{
	size_t i;
	int rc;

	for (i = 0; i < o->contacts.n; i++)
		if ((rc = delete_one(st,
			 "DELETE FROM org_contacts WHERE "
			 "org_id = ? AND address = ?",
			 org_id, o->contacts.v[i], 0, "contact")))
			return rc;
	for (i = 0; i < o->netblocks.n; i++)
		if ((rc = delete_one(st,
			 "DELETE FROM org_netblocks WHERE "
			 "org_id = ? AND cidr = ?",
			 org_id, o->netblocks.v[i], 0, "netblock")))
			return rc;
	for (i = 0; i < o->nasns; i++)
		if ((rc = delete_one(st,
			 "DELETE FROM org_asns WHERE "
			 "org_id = ? AND asn = ?",
			 org_id, NULL, o->asns[i], "ASN")))
			return rc;
	for (i = 0; i < o->domains.n; i++)
		if ((rc = delete_one(st,
			 "DELETE FROM org_domains WHERE "
			 "org_id = ? AND domain = ?",
			 org_id, o->domains.v[i], 0, "domain")))
			return rc;
	return 0;
}

int
kz_org_add(struct kz_store *st, struct kz_org *org)
{
	struct kz_stmt *s;
	int rc;

	if ((rc = check_scalars(org, ~0u)) || (rc = canon_lists(org)))
		return rc;
	if (!org->lang && !(org->lang = kz_strdup("en")))
		return kz_error_set(KZ_ENOMEM, "out of memory");
	org->created_at = org->updated_at = kz_time_now();
	if ((rc = kz_store_begin(st)))
		return rc;
	if ((rc = kz_store_prepare(&s, st,
		 "INSERT INTO orgs (name, kind, country, lang, note, created_at, "
		 "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id")))
		goto fail;
	kz_stmt_bind_text(s, 1, org->name);
	kz_stmt_bind_text(s, 2, kz_org_kind_names[org->kind]);
	kz_stmt_bind_text(s, 3, org->country);
	kz_stmt_bind_text(s, 4, org->lang);
	kz_stmt_bind_text(s, 5, org->note ? org->note : "");
	kz_stmt_bind_int(s, 6, org->created_at);
	kz_stmt_bind_int(s, 7, org->updated_at);
	rc = kz_stmt_step(s);
	if (rc == KZ_EEXISTS) {
		rc = kz_error_set(
		    KZ_EEXISTS, "an org named '%s' exists already", org->name);
		goto fail;
	}
	if (rc != KZ_ROW)
		goto fail;
	org->id = kz_stmt_int(s, 0);
	kz_stmt_step(s);
	if ((rc = insert_entries(st, org->id, org)))
		goto fail;
	return kz_store_commit(st);
fail:
	kz_store_rollback(st);
	return rc < 0 ? rc : kz_error_set(KZ_EIO, "could not add org");
}

static int
load_list(
    struct kz_strlist *l, struct kz_store *st, const char *sql, int64_t id)
{
	struct kz_stmt *s;
	int rc;

	if ((rc = kz_store_prepare(&s, st, sql)))
		return rc;
	kz_stmt_bind_int(s, 1, id);
	while ((rc = kz_stmt_step(s)) == KZ_ROW)
		if ((rc = kz_strlist_add(l, kz_stmt_text(s, 0)))) {
			while (kz_stmt_step(s) == KZ_ROW)
				;
			return rc;
		}
	return rc;
}

static int
load_details(struct kz_org *org, struct kz_store *st)
{
	struct kz_stmt *s;
	int rc;

	if ((rc = load_list(&org->contacts, st,
		 "SELECT address FROM "
		 "org_contacts WHERE org_id = ? ORDER BY id",
		 org->id)) ||
	    (rc = load_list(&org->netblocks, st,
		 "SELECT cidr FROM "
		 "org_netblocks WHERE org_id = ? ORDER BY lo, prefix",
		 org->id)) ||
	    (rc = load_list(&org->domains, st,
		 "SELECT domain FROM "
		 "org_domains WHERE org_id = ? ORDER BY domain",
		 org->id)))
		return rc;
	if ((rc = kz_store_prepare(&s, st,
		 "SELECT asn FROM org_asns "
		 "WHERE org_id = ? ORDER BY asn")))
		return rc;
	kz_stmt_bind_int(s, 1, org->id);
	while ((rc = kz_stmt_step(s)) == KZ_ROW) {
		int64_t *a =
		    kz_realloc(org->asns, (org->nasns + 1) * sizeof(*a));

		if (!a) {
			while (kz_stmt_step(s) == KZ_ROW)
				;
			return kz_error_set(KZ_ENOMEM, "out of memory");
		}
		org->asns = a;
		a[org->nasns++] = kz_stmt_int(s, 0);
	}
	return rc;
}

static void
read_row(struct kz_org *org, struct kz_stmt *s)
{
	kz_org_init(org);
	org->id = kz_stmt_int(s, 0);
	org->name = kz_strdup(kz_stmt_text(s, 1));
	org->kind = kz_name_index(kz_org_kind_names, kz_stmt_text(s, 2));
	org->country =
	    kz_stmt_isnull(s, 3) ? NULL : kz_strdup(kz_stmt_text(s, 3));
	org->lang = kz_strdup(kz_stmt_text(s, 4));
	org->note = kz_strdup(kz_stmt_text(s, 5));
	org->created_at = kz_stmt_int(s, 6);
	org->updated_at = kz_stmt_int(s, 7);
}

#define OCOLS "id, name, kind, country, lang, note, created_at, updated_at"

int
kz_org_get(struct kz_org **out, struct kz_store *st, const char *name)
{
	struct kz_org *org;
	struct kz_stmt *s;
	long id = 0;
	int rc, byid;

	*out = NULL;
	byid = name && *name && strspn(name, "0123456789") == strlen(name) &&
	    kz_parse_long(&id, name, 1, 1L << 62) == 0;
	if ((rc = kz_store_prepare(&s, st,
		 byid ? "SELECT " OCOLS " FROM orgs WHERE id = ?" :
			"SELECT " OCOLS " FROM orgs WHERE name = ?")))
		return rc;
	if (byid)
		kz_stmt_bind_int(s, 1, id);
	else
		kz_stmt_bind_text(s, 1, name ? name : "");
	if ((rc = kz_stmt_step(s)) != KZ_ROW)
		return rc < 0 ? rc :
				kz_error_set(KZ_ENOTFOUND,
				    "no org '%s' (see 'kizuki org list')",
				    name ? name : "");
	org = kz_malloc(sizeof(*org));
	if (!org) {
		kz_stmt_step(s);
		return kz_error_set(KZ_ENOMEM, "out of memory");
	}
	read_row(org, s);
	kz_stmt_step(s);
	if (!org->name || !org->lang || !org->note ||
	    (rc = load_details(org, st))) {
		kz_org_free(org);
		return rc ? rc : kz_error_set(KZ_ENOMEM, "out of memory");
	}
	*out = org;
	return 0;
}

int
kz_org_list(struct kz_org **out, size_t *n, struct kz_store *st, int kind)
{
	struct kz_org *orgs = NULL;
	struct kz_stmt *s;
	size_t cnt = 0, i;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = kz_store_prepare(&s, st,
		 "SELECT " OCOLS " FROM orgs "
		 "WHERE CAST(? AS TEXT) IS NULL OR kind = ? ORDER BY name")))
		return rc;
	if (kind >= 0) {
		kz_stmt_bind_text(s, 1, kz_org_kind_names[kind]);
		kz_stmt_bind_text(s, 2, kz_org_kind_names[kind]);
	}
	while ((rc = kz_stmt_step(s)) == KZ_ROW) {
		struct kz_org *p = kz_realloc(orgs, (cnt + 1) * sizeof(*p));

		if (!p) {
			while (kz_stmt_step(s) == KZ_ROW)
				;
			rc = kz_error_set(KZ_ENOMEM, "out of memory");
			goto fail;
		}
		orgs = p;
		read_row(&orgs[cnt++], s);
	}
	if (rc < 0)
		goto fail;
	for (i = 0; i < cnt; i++)
		if ((rc = load_details(&orgs[i], st)))
			goto fail;
	*out = orgs;
	*n = cnt;
	return 0;
fail:
	kz_org_list_free(orgs, cnt);
	return rc;
}

void
kz_org_list_free(struct kz_org *orgs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		kz_org_release(&orgs[i]);
	kz_free(orgs);
}

/* Copies the list entries of src into dst (scalars are not copied). */
static int
copy_lists(struct kz_org *dst, const struct kz_org *src)
{
	size_t i;
	int rc;

	for (i = 0; i < src->contacts.n; i++)
		if ((rc = kz_strlist_add(&dst->contacts, src->contacts.v[i])))
			return rc;
	for (i = 0; i < src->netblocks.n; i++)
		if ((rc = kz_strlist_add(&dst->netblocks, src->netblocks.v[i])))
			return rc;
	for (i = 0; i < src->domains.n; i++)
		if ((rc = kz_strlist_add(&dst->domains, src->domains.v[i])))
			return rc;
	if (src->nasns) {
		dst->asns = kz_malloc(src->nasns * sizeof(*dst->asns));
		if (!dst->asns)
			return kz_error_set(KZ_ENOMEM, "out of memory");
		memcpy(dst->asns, src->asns, src->nasns * sizeof(*dst->asns));
		dst->nasns = src->nasns;
	}
	return 0;
}

int
kz_org_update(struct kz_store *st, const char *name, const struct kz_org *set,
    unsigned mask, const struct kz_org *add, const struct kz_org *del)
{
	struct kz_org *cur = NULL, s2, a2, d2;
	struct kz_stmt *s;
	int rc;

	/* Work on copies: canonicalising rewrites the lists. */
	kz_org_init(&s2);
	kz_org_init(&a2);
	kz_org_init(&d2);
	s2 = *set;
	s2.country = NULL;
	if (set->country && !(s2.country = kz_strdup(set->country))) {
		rc = kz_error_set(KZ_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = check_scalars(&s2, mask)) || (rc = copy_lists(&a2, add)) ||
	    (rc = copy_lists(&d2, del)))
		goto out;
	if ((rc = canon_lists(&a2)) || (rc = canon_lists(&d2)))
		goto out;
	if ((rc = kz_store_begin(st)))
		goto out;
	if ((rc = kz_org_get(&cur, st, name)))
		goto fail;
	if ((rc = kz_store_prepare(&s, st,
		 "UPDATE orgs SET name = ?, kind = ?, country = ?, lang = ?, "
		 "note = ?, updated_at = ? WHERE id = ?")))
		goto fail;
	kz_stmt_bind_text(s, 1, (mask & KZ_ORG_NAME) ? s2.name : cur->name);
	kz_stmt_bind_text(s, 2,
	    kz_org_kind_names[(mask & KZ_ORG_KIND) ? s2.kind : cur->kind]);
	kz_stmt_bind_text(
	    s, 3, (mask & KZ_ORG_COUNTRY) ? s2.country : cur->country);
	kz_stmt_bind_text(
	    s, 4, (mask & KZ_ORG_LANG) && s2.lang ? s2.lang : cur->lang);
	kz_stmt_bind_text(
	    s, 5, (mask & KZ_ORG_NOTE) && s2.note ? s2.note : cur->note);
	kz_stmt_bind_int(s, 6, kz_time_now());
	kz_stmt_bind_int(s, 7, cur->id);
	rc = kz_stmt_exec(s);
	if (rc == KZ_EEXISTS)
		rc = kz_error_set(
		    KZ_EEXISTS, "an org named '%s' exists already", s2.name);
	if (rc || (rc = delete_entries(st, cur->id, &d2)) ||
	    (rc = insert_entries(st, cur->id, &a2)))
		goto fail;
	rc = kz_store_commit(st);
	goto out;
fail:
	kz_store_rollback(st);
out:
	kz_org_release(&a2);
	kz_org_release(&d2);
	kz_free(s2.country);
	kz_org_free(cur);
	return rc;
}

static json_t *
strlist_json(const struct kz_strlist *l)
{
	json_t *a = json_array();

	for (size_t i = 0; i < l->n; i++)
		json_array_append_new(a, json_string(l->v[i]));
	return a;
}

json_t *
kz_org_to_json(const struct kz_org *org)
{
	json_t *o = json_object(), *asns = json_array();

	for (size_t i = 0; i < org->nasns; i++)
		json_array_append_new(asns, json_integer(org->asns[i]));
	kz_json_set(o, "id", json_integer(org->id));
	kz_json_set(o, "name", json_string(org->name));
	kz_json_set(o, "kind",
	    json_string(
		org->kind >= 0 ? kz_org_kind_names[org->kind] : "other"));
	kz_json_set(o, "country", kz_json_str(org->country));
	kz_json_set(o, "lang", kz_json_str(org->lang));
	kz_json_set(o, "note", kz_json_str(org->note));
	kz_json_set(o, "contacts", strlist_json(&org->contacts));
	kz_json_set(o, "netblocks", strlist_json(&org->netblocks));
	kz_json_set(o, "asns", asns);
	kz_json_set(o, "domains", strlist_json(&org->domains));
	kz_json_set(o, "created_at", kz_json_time(org->created_at));
	kz_json_set(o, "updated_at", kz_json_time(org->updated_at));
	return o;
}
