/* SPDX-License-Identifier: MIT */
/*
 * IP address -> country, read with libmaxminddb from a MaxMind DB file such
 * as ip-location-db's geo-whois-asn-country.mmdb (a "country_code" string
 * per network) or a GeoLite2 Country file ("country" / "iso_code").
 */
#ifndef KZ_GEO_H
#define KZ_GEO_H

#include <stdint.h>

struct kz_geo;

/*
 * Opens the database at path (memory-mapped). KZ_EIO naming the path and
 * libmaxminddb's reason. Caller owns *out; close with kz_geo_close().
 */
int kz_geo_open(struct kz_geo **out, const char *path);
void kz_geo_close(struct kz_geo *g);

/*
 * The country of addr (16 bytes, IPv4 as ::ffff:a.b.c.d) as two upper-case
 * letters in out. 1 when found, 0 when the database has no country for it,
 * KZ_EIO when the file is corrupt. Safe to call from several threads.
 */
int kz_geo_country(char out[3], const struct kz_geo *g, const uint8_t addr[16]);

/* The same for an address as text; KZ_EINVAL if ip is not an address. */
int kz_geo_country_text(char out[3], const struct kz_geo *g, const char *ip);

/* The database type from its metadata ("country ipvAll" ...). Borrowed. */
const char *kz_geo_type(const struct kz_geo *g);

#endif
