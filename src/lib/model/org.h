/* SPDX-License-Identifier: MIT */
/*
 * Organisations a CSIRT works with: members, ISPs, hosting providers,
 * vendors, other CSIRTs, police. An org owns contacts (addresses to
 * notify), netblocks, ASNs and domains; these route notifications to it.
 */
#ifndef KZ_ORG_H
#define KZ_ORG_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

struct kz_strlist {
	char **v;
	size_t n;
};

/* Appends a copy of s; 0 or KZ_ENOMEM. */
int kz_strlist_add(struct kz_strlist *l, const char *s);
void kz_strlist_release(struct kz_strlist *l);

struct kz_org {
	int64_t id;
	char *name;
	int kind;      /* index into kz_org_kind_names */
	char *country; /* ISO 3166 alpha-2, upper case; NULL when unknown */
	char *lang;    /* ja, en or ja+en: the language of notifications */
	char *note;
	struct kz_strlist contacts;  /* e-mail addresses */
	struct kz_strlist netblocks; /* canonical CIDR text */
	struct kz_strlist domains;   /* lower-case A-labels */
	int64_t *asns;
	size_t nasns;
	int64_t created_at;
	int64_t updated_at;
};

void kz_org_init(struct kz_org *org);
void kz_org_release(struct kz_org *org);
void kz_org_free(struct kz_org *org);

/* Appends an ASN given as "64500" or "AS64500"; KZ_EINVAL otherwise. */
int kz_org_add_asn(struct kz_org *org, const char *s);

/*
 * Creates org: checks and canonicalises every field and list entry
 * (KZ_EINVAL naming the bad one), KZ_EEXISTS when the name is taken.
 * Fills id and times.
 */
int kz_org_add(struct kz_store *st, struct kz_org *org);

/* Loads an org by name (or by id given as digits). KZ_ENOTFOUND. */
int kz_org_get(struct kz_org **out, struct kz_store *st, const char *name);

/* Every org, by name; kind -1 for all kinds. Free with _list_free. */
int kz_org_list(struct kz_org **out, size_t *n, struct kz_store *st, int kind);
void kz_org_list_free(struct kz_org *orgs, size_t n);

enum kz_org_field {
	KZ_ORG_NAME = 1 << 0,
	KZ_ORG_KIND = 1 << 1,
	KZ_ORG_COUNTRY = 1 << 2,
	KZ_ORG_LANG = 1 << 3,
	KZ_ORG_NOTE = 1 << 4,
};

/*
 * Changes the org called name: the scalar fields of set named in mask,
 * then adds the list entries of add and removes those of del (an entry to
 * remove that the org does not have is KZ_ENOTFOUND). One transaction.
 */
int kz_org_update(struct kz_store *st, const char *name,
    const struct kz_org *set, unsigned mask, const struct kz_org *add,
    const struct kz_org *del);

json_t *kz_org_to_json(const struct kz_org *org);

#endif
