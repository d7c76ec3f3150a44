/* SPDX-License-Identifier: MIT */
/*
 * Country lookups through libmaxminddb. The sockaddr form of the lookup is
 * used so that IPv4 addresses take the database's IPv4 subtree whether the
 * file is IPv4-only or IPv6 with IPv4 mapped in.
 */
#include "enrich/geo.h"

#include <arpa/inet.h>
#include <maxminddb.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "core/alloc.h"
#include "core/error.h"

struct kz_geo {
	MMDB_s db;
};

int
kz_geo_open(struct kz_geo **out, const char *path)
{
	struct kz_geo *g = kz_calloc(1, sizeof(*g));
	int st;

	*out = NULL;
	if (!g)
		return kz_error_set(KZ_ENOMEM, "out of memory");
	st = MMDB_open(path, MMDB_MODE_MMAP, &g->db);
	if (st != MMDB_SUCCESS) {
		kz_free(g);
		return kz_error_set(KZ_EIO,
		    "cannot open country database '%s': %s", path,
		    MMDB_strerror(st));
	}
	*out = g;
	return 0;
}

void
kz_geo_close(struct kz_geo *g)
{
	if (!g)
		return;
	MMDB_close(&g->db);
	kz_free(g);
}

const char *
kz_geo_type(const struct kz_geo *g)
{
	return g->db.metadata.database_type ? g->db.metadata.database_type : "";
}

static int
take_code(char out[3], MMDB_entry_data_s *d)
{
	const char *s;

	if (!d->has_data || d->type != MMDB_DATA_TYPE_UTF8_STRING ||
	    d->data_size != 2)
		return 0;
	s = d->utf8_string;
	if (!((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z')) ||
	    !((s[1] >= 'A' && s[1] <= 'Z') || (s[1] >= 'a' && s[1] <= 'z')))
		return 0;
	out[0] = (char)(s[0] & ~0x20);
	out[1] = (char)(s[1] & ~0x20);
	out[2] = '\0';
	return 1;
}

int
kz_geo_country(char out[3], const struct kz_geo *g, const uint8_t addr[16])
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff,
		0xff };
	struct sockaddr_storage ss;
	MMDB_lookup_result_s r;
	MMDB_entry_data_s d;
	int err = 0;

	memset(&ss, 0, sizeof(ss));
	if (memcmp(addr, mapped, 12) == 0) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, addr + 12, 4);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		memcpy(&sin6->sin6_addr, addr, 16);
	}
	out[0] = '\0';
	r = MMDB_lookup_sockaddr(
	    (MMDB_s *)&g->db, (const struct sockaddr *)&ss, &err);
	if (err != MMDB_SUCCESS) {
		/* An IPv6 address in an IPv4-only file: no answer. */
		if (err == MMDB_IPV6_LOOKUP_IN_IPV4_DATABASE_ERROR)
			return 0;
		return kz_error_set(
		    KZ_EIO, "country lookup failed: %s", MMDB_strerror(err));
	}
	if (!r.found_entry)
		return 0;
	if (MMDB_get_value(&r.entry, &d, "country_code", NULL) ==
		MMDB_SUCCESS &&
	    take_code(out, &d))
		return 1;
	if (MMDB_get_value(&r.entry, &d, "country", "iso_code", NULL) ==
		MMDB_SUCCESS &&
	    take_code(out, &d))
		return 1;
	if (MMDB_get_value(&r.entry, &d, "registered_country", "iso_code",
		NULL) == MMDB_SUCCESS &&
	    take_code(out, &d))
		return 1;
	return 0;
}

int
kz_geo_country_text(char out[3], const struct kz_geo *g, const char *ip)
{
	uint8_t a[16];

	memset(a, 0, sizeof(a));
	if (inet_pton(AF_INET, ip, a + 12) == 1) {
		a[10] = a[11] = 0xff;
	} else if (inet_pton(AF_INET6, ip, a) != 1) {
		return kz_error_set(KZ_EINVAL, "'%s' is not an IP address", ip);
	}
	return kz_geo_country(out, g, a);
}
