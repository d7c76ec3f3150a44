/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the text log parsers (log_text.c): combined,
 * Squid, Zeek TSV, BIND, Postfix, syslog and the generic tokenizer. The
 * first byte picks which.
 */
#include "logline_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum kz_log_format text[] = { KZ_LOG_COMBINED,
		KZ_LOG_SQUID, KZ_LOG_ZEEK, KZ_LOG_BIND, KZ_LOG_POSTFIX,
		KZ_LOG_SYSLOG, KZ_LOG_GENERIC };

	if (size < 1)
		return 0;
	fuzz_lines(text[data[0] % (sizeof(text) / sizeof(text[0]))], NULL,
	    (const char *)data + 1, (const char *)data + size);
	return 0;
}
