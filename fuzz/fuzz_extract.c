/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the indicator scanner: any bytes in, no crash,
 * offsets inside the input, and every value found canonicalizes to
 * itself (the scanner and kz_ioc_canonicalize agree).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "extract/extract.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kz_extract_result r;
	struct kz_buf b = KZ_BUF_INIT(1 << 20);
	enum kz_ioc_type t;

	kz_extract_result_init(&r);
	if (kz_extract(&r, (const char *)data, size, 0) == 0) {
		for (size_t i = 0; i < r.n; i++) {
			const struct kz_extract_item *it = &r.items[i];

			if (it->start >= it->end || it->end > size)
				abort();
			if (kz_ioc_canonicalize(
				&b, it->type, it->value, it->len) != 0 ||
			    strcmp(b.ptr, it->value) != 0)
				abort();
		}
	}
	/* the stand-alone detector on the same bytes */
	(void)kz_ioc_detect(&t, &b, (const char *)data, size);
	kz_extract_result_release(&r);
	kz_buf_release(&b);
	return 0;
}
