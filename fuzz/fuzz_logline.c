/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the log line parsers and format detection. The
 * first byte picks the format (0: detect), the rest is lines.
 */
#include "logline_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum kz_log_format f;
	const char *s, *e;

	if (size < 1)
		return 0;
	f = (enum kz_log_format)(data[0] % KZ_LOG_NFORMATS);
	s = (const char *)data + 1;
	e = (const char *)data + size;
	if (f == KZ_LOG_AUTO)
		f = kz_logline_detect(s, (size_t)(e - s));
	fuzz_lines(f, NULL, s, e);
	return 0;
}
