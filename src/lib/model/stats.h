/* SPDX-License-Identifier: MIT */
/*
 * Statistics for a period, shaped like JPCERT/CC's quarterly incident
 * reports: reports received, incidents opened, incidents that needed
 * coordination with another party, each counted separately; breakdowns by
 * category and status; closed in the period and the median time to close.
 */
#ifndef KZ_STATS_H
#define KZ_STATS_H

#include <jansson.h>
#include <stdint.h>

#include "model/taxonomy.h"
#include "store/store.h"

struct kz_stats {
	int64_t from, to;                  /* [from, to) */
	int64_t reports;                   /* reports received in the period */
	int64_t incidents;                 /* incidents opened in the period */
	int64_t coordinated;               /* of those, needing coordination */
	int64_t by_category[KZ_CAT_COUNT]; /* of those opened */
	int64_t by_status[KZ_ST_COUNT];    /* their status now */
	int64_t closed;                    /* incidents closed in the period */
	int64_t median_close; /* seconds, of those closed; -1 when none */
};

int kz_stats_compute(
    struct kz_stats *out, struct kz_store *st, int64_t from, int64_t to);

/* The stable JSON shape (docs/json.md). New reference. */
json_t *kz_stats_to_json(const struct kz_stats *s);

#endif
