/* SPDX-License-Identifier: MIT */
/*
 * A set of IPv4 and IPv6 addresses and CIDR blocks answering "which is the
 * most specific entry covering this address" (longest-prefix match). Built
 * once into flat sorted interval arrays; after kz_ipset_build() it is
 * read-only and lookups are safe from any number of threads.
 */
#ifndef KZ_IPSET_H
#define KZ_IPSET_H

#include <stddef.h>
#include <stdint.h>

#define KZ_IPSET_NONE UINT32_MAX

struct kz_ipset;

/* Caller owns *out; free with kz_ipset_free(). 0 or KZ_ENOMEM. */
int kz_ipset_new(struct kz_ipset **out);
void kz_ipset_free(struct kz_ipset *s);

/*
 * Adds addr/plen (host bits beyond plen are ignored) with id. May be
 * called again after kz_ipset_build(), which must then be called again
 * before lookups. 0, KZ_EINVAL (plen too large), KZ_ENOMEM.
 */
int kz_ipset_add4(
    struct kz_ipset *s, uint32_t addr, unsigned plen, uint32_t id);
int kz_ipset_add6(
    struct kz_ipset *s, const uint8_t addr[16], unsigned plen, uint32_t id);

/*
 * Adds "a.b.c.d", "a.b.c.d/n", an IPv6 address or "addr/n". 0, or KZ_EINVAL
 * naming the text.
 */
int kz_ipset_add_str(
    struct kz_ipset *s, const char *text, size_t len, uint32_t id);

/*
 * Sorts and flattens the entries. When two entries are the same prefix,
 * the one added first is kept and dup(ctx, kept, other) is called for the
 * other (dup may be NULL). 0 or KZ_ENOMEM.
 */
int kz_ipset_build(struct kz_ipset *s,
    void (*dup)(void *ctx, uint32_t kept, uint32_t other), void *ctx);

/* The id of the longest prefix covering addr, or KZ_IPSET_NONE. */
uint32_t kz_ipset_lookup4(const struct kz_ipset *s, uint32_t addr);
uint32_t kz_ipset_lookup6(const struct kz_ipset *s, const uint8_t addr[16]);

/* Asks for the memory kz_ipset_lookup4(s, addr) reads first. */
void kz_ipset_prefetch4(const struct kz_ipset *s, uint32_t addr);

/* Entries added, flat intervals built, bytes held. */
size_t kz_ipset_count(const struct kz_ipset *s);
size_t kz_ipset_intervals(const struct kz_ipset *s);
size_t kz_ipset_memory(const struct kz_ipset *s);

/*
 * Strict parsers for text found in logs: a dotted quad without leading
 * zeros, and an IPv6 address (an IPv4-mapped one stays IPv6). 0 or -1; no
 * error message is set, they are called for every log field.
 */
int kz_ip_parse4(uint32_t *out, const char *s, size_t len);
int kz_ip_parse6(uint8_t out[16], const char *s, size_t len);

/*
 * "addr" or "addr/plen" of either family: *family is 4 or 6, addr gets 4
 * or 16 bytes (network order), *plen 32 or 128 without a slash. Host bits
 * beyond plen are kept; *host_bits tells whether there were any. 0 or -1.
 */
int kz_ip_parse_prefix(int *family, uint8_t addr[16], unsigned *plen,
    int *host_bits, const char *s, size_t len);

#endif
