/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the whole sweep over one input: compression
 * detection (gzip and zstd by magic), chunking, over-long lines, every
 * parser through auto-detection, matching and the summaries.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "match/sweep.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct kz_ioc_table *table;

static void
setup(void)
{
	static const char list[] =
	    "evil.example.com\n10.0.0.0/8\n"
	    "192.0.2.1\n2001:db8::/32\n"
	    "http://bad.example.net/x\nceo@examp1e.co.jp\n";

	struct kz_ioc_load_stats st;

	kz_ioc_load_stats_init(&st);
	if (kz_ioc_table_new(&table) ||
	    kz_ioc_table_load(table, list, sizeof(list) - 1, KZ_IOC_LIST_PLAIN,
		"fuzz", NULL, 0, &st) ||
	    kz_ioc_table_build(table))
		abort();
	kz_ioc_load_stats_release(&st);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kz_sweep_opts o;
	struct kz_sweep *sw;
	struct kz_buf b = KZ_BUF_INIT(1 << 22);

	if (!table)
		setup();
	kz_sweep_opts_init(&o);
	o.threads = 1;
	o.summary = 1;
	o.max_line = 200;
	o.chunk_size = 512;
	if (kz_sweep_new(&sw, table, &o))
		return 0;
	(void)kz_sweep_buffer(sw, (const char *)data, size, "fuzz");
	(void)kz_sweep_format_summary(&b, sw, KZ_SWEEP_JSON);
	kz_buf_release(&b);
	kz_sweep_free(sw);
	return 0;
}
