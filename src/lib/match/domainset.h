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

/*
 * For bulk loads: checks name as kz_domainset_add() does and queues it;
 * it is added a few names later, when the memory it goes to has been
 * fetched. A name that is there already is not refused but reported to
 * dup(ctx, id of the one kept, id) when it is added. Lookups see a name
 * only once it has been added: call kz_domainset_flush() before them
 * (kz_domainset_add() flushes first). 0, KZ_EINVAL naming name, KZ_ENOMEM
 * (also from adding an earlier name).
 */
int kz_domainset_add_queued(struct kz_domainset *s, const char *name,
    size_t len, uint32_t id,
    void (*dup)(void *ctx, uint32_t kept, uint32_t other), void *ctx);

/* Adds the names queued. 0 or KZ_ENOMEM. */
int kz_domainset_flush(struct kz_domainset *s);

/* Makes room for n more names of about bytes bytes. 0 or KZ_ENOMEM. */
int kz_domainset_reserve(struct kz_domainset *s, size_t n, size_t bytes);

/*
 * The id of the most specific entry equal to host or a parent of it, or
 * KZ_DOMAINSET_NONE. host may have upper-case letters and one trailing
 * dot. *matched_len (if not NULL) gets the length of the matching suffix.
 */
uint32_t kz_domainset_lookup(const struct kz_domainset *s, const char *host,
    size_t len, size_t *matched_len);

/*
 * The same lookup in two steps, for callers that have other work to do
 * while the memory a lookup needs is fetched: kz_domainset_query_init()
 * works out the suffixes to probe and asks for their cache lines;
 * kz_domainset_query_run(), called a little later, probes them. init
 * returns 0 when nothing can match (run must not be called then).
 */
struct kz_domainset_query {
	size_t len; /* of the name, without its trailing dot */
	unsigned n; /* suffixes to probe, longest first */
	uint8_t offs[KZ_DOMAIN_MAX / 2 + 2];
	uint64_t hs[KZ_DOMAIN_MAX / 2 + 2];
	/* the name lower-cased, from 32 on (the bytes before: scratch) */
	char low[32 + KZ_DOMAIN_MAX + 16];
};

int kz_domainset_query_init(const struct kz_domainset *s,
    struct kz_domainset_query *q, const char *host, size_t len);
uint32_t kz_domainset_query_run(const struct kz_domainset *s,
    const struct kz_domainset_query *q, size_t *matched_len);

size_t kz_domainset_count(const struct kz_domainset *s);
size_t kz_domainset_memory(const struct kz_domainset *s);

#endif
