/* SPDX-License-Identifier: MIT */
/*
 * Incidents: the case a CSIRT works from first report to result. Each has
 * a public ticket id (PREFIX-YYYY-NNNNNN, unique, never reused), the
 * fields handlers triage with, and an append-only timeline (event.h).
 * Every function that writes runs in one transaction and appends the
 * timeline event that records it.
 */
#ifndef KZ_INCIDENT_H
#define KZ_INCIDENT_H

#include <jansson.h>
#include <stdint.h>

#include "model/taxonomy.h"
#include "store/store.h"

#define KZ_TICKET_MAX       32
#define KZ_TITLE_MAX        500
#define KZ_TEXT_MAX         (1 << 20)
#define KZ_PRIORITY_MIN     1 /* most urgent */
#define KZ_PRIORITY_MAX     5
#define KZ_PRIORITY_DEFAULT 3

struct kz_incident {
	int64_t id;
	char ticket[KZ_TICKET_MAX];
	char *title;
	char *description;
	enum kz_category category;
	enum kz_status status;
	int priority;
	enum kz_tlp tlp;
	enum kz_stage stage;
	char *assignee;  /* NULL when nobody */
	char *reporter;  /* who reported it, free text; NULL when unknown */
	int coordinated; /* another party had to be contacted */
	int64_t created_at;
	int64_t updated_at;
	int64_t closed_at; /* 0 while not closed */
};

/* Fills the defaults: category other, status new, priority 3, TLP amber. */
void kz_incident_init(struct kz_incident *inc);

/* Frees the strings inside inc (not inc itself). */
void kz_incident_release(struct kz_incident *inc);
void kz_incident_free(struct kz_incident *inc);

/*
 * Validates the fields a caller may set: title non-empty, at most
 * KZ_TITLE_MAX bytes, valid UTF-8; priority in range; text within
 * KZ_TEXT_MAX. KZ_EINVAL naming the field.
 */
int kz_incident_validate(const struct kz_incident *inc);

/*
 * Creates inc in the store: assigns id, ticket (the year of created_at, or
 * of now when created_at is 0) and times; the status is always new. Appends
 * an "opened" event by actor. The ticket prefix is "KZ" unless
 * kz_incident_set_prefix() changed it for this process.
 */
int kz_incident_create(
    struct kz_store *st, struct kz_incident *inc, const char *actor);

/*
 * Creates inc as it stands in another system's records: keeps its status,
 * created_at, updated_at, closed_at and coordinated (the state machine is
 * not applied: these are history). Appends an "imported" event dated
 * created_at. For bulk loads inside one caller's transaction.
 */
int kz_incident_import(
    struct kz_store *st, struct kz_incident *inc, const char *actor);

/* Sets the ticket prefix: 1 to 8 upper-case letters or digits. */
int kz_incident_set_prefix(const char *prefix);
const char *kz_incident_prefix(void);

/*
 * Loads the incident with ticket (case does not matter). Caller owns *out
 * (kz_incident_free). KZ_ENOTFOUND naming the ticket.
 */
int kz_incident_get(
    struct kz_incident **out, struct kz_store *st, const char *ticket);
int kz_incident_get_id(
    struct kz_incident **out, struct kz_store *st, int64_t id);

/* Which fields a change sets. */
enum kz_incident_field {
	KZ_F_TITLE = 1 << 0,
	KZ_F_DESCRIPTION = 1 << 1,
	KZ_F_CATEGORY = 1 << 2,
	KZ_F_PRIORITY = 1 << 3,
	KZ_F_TLP = 1 << 4,
	KZ_F_STAGE = 1 << 5,
	KZ_F_ASSIGNEE = 1 << 6,
	KZ_F_REPORTER = 1 << 7,
};

/*
 * Applies the fields of chg named in mask to the incident, and appends one
 * "update" event (or "assign" when only the assignee changes) that lists
 * each field's old and new value. Fields equal to the stored ones are not
 * recorded; a change that changes nothing is KZ_OK without an event.
 */
int kz_incident_update(struct kz_store *st, const char *ticket,
    const struct kz_incident *chg, unsigned mask, const char *actor);

/*
 * Moves the incident to status to, checked against the state machine
 * (KZ_ECONFLICT naming the allowed ones). closed sets closed_at; leaving
 * closed clears it; coordinating marks the incident as coordinated. The
 * "status" event carries note as its text.
 */
int kz_incident_set_status(struct kz_store *st, const char *ticket,
    enum kz_status to, const char *actor, const char *note);

/* Appends a note to the timeline. */
int kz_incident_note(struct kz_store *st, const char *ticket, const char *actor,
    const char *text);

/* A filter for kz_incident_list(); zero means "any" for every field. */
struct kz_incident_filter {
	unsigned statuses;    /* bit set of 1 << enum kz_status */
	unsigned categories;  /* bit set of 1 << enum kz_category */
	unsigned tlps;        /* bit set of 1 << enum kz_tlp */
	const char *assignee; /* "-" for unassigned */
	int priority_min;
	int priority_max;
	int64_t from;     /* created_at >= from */
	int64_t to;       /* created_at < to */
	const char *text; /* words in title or description, all of them */
	int64_t limit;    /* 0: 50 */
	int64_t offset;
	int oldest_first;
	/* Rows the reader may see: a condition on table incidents with ?
	 * for each of access_args, from kz_access_incident_sql(); NULL for
	 * all rows. */
	const char *access_sql;
	int64_t access_args[2];
	int naccess_args;
};

struct kz_incident_list {
	struct kz_incident *items;
	size_t n;
	int64_t total; /* rows matching the filter, ignoring limit/offset */
};

int kz_incident_list(struct kz_incident_list *out, struct kz_store *st,
    const struct kz_incident_filter *f);
void kz_incident_list_release(struct kz_incident_list *l);

/*
 * The stable JSON shape of an incident (docs/json.md). New reference.
 */
json_t *kz_incident_to_json(const struct kz_incident *inc);

/* Internal to the model: bumps updated_at (used by events). */
int kz_incident_touch(struct kz_store *st, int64_t id, int64_t at);

/* Whether s looks like a ticket id (PREFIX-YYYY-N...). */
int kz_ticket_valid(const char *s);

#endif
