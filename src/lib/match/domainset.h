/* SPDX-License-Identifier: MIT */
/*
 * A set of domain names where an entry matches itself and every name
 * below it: evil.example.co.jp matches a.evil.example.co.jp. An entry can
 * never be a public suffix (co.jp, github.io): adding one is refused, so a
 * lookup never climbs above a registrable domain. Lookups are safe from
 * many threads once adding is over.
 */
#ifndef KZ_DOMAINSET_H
#define KZ_DOMAINSET_H

#include <stddef.h>
#include <stdint.h>

#define KZ_DOMAINSET_NONE UINT32_MAX
#define KZ_DOMAIN_MAX     253

struct kz_domainset;

/*
 * A new set sized for about expect names; loads the public suffix list
 * (the system's current copy, else the one built into libpsl). Caller
 * owns *out; free with kz_domainset_free(). 0 or KZ_ENOMEM.
 */
int kz_domainset_new(struct kz_domainset **out, size_t expect);
void kz_domainset_free(struct kz_domainset *s);

/*
 * Whether name (lower-case, no trailing dot) is a public suffix, on the
 * list or by the default rule (any single label is one).
 */
int kz_domainset_is_public_suffix(
    const struct kz_domainset *s, const char *name);

/*
 * Adds name with id. name must be canonical: lower-case ASCII (IDN as
 * A-labels), no trailing dot. KZ_EINVAL naming it when it is not a valid
 * host name or is a public suffix; KZ_EEXISTS (no message) with *existing
 * set when it is already there; KZ_ENOMEM.
 */
int kz_domainset_add(struct kz_domainset *s, const char *name, size_t len,
    uint32_t id, uint32_t *existing);

/* Makes room for n more names of about bytes bytes. 0 or KZ_ENOMEM. */
int kz_domainset_reserve(struct kz_domainset *s, size_t n, size_t bytes);

/*
 * The id of the most specific entry equal to host or a parent of it, or
 * KZ_DOMAINSET_NONE. host may have upper-case letters and one trailing
 * dot. *matched_len (if not NULL) gets the length of the matching suffix.
 */
uint32_t kz_domainset_lookup(const struct kz_domainset *s, const char *host,
    size_t len, size_t *matched_len);

size_t kz_domainset_count(const struct kz_domainset *s);
size_t kz_domainset_memory(const struct kz_domainset *s);

#endif
