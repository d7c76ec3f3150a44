/* SPDX-License-Identifier: MIT */
/* Replies and bounces to contacts (replies.h). */
#include "replies.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/error.h"
#include "core/timeutil.h"
#include "model/event.h"
#include "model/incident.h"

/* The contact whose Message-ID is mid: *id and *incident, or 0. */
static int
by_message_id(
    int64_t *id, int64_t *incident, struct kz_store *st, const char *mid)
{
	struct kz_stmt *s;
	int rc;

	*id = 0;
	if (!mid || !*mid)
		return 0;
	if ((rc = kz_store_prepare(&s, st,
		 "SELECT id, incident_id FROM contacts WHERE message_id = ?")))
		return rc;
	kz_stmt_bind_text(s, 1, mid);
	if ((rc = kz_stmt_step(s)) == KZ_ROW) {
		*id = kz_stmt_int(s, 0);
		*incident = kz_stmt_int(s, 1);
		kz_stmt_step(s);
		return 0;
	}
	return rc < 0 ? rc : 0;
}

/* The latest contact to address about the incident with ticket. */
static int
by_ticket(int64_t *id, int64_t *incident, struct kz_store *st,
    const char *ticket, const char *address, int64_t only_incident)
{
	struct kz_stmt *s;
	int rc;

	*id = 0;
	if (!ticket || !*ticket || !address || !*address)
		return 0;
	if ((rc = kz_store_prepare(&s, st,
		 "SELECT c.id, ci.incident_id FROM contacts c JOIN "
		 "contact_incidents ci ON ci.contact_id = c.id JOIN incidents i "
		 "ON i.id = ci.incident_id WHERE upper(i.ticket) = upper(?) AND "
		 "lower(c.recipient) = lower(?) AND (? = 0 OR i.id = ?) "
		 "ORDER BY c.id DESC LIMIT 1")))
		return rc;
	kz_stmt_bind_text(s, 1, ticket);
	kz_stmt_bind_text(s, 2, address);
	kz_stmt_bind_int(s, 3, only_incident);
	kz_stmt_bind_int(s, 4, only_incident);
	if ((rc = kz_stmt_step(s)) == KZ_ROW) {
		*id = kz_stmt_int(s, 0);
		*incident = kz_stmt_int(s, 1);
		kz_stmt_step(s);
		return 0;
	}
	return rc < 0 ? rc : 0;
}

static int
mark(struct kz_store *st, int64_t id, int64_t incident, int bounce,
    const struct kz_mail *m, const char *why)
{
	struct kz_stmt *s;
	char text[700];
	json_t *data;
	int rc;

	if (bounce) {
		rc = kz_store_prepare(&s, st,
		    "UPDATE contacts SET state = 'failed', last_error = ? "
		    "WHERE id = ?");
		if (rc)
			return rc;
		snprintf(text, sizeof(text), "bounced: %s%s%s",
		    m->bounce_status ? m->bounce_status : "(no status)",
		    m->bounce_diagnostic ? " " : "",
		    m->bounce_diagnostic ? m->bounce_diagnostic : "");
		kz_stmt_bind_text(s, 1, text);
		kz_stmt_bind_int(s, 2, id);
	} else {
		rc = kz_store_prepare(&s, st,
		    "UPDATE contacts SET state = 'replied', replied_at = ? "
		    "WHERE id = ? AND state <> 'done'");
		if (rc)
			return rc;
		kz_stmt_bind_int(s, 1, kz_time_now());
		kz_stmt_bind_int(s, 2, id);
		snprintf(text, sizeof(text), "reply from %s: %s",
		    m->from && m->from->addr ? m->from->addr : "(unknown)",
		    m->subject);
	}
	if ((rc = kz_stmt_exec(s)))
		return rc;
	data = json_pack("{s:I, s:s, s:s?, s:s?, s:s?}", "contact",
	    (json_int_t)id, "matched_by", why, "from",
	    m->from ? m->from->addr : NULL, "message_id", m->message_id,
	    "status", bounce ? m->bounce_status : NULL);
	rc = kz_event_add(
	    st, incident, bounce ? "bounce" : "reply", NULL, text, data);
	json_decref(data);
	return rc;
}

static int
match_bounce(int64_t *matched, struct kz_store *st, const struct kz_mail *m,
    int64_t incident_id)
{
	int64_t id = 0, inc = 0;
	char ticket[32];
	int rc;

	if ((rc = by_message_id(&id, &inc, st, m->bounce_message_id)))
		return rc;
	for (size_t i = 0; !id && i < m->n_messages; i++)
		if ((rc = by_message_id(
			 &id, &inc, st, m->messages[i]->message_id)))
			return rc;
	if (!id) {
		const char *subj =
		    m->n_messages ? m->messages[0]->subject : m->subject;

		if (kz_mail_ticket_ref(ticket, subj, kz_incident_prefix()) ||
		    !*ticket) {
			if (kz_mail_ticket_ref(
				ticket, m->subject, kz_incident_prefix()))
				ticket[0] = '\0';
		}
		kz_error_clear();
		for (size_t i = 0; !id && *ticket && i < m->n_bounce_recipients;
		     i++)
			if ((rc = by_ticket(&id, &inc, st, ticket,
				 m->bounce_recipients[i], incident_id)))
				return rc;
	}
	if (!id)
		return 0;
	*matched = inc;
	return mark(st, id, inc, 1, m, "bounce");
}

int
kz_contact_match_mail(int64_t *matched, struct kz_store *st,
    const struct kz_mail *m, int64_t incident_id)
{
	int64_t id = 0, inc = 0;
	char ticket[32];
	const char *why = "in-reply-to";
	int rc;

	*matched = 0;
	if (m->is_bounce)
		return match_bounce(matched, st, m, incident_id);
	if ((rc = by_message_id(&id, &inc, st, m->in_reply_to)))
		return rc;
	for (size_t i = m->n_references; !id && i > 0; i--)
		if ((rc = by_message_id(&id, &inc, st, m->references[i - 1])))
			return rc;
	if (!id && m->from && m->from->addr &&
	    kz_mail_ticket_ref(ticket, m->subject, kz_incident_prefix()) == 0) {
		why = "ticket";
		if ((rc = by_ticket(
			 &id, &inc, st, ticket, m->from->addr, incident_id)))
			return rc;
	}
	kz_error_clear();
	if (!id)
		return 0;
	*matched = inc;
	return mark(st, id, inc, 0, m, why);
}
