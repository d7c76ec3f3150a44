/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the indicator list loaders (plain, CSV, Zeek
 * intel): the first byte picks the format, the rest is the list.
 */
#include <stdint.h>
#include <stdlib.h>

#include "match/indicators.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kz_ioc_table *t;
	struct kz_ioc_load_stats st;
	struct kz_ioc ioc;
	size_t i;

	if (size < 1 || kz_ioc_table_new(&t))
		return 0;
	kz_ioc_load_stats_init(&st);
	(void)kz_ioc_table_load(t, (const char *)data + 1, size - 1,
	    (enum kz_ioc_list_format)(data[0] % 4), "fuzz", NULL, 0, &st);
	if (kz_ioc_table_build(t) == 0) {
		for (i = 0; i < kz_ioc_table_count(t); i++)
			kz_ioc_table_get(t, (uint32_t)i, &ioc);
	}
	if (st.added + st.rejected > st.lines + 1)
		abort();
	kz_ioc_load_stats_release(&st);
	kz_ioc_table_free(t);
	return 0;
}
