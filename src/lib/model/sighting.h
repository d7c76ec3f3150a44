/* SPDX-License-Identifier: MIT */
/*
 * Sightings: an indicator seen somewhere — a log line found by a sweep, a
 * sensor — at a time, by one of our clients when the log names one. Each
 * widens the indicator's last seen.
 */
#ifndef KZ_SIGHTING_H
#define KZ_SIGHTING_H

#include <stddef.h>
#include <stdint.h>

#include "extract/ioc.h"
#include "model/taxonomy.h"
#include "store/store.h"

struct kz_sighting {
	enum kz_ioc_type type;
	const char *value;  /* canonical or not: it is canonicalised */
	int64_t at;         /* when it was seen; 0 means now */
	const char *source; /* "sweep proxy.log:1207" */
	const char *client; /* NULL or "" when unknown */
	const char *field;  /* the log field it was in */
	const char *text;   /* what the log had there */
	/* For an indicator not yet stored: its metadata. */
	const char *ioc_source;
	const char *ioc_tags;
	enum kz_tlp ioc_tlp;
};

/* Records one sighting (storing the indicator when it is new). */
int kz_sighting_add(struct kz_store *st, const struct kz_sighting *s);

/* How many sightings an indicator has, and the last one's time. */
int kz_sighting_count(
    int64_t *count, int64_t *last, struct kz_store *st, int64_t indicator_id);

#endif
