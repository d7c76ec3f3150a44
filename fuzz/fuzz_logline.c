/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the log line parsers. The first byte picks the
 * format (0: detect), the rest is lines. Every value must lie inside its
 * line or the record's scratch space (JSON formats excepted: their values
 * live in the parsed document), and times must not crash.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "format/logline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct kz_log_record rec;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kz_log_parser p;
	enum kz_log_format f;
	const char *s, *e;

	if (size < 1)
		return 0;
	f = (enum kz_log_format)(data[0] % KZ_LOG_NFORMATS);
	s = (const char *)data + 1;
	e = (const char *)data + size;
	if (f == KZ_LOG_AUTO)
		f = kz_logline_detect(s, (size_t)(e - s));
	kz_log_record_init(&rec);
	kz_log_parser_init(&p, f, NULL);
	while (s < e) {
		const char *nl = memchr(s, '\n', (size_t)(e - s));
		size_t len = nl ? (size_t)(nl - s) : (size_t)(e - s);
		int64_t t;
		unsigned i;

		(void)kz_logline_detect_line(s, len);
		if (kz_logline_parse(&p, &rec, s, len) == KZ_LOG_OK) {
			for (i = 0; i < rec.n; i++) {
				const char *v = rec.v[i].p;
				int in_line =
				    v >= s && v + rec.v[i].len <= s + len;
				int in_scratch = v >= rec.scratch &&
				    v + rec.v[i].len <=
					rec.scratch + KZ_LOG_SCRATCH;

				if (!rec.json && !in_line && !in_scratch)
					abort();
				if (!rec.v[i].field || !rec.v[i].len)
					abort();
			}
			(void)kz_logline_time(&t, &rec, 2024);
		}
		s = nl ? nl + 1 : e;
	}
	kz_log_record_release(&rec);
	return 0;
}
