/* SPDX-License-Identifier: MIT */
/*
 * Indicators in the store: one row per canonical (type, value), with TLP,
 * confidence, tags, source and first/last seen, linked to the incidents
 * they came up in. Related incidents (sharing an indicator) are linked
 * both ways.
 */
#ifndef KZ_INDICATOR_H
#define KZ_INDICATOR_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "extract/ioc.h"
#include "model/taxonomy.h"
#include "store/store.h"

struct kz_indicator {
	int64_t id;
	enum kz_ioc_type type;
	char *value; /* canonical */
	enum kz_tlp tlp;
	int confidence; /* 0..100 */
	char *tags;     /* comma-separated, e.g. "dreambot,gozi"; "" none */
	char *source;   /* where it came from; NULL when unknown */
	int64_t first_seen;
	int64_t last_seen;
	int64_t valid_until; /* 0: no end */
	int64_t created_at;
};

void kz_indicator_init(struct kz_indicator *ioc);
void kz_indicator_release(struct kz_indicator *ioc);
void kz_indicator_list_free(struct kz_indicator *v, size_t n);

/*
 * Stores ioc, canonicalising its value first (KZ_EINVAL naming a value
 * that is not of its type). An indicator already stored is kept and its
 * first/last seen widened, its confidence raised, tags merged. *id (may be
 * NULL) receives its id. first_seen/last_seen 0 mean now.
 */
int kz_indicator_upsert(
    int64_t *id, struct kz_store *st, const struct kz_indicator *ioc);

/* Links an indicator to an incident; linking twice is not an error. */
int kz_indicator_link(
    struct kz_store *st, int64_t incident_id, int64_t indicator_id);

/* The indicators of an incident, by type then value. */
int kz_indicator_list_incident(struct kz_indicator **out, size_t *n,
    struct kz_store *st, int64_t incident_id);

/*
 * The open incidents other than except_id that share any of the given
 * indicators, newest first, at most max. Caller frees *ids with kz_free.
 */
int kz_indicator_open_incidents(int64_t **ids, size_t *n, struct kz_store *st,
    const int64_t *ioc_ids, size_t n_iocs, int64_t except_id, size_t max);

/* Records that incidents a and b are related (reason: why). Idempotent. */
int kz_incident_relate(
    struct kz_store *st, int64_t a, int64_t b, const char *reason);

/* Ticket ids of the incidents related to id. Caller frees with kz_free. */
int kz_incident_related(
    char (**tickets)[32], size_t *n, struct kz_store *st, int64_t id);

/*
 * Finds the stored indicator with this value (canonicalised first; type
 * may be KZ_IOC_NTYPES to detect it). KZ_ENOTFOUND naming the value.
 */
int kz_indicator_get(struct kz_indicator *out, struct kz_store *st,
    enum kz_ioc_type type, const char *value);

struct kz_indicator_filter {
	int type;           /* enum kz_ioc_type, or -1 for all */
	const char *tag;    /* one tag the indicator must carry */
	const char *source; /* exact source */
	const char *text;   /* substring of the value */
	int active_only;    /* valid_until unset or in the future */
	int64_t limit;      /* 0: 100 */
	int64_t offset;
};

/* Indicators matching f, newest last_seen first; *total ignores limit. */
int kz_indicator_list(struct kz_indicator **out, size_t *n, int64_t *total,
    struct kz_store *st, const struct kz_indicator_filter *f);

/*
 * Ends validity: of one indicator (id > 0), or of every one last seen
 * before `before` (id 0). *count receives how many changed.
 */
int kz_indicator_expire(
    int64_t *count, struct kz_store *st, int64_t id, int64_t before);

/* Tickets of the incidents an indicator is linked to. Free with kz_free. */
int kz_indicator_incidents(
    char (**tickets)[32], size_t *n, struct kz_store *st, int64_t indicator_id);

struct kz_ioc_table;

/*
 * Adds every indicator of the store that is still valid and has at least
 * min_confidence to table (for a sweep), with its source, tags and TLP.
 * *count (may be NULL) receives how many.
 */
int kz_indicator_load_table(struct kz_ioc_table *table, size_t *count,
    struct kz_store *st, int min_confidence);

/*
 * The confidence of an observable taken from a report: seen, not vetted.
 * Below KZ_CONFIDENCE_SWEEP, so a sweep does not look for it until a
 * handler raises it or a list imports it.
 */
#define KZ_CONFIDENCE_OBSERVED 30
#define KZ_CONFIDENCE_SWEEP    50

json_t *kz_indicator_to_json(const struct kz_indicator *ioc);

#endif
