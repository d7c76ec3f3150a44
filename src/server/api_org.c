/* SPDX-License-Identifier: MIT */
/*
 * /api/v1/orgs: the organisations a CSIRT works with and their contacts,
 * netblocks, ASNs and domains. Staff read and change all; a member reads
 * its own org (model/access.h).
 */
#include <string.h>

#include "api.h"
#include "core/alloc.h"
#include "core/error.h"
#include "model/access.h"
#include "model/org.h"
#include "routes.h"

/* Appends the strings (or AS numbers) of array key of obj to lists. */
static int
read_lists(struct kz_req *r, json_t *obj, struct kz_org *lists)
{
	static const char *const keys[] = { "contacts", "netblocks", "domains",
		"asns", NULL };

	for (int k = 0; keys[k]; k++) {
		json_t *a = json_object_get(obj, keys[k]), *v;
		size_t i;

		if (!a)
			continue;
		if (!json_is_array(a) || json_array_size(a) > 10000) {
			kz_error_set(KZ_EINVAL,
			    "field '%s' must be a list of at most %d entries",
			    keys[k], 10000);
			return kz_http_fail_as(r, 400, "invalid"), -1;
		}
		json_array_foreach(a, i, v)
		{
			char num[32];
			const char *s = json_string_value(v);
			int rc;

			if (k == 3 && json_is_integer(v)) {
				snprintf(num, sizeof(num), "%lld",
				    (long long)json_integer_value(v));
				s = num;
			}
			if (!s) {
				kz_error_set(KZ_EINVAL,
				    "field '%s' must be a list of strings",
				    keys[k]);
				return kz_http_fail_as(r, 400, "invalid"), -1;
			}
			rc = k == 0 ? kz_strlist_add(&lists->contacts, s) :
			    k == 1  ? kz_strlist_add(&lists->netblocks, s) :
			    k == 2  ? kz_strlist_add(&lists->domains, s) :
				      kz_org_add_asn(lists, s);
			if (rc)
				return kz_http_fail(r), -1;
		}
	}
	return 0;
}

/* Reads the scalar fields into set (heap copies) and mask. */
static int
read_scalars(struct kz_req *r, json_t *obj, struct kz_org *set, unsigned *mask)
{
	static const struct {
		const char *key;
		unsigned bit;
	} f[] = { { "name", KZ_ORG_NAME }, { "country", KZ_ORG_COUNTRY },
		{ "lang", KZ_ORG_LANG }, { "note", KZ_ORG_NOTE } };
	const char *s;
	int got;

	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		char **dst = i == 0 ? &set->name :
		    i == 1          ? &set->country :
		    i == 2          ? &set->lang :
				      &set->note;

		if ((got = api_str(r, obj, f[i].key, i == 1, &s)) < 0)
			return -1;
		if (!got)
			continue;
		kz_free(*dst);
		*dst = s ? kz_strdup(s) : NULL;
		*mask |= f[i].bit;
	}
	if ((got = api_str(r, obj, "kind", 0, &s)) < 0)
		return -1;
	if (got) {
		int k = kz_org_kind_parse(s);

		if (k < 0)
			return kz_http_fail(r), -1;
		set->kind = k;
		*mask |= KZ_ORG_KIND;
	}
	return 0;
}

static int
answer_org(struct kz_req *r, unsigned status, const char *name)
{
	struct kz_org *org;

	if (kz_org_get(&org, r->st, name))
		return kz_http_fail(r);
	if (status == 201) {
		char loc[300];

		snprintf(loc, sizeof(loc), "/api/v1/orgs/%s", org->name);
		kz_http_header(r, "Location", loc);
	}
	kz_http_json(r, status, kz_org_to_json(org));
	kz_org_free(org);
	return 0;
}

int
api_org_list(struct kz_req *r)
{
	static const char *const allowed[] = { "kind", NULL };
	const char *kind = kz_req_query(r, "kind");
	struct kz_org *orgs;
	size_t n;
	json_t *arr;
	int k = -1;

	if (api_query_keys(r, allowed))
		return 0;
	if (kind && (k = kz_org_kind_parse(kind)) < 0)
		return kz_http_fail(r);
	if (kz_org_list(&orgs, &n, r->st, k))
		return kz_http_fail(r);
	arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, kz_org_to_json(&orgs[i]));
	kz_org_list_free(orgs, n);
	return kz_http_json(r, 200, json_pack("{s:o}", "orgs", arr));
}

int
api_org_create(struct kz_req *r)
{
	static const char *const keys[] = { "name", "kind", "country", "lang",
		"note", "contacts", "netblocks", "domains", "asns", NULL };
	struct kz_org org;
	unsigned mask = 0;
	json_t *body;

	if (kz_req_json(r, &body))
		return 0;
	kz_org_init(&org);
	if (kz_req_json_keys(r, body, keys) ||
	    read_scalars(r, body, &org, &mask) || read_lists(r, body, &org))
		goto done;
	if (!(mask & KZ_ORG_NAME) || !(mask & KZ_ORG_KIND)) {
		kz_error_set(KZ_EINVAL, "field '%s' is required",
		    (mask & KZ_ORG_NAME) ? "kind" : "name");
		kz_http_fail_as(r, 400, "invalid");
		goto done;
	}
	if (!api_name_ok(org.name)) {
		kz_error_set(KZ_EINVAL, "invalid org name '%s'", org.name);
		kz_http_fail_as(r, 400, "invalid");
		goto done;
	}
	if (kz_org_add(r->st, &org)) {
		kz_http_fail(r);
		goto done;
	}
	answer_org(r, 201, org.name);
done:
	kz_org_release(&org);
	json_decref(body);
	return 0;
}

static int
org_param(struct kz_req *r, const char **name)
{
	*name = r->params[0];
	if (!api_name_ok(*name)) {
		kz_error_set(KZ_EINVAL, "invalid org name '%s'", *name);
		kz_http_fail_as(r, 400, "invalid");
		return -1;
	}
	return 0;
}

int
api_org_get(struct kz_req *r)
{
	struct kz_org *org;
	const char *name;

	if (org_param(r, &name))
		return 0;
	if (kz_org_get(&org, r->st, name))
		return kz_http_fail(r);
	if (!kz_access_org(&r->who, org->id, 0)) {
		kz_org_free(org);
		/* Like incidents: what one may not read does not exist. */
		kz_error_set(KZ_ENOTFOUND, "no org '%s'", name);
		return kz_http_fail(r);
	}
	kz_http_json(r, 200, kz_org_to_json(org));
	kz_org_free(org);
	return 0;
}

int
api_org_patch(struct kz_req *r)
{
	static const char *const keys[] = { "name", "kind", "country", "lang",
		"note", "add", "remove", NULL };
	static const char *const list_keys[] = { "contacts", "netblocks",
		"domains", "asns", NULL };
	struct kz_org set, add, del;
	const char *name;
	unsigned mask = 0;
	json_t *body, *a, *d;

	if (org_param(r, &name) || kz_req_json(r, &body))
		return 0;
	kz_org_init(&set);
	kz_org_init(&add);
	kz_org_init(&del);
	a = json_object_get(body, "add");
	d = json_object_get(body, "remove");
	if (kz_req_json_keys(r, body, keys))
		goto done;
	if ((a && !json_is_object(a)) || (d && !json_is_object(d))) {
		kz_error_set(KZ_EINVAL,
		    "fields 'add' and 'remove' must be objects of lists");
		kz_http_fail_as(r, 400, "invalid");
		goto done;
	}
	if (read_scalars(r, body, &set, &mask) ||
	    (a &&
		(kz_req_json_keys(r, a, list_keys) ||
		    read_lists(r, a, &add))) ||
	    (d &&
		(kz_req_json_keys(r, d, list_keys) || read_lists(r, d, &del))))
		goto done;
	if ((mask & KZ_ORG_NAME) && !api_name_ok(set.name)) {
		kz_error_set(KZ_EINVAL, "invalid org name '%s'", set.name);
		kz_http_fail_as(r, 400, "invalid");
		goto done;
	}
	if (kz_org_update(r->st, name, &set, mask, &add, &del)) {
		kz_http_fail(r);
		goto done;
	}
	answer_org(r, 200, (mask & KZ_ORG_NAME) ? set.name : name);
done:
	kz_org_release(&set);
	kz_org_release(&add);
	kz_org_release(&del);
	json_decref(body);
	return 0;
}
