/* SPDX-License-Identifier: MIT */
/*
 * Reports: the inbound messages (mail, web form, API, CLI, feed) that an
 * incident is made of. The raw bytes are kept verbatim as evidence with
 * their SHA-256; the store refuses to change them.
 */
#ifndef KZ_REPORT_H
#define KZ_REPORT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

#define KZ_REPORT_MAX (64u << 20) /* bytes of one raw report */

struct kz_report {
	int64_t id;
	int64_t incident_id;
	int64_t received_at;
	char *source;     /* email, web, api, cli, feed */
	char *format;     /* eml, text, json */
	char *reporter;   /* address or name; NULL when unknown */
	char *subject;    /* NULL when none */
	char *message_id; /* NULL when none */
	char sha256[65];
	size_t size;
	unsigned char *raw; /* NULL unless loaded with the raw bytes */
};

/*
 * Stores rep (incident_id, source, format and raw/size set by the caller;
 * received_at 0 means now) and appends a "report" event to the incident.
 * Fills id, received_at and sha256.
 */
int kz_report_add(
    struct kz_store *st, struct kz_report *rep, const char *actor);

/* The reports of an incident without their raw bytes, oldest first. */
int kz_report_list(struct kz_report **out, size_t *n, struct kz_store *st,
    int64_t incident_id);

/* One report with its raw bytes. Caller frees with kz_report_free(). */
int kz_report_get(struct kz_report **out, struct kz_store *st, int64_t id);

void kz_report_release(struct kz_report *rep);
void kz_report_free(struct kz_report *rep);
void kz_report_list_free(struct kz_report *r, size_t n);

/* Counts reports received in [from, to). */
int kz_report_count(
    int64_t *out, struct kz_store *st, int64_t from, int64_t to);

json_t *kz_report_to_json(const struct kz_report *rep);

#endif
