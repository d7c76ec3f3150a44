/* SPDX-License-Identifier: MIT */
/*
 * IP addresses and prefixes, IPv4 held as IPv4-mapped IPv6 so that one
 * ordering covers both. Hex forms (32 digits) sort like the addresses and
 * let a database find the blocks that cover an address with a range query.
 */
#ifndef KZ_NETADDR_H
#define KZ_NETADDR_H

#include <stdint.h>

struct kz_prefix {
	uint8_t addr[16]; /* network address, host bits cleared */
	int len;          /* 0..128, counted in the IPv6 space */
	int v4;           /* written as IPv4 */
};

/*
 * Parses "192.0.2.1", "2001:db8::1", "198.51.100.0/24" or "2001:db8::/32".
 * A bare address is a /32 or /128. Host bits set below the prefix are
 * refused (KZ_EINVAL naming the text and the network meant).
 */
int kz_prefix_parse(struct kz_prefix *out, const char *s);

/* Canonical text: "198.51.100.0/24", "2001:db8::/32". out >= 64 bytes. */
char *kz_prefix_format(char *out, const struct kz_prefix *p);

/* First and last address as 32 lower-case hex digits each (33 bytes). */
void kz_prefix_range_hex(const struct kz_prefix *p, char lo[33], char hi[33]);

/* A single address as 32 hex digits; KZ_EINVAL if s is not an address. */
int kz_addr_hex(char out[33], const char *s);

#endif
