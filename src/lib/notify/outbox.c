/* SPDX-License-Identifier: MIT */
/* Queueing contacts and delivering them with retries (see outbox.h). */
#include "outbox.h"

#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/timeutil.h"
#include "model/event.h"
#include "model/incident.h"

int64_t
kz_outbox_backoff(int attempts)
{
	int64_t s = 60;

	for (int i = 1; i < attempts && s < KZ_OUTBOX_BACKOFF_CAP; i++)
		s *= 2;
	return s < KZ_OUTBOX_BACKOFF_CAP ? s : KZ_OUTBOX_BACKOFF_CAP;
}

/*
 * Moves the incident to `to` where the state machine allows it; closed is
 * reached through resolved when it must be (a result closes the case).
 */
static int
advance(struct kz_store *st, int64_t incident_id, enum kz_status to,
    const char *actor, const char *note)
{
	struct kz_incident *inc;
	int rc = 0;

	if ((rc = kz_incident_get_id(&inc, st, incident_id)))
		return rc;
	if (inc->status == to) {
		kz_incident_free(inc);
		return 0;
	}
	if (to == KZ_ST_CLOSED) {
		if (!kz_status_can_move(inc->status, KZ_ST_CLOSED) &&
		    kz_status_can_move(inc->status, KZ_ST_RESOLVED))
			rc = kz_incident_set_status(
			    st, inc->ticket, KZ_ST_RESOLVED, actor, note);
		if (!rc)
			rc = kz_incident_set_status(
			    st, inc->ticket, KZ_ST_CLOSED, actor, note);
	} else if (kz_status_can_move(inc->status, to)) {
		rc = kz_incident_set_status(st, inc->ticket, to, actor, note);
	}
	kz_incident_free(inc);
	return rc;
}

int
kz_outbox_enqueue(int64_t *id, struct kz_store *st, const struct kz_composed *c,
    const struct kz_compose_opts *o, const char *actor)
{
	struct kz_stmt *s;
	int64_t now = kz_time_now(), cid = 0;
	char text[600];
	int rc;

	if ((rc = kz_store_begin(st)))
		return rc;
	if ((rc = kz_store_prepare(&s, st,
		 "INSERT INTO contacts (incident_id, org_id, recipient, kind, "
		 "template, lang, subject, message_id, parent_id, state, "
		 "attempts, next_attempt_at, created_at, raw) VALUES (?, ?, ?, "
		 "?, ?, ?, ?, ?, ?, 'queued', 0, ?, ?, ?) RETURNING id")))
		goto fail;
	kz_stmt_bind_int(s, 1, c->incident_id);
	if (o->org_id)
		kz_stmt_bind_int(s, 2, o->org_id);
	else
		kz_stmt_bind_null(s, 2);
	kz_stmt_bind_text(s, 3, o->recipient);
	kz_stmt_bind_text(s, 4, kz_contact_kind_names[o->kind]);
	kz_stmt_bind_text(s, 5, c->template);
	kz_stmt_bind_text(s, 6, o->lang);
	kz_stmt_bind_text(s, 7, c->subject);
	kz_stmt_bind_text(s, 8, c->message_id);
	if (o->parent_id)
		kz_stmt_bind_int(s, 9, o->parent_id);
	else
		kz_stmt_bind_null(s, 9);
	kz_stmt_bind_int(s, 10, now);
	kz_stmt_bind_int(s, 11, now);
	kz_stmt_bind_blob(s, 12, c->raw, c->raw_len);
	if ((rc = kz_stmt_step(s)) != KZ_ROW) {
		if (rc == KZ_DONE)
			rc = kz_error_set(KZ_EIO, "the contact was not stored");
		goto fail;
	}
	cid = kz_stmt_int(s, 0);
	kz_stmt_step(s);
	snprintf(text, sizeof(text), "%s to %s queued",
	    kz_contact_kind_names[o->kind], o->recipient);
	for (size_t i = 0; i < o->n_incidents; i++) {
		json_t *data;

		if ((rc = kz_store_prepare(&s, st,
			 "INSERT INTO contact_incidents (contact_id, "
			 "incident_id) VALUES (?, ?) ON CONFLICT DO NOTHING")))
			goto fail;
		kz_stmt_bind_int(s, 1, cid);
		kz_stmt_bind_int(s, 2, o->incident_ids[i]);
		if ((rc = kz_stmt_exec(s)))
			goto fail;
		data = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s?}", "contact",
		    (json_int_t)cid, "recipient", o->recipient, "kind",
		    kz_contact_kind_names[o->kind], "subject", c->subject,
		    "message_id", c->message_id, "org", o->org_name);
		rc = kz_event_add(
		    st, o->incident_ids[i], "contact", actor, text, data);
		json_decref(data);
		if (rc)
			goto fail;
		if (o->kind == KZ_CONTACT_NOTIFY &&
		    (rc = advance(st, o->incident_ids[i], KZ_ST_COORDINATING,
			 actor, text)))
			goto fail;
		if (o->kind == KZ_CONTACT_RESULT &&
		    (rc = advance(st, o->incident_ids[i], KZ_ST_CLOSED, actor,
			 "result sent to the reporter")))
			goto fail;
	}
	if (o->kind == KZ_CONTACT_REMINDER && o->parent_id) {
		if ((rc = kz_store_prepare(&s, st,
			 "UPDATE contacts SET reminded_at = ? WHERE id = ?")))
			goto fail;
		kz_stmt_bind_int(s, 1, now);
		kz_stmt_bind_int(s, 2, o->parent_id);
		if ((rc = kz_stmt_exec(s)))
			goto fail;
	}
	if ((rc = kz_store_commit(st)))
		return rc;
	if (id)
		*id = cid;
	return 0;
fail:
	kz_store_rollback(st);
	return rc;
}

static int
reclaim(size_t *n, struct kz_store *st, int64_t now, int64_t ttl)
{
	struct kz_stmt *s;
	int rc;

	if ((rc = kz_store_begin(st)))
		return rc;
	if ((rc = kz_store_prepare(&s, st,
		 "UPDATE contacts SET state = 'queued', next_attempt_at = ?, "
		 "last_error = 'delivery interrupted; sending again' WHERE "
		 "state = 'sending' AND sending_at <= ?")))
		goto fail;
	kz_stmt_bind_int(s, 1, now);
	kz_stmt_bind_int(s, 2, now - ttl);
	if ((rc = kz_stmt_exec(s)))
		goto fail;
	*n = (size_t)kz_store_changes(st);
	return kz_store_commit(st);
fail:
	kz_store_rollback(st);
	return rc;
}

static int
due_ids(int64_t **ids, size_t *n, struct kz_store *st, int64_t now,
    const struct kz_outbox_opts *o)
{
	struct kz_stmt *s;
	size_t alloc = 0, cnt = 0, limit = o->limit ? o->limit : 1000;
	int64_t *v = NULL;
	int rc;

	*ids = NULL;
	*n = 0;
	if ((rc = kz_store_prepare(&s, st,
		 "SELECT id FROM contacts WHERE state = 'queued' AND "
		 "next_attempt_at <= ? AND (? = 0 OR id = ?) ORDER BY "
		 "next_attempt_at, id LIMIT ?")))
		return rc;
	kz_stmt_bind_int(s, 1, now);
	kz_stmt_bind_int(s, 2, o->only_id);
	kz_stmt_bind_int(s, 3, o->only_id);
	kz_stmt_bind_int(s, 4, (int64_t)limit);
	while ((rc = kz_stmt_step(s)) == KZ_ROW) {
		if (cnt == alloc) {
			size_t na = alloc ? alloc * 2 : 32;
			int64_t *p = kz_realloc(v, na * sizeof(*p));

			if (!p) {
				kz_free(v);
				while (kz_stmt_step(s) == KZ_ROW)
					;
				return kz_error_set(KZ_ENOMEM, "out of memory");
			}
			v = p;
			alloc = na;
		}
		v[cnt++] = kz_stmt_int(s, 0);
	}
	if (rc < 0) {
		kz_free(v);
		return rc;
	}
	*ids = v;
	*n = cnt;
	return 0;
}

/* Takes the contact for this run: 1 taken, 0 someone else has it. */
static int
take(struct kz_store *st, int64_t id, int64_t now)
{
	struct kz_stmt *s;
	int rc;

	if ((rc = kz_store_begin(st)))
		return rc;
	if ((rc = kz_store_prepare(&s, st,
		 "UPDATE contacts SET state = 'sending', sending_at = ?, "
		 "attempts = attempts + 1 WHERE id = ? AND state = 'queued'")) ||
	    (rc = kz_stmt_bind_int(s, 1, now)) ||
	    (rc = kz_stmt_bind_int(s, 2, id)) || (rc = kz_stmt_exec(s))) {
		kz_store_rollback(st);
		return rc;
	}
	rc = kz_store_changes(st) == 1;
	if (kz_store_commit(st))
		return KZ_EIO;
	return rc;
}

static int
record(struct kz_store *st, const struct kz_contact *c,
    const struct kz_smtp_result *r, const struct kz_outbox_opts *o, int64_t now,
    struct kz_outbox_stats *stats)
{
	struct kz_stmt *s;
	int max =
	    o->max_attempts > 0 ? o->max_attempts : KZ_OUTBOX_MAX_ATTEMPTS;
	int remind = o->remind_days > 0 ? o->remind_days : 7;
	const char *kind = NULL;
	char text[700];
	int rc;

	if ((rc = kz_store_begin(st)))
		return rc;
	if (r->status == KZ_SMTP_SENT) {
		rc = kz_store_prepare(&s, st,
		    "UPDATE contacts SET state = 'sent', sent_at = ?, "
		    "remind_at = ?, last_error = NULL WHERE id = ?");
		if (!rc) {
			kz_stmt_bind_int(s, 1, now);
			kz_stmt_bind_int(s, 2,
			    c->kind == KZ_CONTACT_RESULT ?
				0 :
				now + (int64_t)remind * 86400);
			kz_stmt_bind_int(s, 3, c->id);
		}
		kind = "contact_sent";
		snprintf(text, sizeof(text), "%s to %s sent",
		    kz_contact_kind_names[c->kind], c->recipient);
		stats->sent++;
	} else if (r->status == KZ_SMTP_PERMFAIL || c->attempts + 1 >= max) {
		rc = kz_store_prepare(&s, st,
		    "UPDATE contacts SET state = 'failed', last_error = ? "
		    "WHERE id = ?");
		if (!rc) {
			kz_stmt_bind_text(s, 1, r->message);
			kz_stmt_bind_int(s, 2, c->id);
		}
		kind = "contact_failed";
		snprintf(text, sizeof(text), "%s to %s failed: %s",
		    kz_contact_kind_names[c->kind], c->recipient, r->message);
		stats->failed++;
	} else {
		rc = kz_store_prepare(&s, st,
		    "UPDATE contacts SET state = 'queued', last_error = ?, "
		    "next_attempt_at = ? WHERE id = ?");
		if (!rc) {
			kz_stmt_bind_text(s, 1, r->message);
			kz_stmt_bind_int(
			    s, 2, now + kz_outbox_backoff(c->attempts + 1));
			kz_stmt_bind_int(s, 3, c->id);
		}
		stats->retry++;
	}
	if (!rc)
		rc = kz_stmt_exec(s);
	if (!rc && kind) {
		json_t *data =
		    json_pack("{s:I, s:s, s:s}", "contact", (json_int_t)c->id,
			"recipient", c->recipient, "server", r->message);

		rc = kz_event_add(st, c->incident_id, kind, NULL, text, data);
		json_decref(data);
	}
	if (rc) {
		kz_store_rollback(st);
		return rc;
	}
	return kz_store_commit(st);
}

int
kz_outbox_run(struct kz_outbox_stats *out, struct kz_store *st,
    const struct kz_outbox_opts *o)
{
	int64_t now = kz_time_now(), *ids = NULL;
	size_t n = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = reclaim(&out->reclaimed, st, now,
		 o->sending_ttl > 0 ? o->sending_ttl : KZ_OUTBOX_SENDING_TTL)))
		return rc;
	if ((rc = due_ids(&ids, &n, st, now, o)))
		return rc;
	for (size_t i = 0; i < n; i++) {
		struct kz_contact c;
		struct kz_smtp_result r;
		char *raw = NULL;
		size_t len = 0;

		if ((rc = take(st, ids[i], now)) < 0)
			break;
		if (rc == 0)
			continue;
		if ((rc = kz_contact_get(&c, st, ids[i])))
			break;
		/* attempts was counted by take(); record() wants it before */
		c.attempts--;
		if ((rc = kz_contact_raw(&raw, &len, st, ids[i]))) {
			kz_contact_release(&c);
			break;
		}
		rc = kz_smtp_send(&r, o->smtp, o->from, c.recipient, raw, len);
		kz_free(raw);
		if (rc) {
			/* a bad configuration: put it back, report it */
			struct kz_smtp_result back = { KZ_SMTP_TEMPFAIL, 0,
				"" };
			int keep = rc;

			snprintf(back.message, sizeof(back.message), "%s",
			    kz_error_message());
			record(st, &c, &back, o, now, out);
			kz_contact_release(&c);
			rc = keep;
			break;
		}
		rc = record(st, &c, &r, o, kz_time_now(), out);
		kz_contact_release(&c);
		if (rc)
			break;
	}
	kz_free(ids);
	return rc;
}
