/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the notification template parser: any bytes in,
 * no crash; what parses renders with values and items set, and rendering
 * never fails but for memory.
 */
#include <stdint.h>
#include <stdlib.h>

#include "core/buf.h"
#include "notify/template.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kz_template *t;
	struct kz_tvars *v;
	struct kz_buf s = KZ_BUF_INIT(1 << 20), b = KZ_BUF_INIT(8 << 20);

	if (kz_template_parse(&t, "fuzz.txt", (const char *)data, size))
		return 0;
	v = kz_tvars_new();
	if (v) {
		kz_tvars_set(v, "ticket", "KZ-2026-000001");
		kz_tvars_set(v, "org", "ISP");
		for (int i = 0; i < 3; i++) {
			kz_tvars_add_item(v);
			kz_tvars_item_set(v, "value", "192.0.2.1");
			kz_tvars_item_set(v, "type", "ipv4");
		}
		if (kz_template_render(&s, &b, t, v) && !s.err && !b.err)
			abort();
	}
	kz_tvars_free(v);
	kz_template_free(t);
	kz_buf_release(&s);
	kz_buf_release(&b);
	return 0;
}
