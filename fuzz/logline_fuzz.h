/* SPDX-License-Identifier: MIT */
/*
 * What the log-line harnesses share: parse every line of s..e with format
 * f and check that each value lies inside its line or the record's scratch
 * space (JSON formats excepted: their values live in the parsed document)
 * and that times do not crash.
 */
#ifndef KZ_LOGLINE_FUZZ_H
#define KZ_LOGLINE_FUZZ_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "format/logline.h"

static struct kz_log_record fuzz_rec;

static void
fuzz_lines(enum kz_log_format f, const struct kz_log_fieldmap *map,
    const char *s, const char *e)
{
	struct kz_log_parser p;

	kz_log_record_init(&fuzz_rec);
	kz_log_parser_init(&p, f, map);
	while (s < e) {
		const char *nl = memchr(s, '\n', (size_t)(e - s));
		size_t len = nl ? (size_t)(nl - s) : (size_t)(e - s);
		int64_t t;
		unsigned i;

		(void)kz_logline_detect_line(s, len);
		if (kz_logline_parse(&p, &fuzz_rec, s, len) == KZ_LOG_OK) {
			for (i = 0; i < fuzz_rec.n; i++) {
				const char *v = fuzz_rec.v[i].p;
				int in_line =
				    v >= s && v + fuzz_rec.v[i].len <= s + len;
				int in_scratch = v >= fuzz_rec.scratch &&
				    v + fuzz_rec.v[i].len <=
					fuzz_rec.scratch + KZ_LOG_SCRATCH;

				if (!fuzz_rec.json && !in_line && !in_scratch)
					abort();
				if (!fuzz_rec.v[i].field || !fuzz_rec.v[i].len)
					abort();
			}
			(void)kz_logline_time(&t, &fuzz_rec, 2024);
		}
		s = nl ? nl + 1 : e;
	}
	kz_log_record_release(&fuzz_rec);
}

#endif
