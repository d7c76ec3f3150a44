/* SPDX-License-Identifier: MIT */
/* IP address and prefix parsing for orgs' netblocks and routing. */
#include "netaddr.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

static int
parse_addr(uint8_t out[16], int *v4, const char *s)
{
	struct in_addr a4;

	if (inet_pton(AF_INET, s, &a4) == 1) {
		memset(out, 0, 10);
		out[10] = out[11] = 0xff;
		memcpy(out + 12, &a4, 4);
		*v4 = 1;
		return 0;
	}
	if (inet_pton(AF_INET6, s, out) == 1) {
		*v4 = 0;
		return 0;
	}
	return -1;
}

int
kz_prefix_parse(struct kz_prefix *out, const char *s)
{
	char addr[64];
	const char *slash = s ? strchr(s, '/') : NULL;
	size_t n = slash ? (size_t)(slash - s) : (s ? strlen(s) : 0);
	long len;
	int i, v4;

	if (!s || n == 0 || n >= sizeof(addr))
		goto bad;
	memcpy(addr, s, n);
	addr[n] = '\0';
	if (parse_addr(out->addr, &v4, addr))
		goto bad;
	if (slash) {
		char *end;

		/* strtol would also take " 24" and "+24". */
		if (slash[1] < '0' || slash[1] > '9')
			goto bad;
		len = strtol(slash + 1, &end, 10);
		if (*end || end == slash + 1 || len < 0 ||
		    len > (v4 ? 32 : 128))
			goto bad;
	} else {
		len = v4 ? 32 : 128;
	}
	out->v4 = v4;
	out->len = (int)len + (v4 ? 96 : 0);
	for (i = 0; i < 16; i++) {
		int bits = out->len - i * 8;
		uint8_t mask = bits >= 8 ? 0xff :
		    bits <= 0            ? 0 :
					   (uint8_t)(0xff << (8 - bits));

		if (out->addr[i] & ~mask) {
			char net[64];

			for (; i < 16; i++) {
				bits = out->len - i * 8;
				mask = bits >= 8 ? 0xff :
				    bits <= 0    ? 0 :
						   (uint8_t)(0xff << (8 - bits));
				out->addr[i] &= mask;
			}
			return kz_error_set(KZ_EINVAL,
			    "'%s' has host bits set (did you mean '%s'?)", s,
			    kz_prefix_format(net, out));
		}
	}
	return 0;
bad:
	return kz_error_set(KZ_EINVAL,
	    "'%s' is not an IP address or prefix (like 198.51.100.0/24 or "
	    "2001:db8::/32)",
	    s ? s : "");
}

char *
kz_prefix_format(char *out, const struct kz_prefix *p)
{
	char a[INET6_ADDRSTRLEN];

	if (p->v4)
		inet_ntop(AF_INET, p->addr + 12, a, sizeof(a));
	else
		inet_ntop(AF_INET6, p->addr, a, sizeof(a));
	snprintf(out, 64, "%s/%d", a, p->v4 ? p->len - 96 : p->len);
	return out;
}

static void
hex16(char out[33], const uint8_t b[16])
{
	static const char d[] = "0123456789abcdef";

	for (int i = 0; i < 16; i++) {
		out[2 * i] = d[b[i] >> 4];
		out[2 * i + 1] = d[b[i] & 15];
	}
	out[32] = '\0';
}

void
kz_prefix_range_hex(const struct kz_prefix *p, char lo[33], char hi[33])
{
	uint8_t last[16];

	for (int i = 0; i < 16; i++) {
		int bits = p->len - i * 8;
		uint8_t mask = bits >= 8 ? 0xff :
		    bits <= 0            ? 0 :
					   (uint8_t)(0xff << (8 - bits));

		last[i] = p->addr[i] | (uint8_t)~mask;
	}
	hex16(lo, p->addr);
	hex16(hi, last);
}

int
kz_addr_hex(char out[33], const char *s)
{
	uint8_t a[16];
	int v4;

	if (parse_addr(a, &v4, s))
		return kz_error_set(KZ_EINVAL, "'%s' is not an IP address", s);
	hex16(out, a);
	return 0;
}
