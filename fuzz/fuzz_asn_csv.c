/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the ASN range CSV parser and table build: any
 * input loads (malformed rows counted), builds, and every lookup of the
 * range edges answers a range that covers the address.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "enrich/asn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kz_asn_table *t;
	const struct kz_asn_stats *s;
	static const char *const probes[] = { "0.0.0.0", "1.0.0.0", "192.0.2.1",
		"198.51.100.255", "255.255.255.255", "::", "2001:db8::1",
		"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", NULL };

	if (kz_asn_table_new(&t))
		return 0;
	if (kz_asn_table_add_csv(t, (const char *)data, size, "fuzz", 0) == 0 &&
	    kz_asn_table_build(t) == 0) {
		s = kz_asn_table_stats(t);
		if (s->nproblems > KZ_ASN_PROBLEMS_KEPT ||
		    s->ranges_v4 > s->rows_v4 * 2 + 1 ||
		    s->ranges_v6 > s->rows_v6 * 2 + 1)
			abort();
		for (int i = 0; probes[i]; i++) {
			struct kz_asn_hit h;

			if (kz_asn_lookup_text(t, probes[i], &h) == 1 &&
			    memcmp(h.lo, h.hi, 16) > 0)
				abort();
		}
		/* The check above cannot place the address; this can. */
		{
			uint8_t a[16] = { 0 };
			struct kz_asn_hit h;

			a[10] = a[11] = 0xff;
			a[12] = 192;
			a[14] = 2;
			a[15] = 1;
			if (kz_asn_lookup(t, a, &h) == 1 &&
			    (memcmp(h.lo, a, 16) > 0 ||
				memcmp(h.hi, a, 16) < 0))
				abort();
		}
	}
	kz_asn_table_free(t);
	return 0;
}
