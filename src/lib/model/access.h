/* SPDX-License-Identifier: MIT */
/*
 * Who may see and do what: THE one place where roles and TLP are checked.
 * Every path out of the system (API, web pages, exports, notifications)
 * asks here, for one incident with kz_access_incident() and for lists
 * with the SQL condition of kz_access_incident_sql(), which says the same
 * as the rules below.
 *
 * The rules
 *
 *   admin, handler   read and change everything.
 *
 *   member           (a user of a member org M) reads an incident only if
 *                    it concerns M: a row in incident_orgs links M to it
 *                    with a role, and the incident's TLP allows that role:
 *
 *                    link \ TLP   CLEAR GREEN AMBER AMBER+STRICT RED
 *                    concerned     yes   yes   yes      yes       no
 *                    client        yes   yes   yes      no        no
 *                    recipient     yes   yes   yes      yes       yes
 *                    (none)        no    no    no       no        no
 *
 *                    concerned: the incident is about M (its network,
 *                    its site); client: M is a client of the concerned
 *                    party (TLP:AMBER may be shared with clients,
 *                    AMBER+STRICT may not); recipient: a handler named M
 *                    as a recipient (the only way RED reaches a member).
 *                    Such a member reads the incident and its timeline,
 *                    never the raw reports (they name the reporter), and
 *                    changes nothing. Of the timeline it reads what the
 *                    CSIRT tells the orgs concerned: opened, status,
 *                    result and field updates (without the reporter);
 *                    not reports, notes, contacts, replies nor links,
 *                    which name the reporter, other orgs and the
 *                    handlers' working notes (kz_access_event).
 *
 *   reporter, and    a user who reported the incident through their own
 *   any other user   account (incident_users) reads the incident itself
 *                    (not the timeline nor the reports), whatever its
 *                    TLP: they told us about it.
 *
 *   everyone         a user not allowed to read an incident is told it
 *                    does not exist (KZ_ENOTFOUND), so a ticket id cannot
 *                    be probed; one who may read but not do is KZ_EPERM.
 *
 * Notifications (kz_access_notify): the team tells the party who must
 * act about an incident of any TLP up to AMBER+STRICT; a TLP:RED incident
 * goes only to an org a handler linked as its recipient, never to a bare
 * address. The result report goes back to the reporter whatever the TLP.
 *
 * Indicators (kz_access_indicators): staff read all of an incident's. A
 * member who reads the incident reads those whose own TLP its link allows
 * (the table above, applied to each indicator), without their source and
 * never e-mail addresses or subjects, which name people (the reporter,
 * victims); others read none.
 *
 * What non-staff read has the reporter field removed (kz_access_redact).
 * Orgs: staff read and change all; a member reads its own org. Users and
 * statistics: staff only (user administration: admin only, which the
 * server's route table enforces).
 */
#ifndef KZ_ACCESS_H
#define KZ_ACCESS_H

#include <stdint.h>

#include "model/event.h"
#include "model/incident.h"
#include "model/indicator.h"
#include "model/taxonomy.h"
#include "model/user.h"
#include "store/store.h"

/* Who is asking. Filled by the front end from a session or a token. */
struct kz_principal {
	int64_t user_id;
	const char *name;
	enum kz_role role;
	int64_t org_id; /* 0: none */
};

enum kz_access {
	KZ_ACCESS_READ,     /* the incident's fields */
	KZ_ACCESS_TIMELINE, /* its events */
	KZ_ACCESS_REPORTS,  /* its raw reports */
	KZ_ACCESS_WRITE,    /* any change */
};

/* How an org is linked to an incident (incident_orgs.role). */
enum kz_link {
	KZ_LINK_NONE = -1,
	KZ_LINK_CONCERNED,
	KZ_LINK_CLIENT,
	KZ_LINK_RECIPIENT,
	KZ_LINK_COUNT
};

extern const char *const kz_link_names[]; /* NULL-terminated */
int kz_link_parse(enum kz_link *out, const char *s);

/*
 * The rule itself, without the database: whether a principal of role,
 * whose org is linked to an incident of TLP tlp by link (KZ_LINK_NONE when
 * not), and who reported it through their account or not, may do what.
 * Returns 1 or 0. Exhaustively tested.
 */
int kz_access_rule(enum kz_role role, enum kz_tlp tlp, enum kz_link link,
    int reported, enum kz_access what);

/*
 * Checks who against inc in the store (its links). 0 when allowed;
 * KZ_ENOTFOUND "no incident 'T'" when who may not even read it; KZ_EPERM
 * when who may read it but not do what.
 */
int kz_access_incident(struct kz_store *st, const struct kz_principal *who,
    const struct kz_incident *inc, enum kz_access what);

/*
 * The condition on table incidents that keeps the rows who may read, for
 * kz_incident_filter.access_sql, and its integer arguments (at most 2).
 * The text is static; NULL for staff (no condition).
 */
const char *kz_access_incident_sql(
    const struct kz_principal *who, int64_t args[2], int *nargs);

/* Clears what who may not read of a readable incident (reporter). */
void kz_access_redact(const struct kz_principal *who, struct kz_incident *inc);

/*
 * Whether who may see one event of a timeline it may read; redacts the
 * event's data (the reporter field of an update) in place when needed.
 */
int kz_access_event(const struct kz_principal *who, struct kz_event *ev);

/*
 * Keeps of inc's indicators v[0..*n) those who may read (the rule above;
 * call after kz_access_incident() allowed KZ_ACCESS_READ), releasing the
 * rest and clearing what a member may not see of the kept ones. 0 or the
 * store's error.
 */
int kz_access_indicators(struct kz_store *st, const struct kz_principal *who,
    const struct kz_incident *inc, struct kz_indicator *v, size_t *n);

/* Whether who may read (write 0) or change (write 1) the org org_id. */
int kz_access_org(const struct kz_principal *who, int64_t org_id, int write);

/*
 * Links org to the incident with link (replacing an earlier link of that
 * org) and appends a "link" event by actor. KZ_ENOTFOUND for either.
 */
int kz_access_link_org(struct kz_store *st, const char *ticket, const char *org,
    enum kz_link link, const char *actor);

/*
 * Whether the team may send inc to org_id (0 for a bare address) in a
 * notification; result is 1 for the result report to the reporter. 0 or
 * KZ_EPERM naming the incident and the way out.
 */
int kz_access_notify(struct kz_store *st, const struct kz_incident *inc,
    int64_t org_id, int result);

/* Removes the org's link. KZ_ENOTFOUND when there is none. */
int kz_access_unlink_org(struct kz_store *st, const char *ticket,
    const char *org, const char *actor);

/* Records that user_id reported incident_id through their account. */
int kz_access_add_reporter(
    struct kz_store *st, int64_t incident_id, int64_t user_id);

/* The orgs linked to an incident as JSON [{"org":..., "role":...}]. */
int kz_access_links_json(
    json_t **out, struct kz_store *st, int64_t incident_id);

#endif
