/* SPDX-License-Identifier: MIT */
/*
 * The timeline of an incident: append-only events (report, note, status
 * change, contact sent, reply received, result sent, link ...). The store
 * refuses to change or delete them.
 */
#ifndef KZ_EVENT_H
#define KZ_EVENT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

struct kz_event {
	int64_t id;
	int64_t incident_id;
	int64_t at;
	char *kind;  /* opened, report, note, status, update, assign, ... */
	char *actor; /* NULL when the system did it */
	char *text;
	json_t *data; /* kind-specific details; NULL when none */
};

/*
 * Appends one event at the current time. data may be NULL; it is not
 * stolen. Also bumps the incident's updated_at.
 */
int kz_event_add(struct kz_store *st, int64_t incident_id, const char *kind,
    const char *actor, const char *text, const json_t *data);

/* The same at a given time (for imports); at 0 means now. */
int kz_event_add_at(struct kz_store *st, int64_t incident_id, int64_t at,
    const char *kind, const char *actor, const char *text, const json_t *data);

/* Every event of the incident, oldest first. Caller frees with _free. */
int kz_event_list(
    struct kz_event **out, size_t *n, struct kz_store *st, int64_t incident_id);
void kz_event_list_free(struct kz_event *ev, size_t n);

json_t *kz_event_to_json(const struct kz_event *ev);

#endif
