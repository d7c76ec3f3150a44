/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the JSON log parsers (log_json.c): Zeek JSON,
 * JSON lines with the default fields, and JSON lines with a field map.
 * The first byte picks which.
 */
#include "logline_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kz_log_fieldmap *map;
	const char *s = (const char *)data + 1, *e = (const char *)data + size;

	if (size < 1)
		return 0;
	if (!map &&
	    kz_log_fieldmap_parse(
		&map, "client=src.ip,host=query,url=req.url,time=@timestamp"))
		abort();
	switch (data[0] % 3) {
	case 0:
		fuzz_lines(KZ_LOG_ZEEK_JSON, NULL, s, e);
		break;
	case 1:
		fuzz_lines(KZ_LOG_JSONL, NULL, s, e);
		break;
	default:
		fuzz_lines(KZ_LOG_JSONL, map, s, e);
	}
	return 0;
}
