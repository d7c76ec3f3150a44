/* SPDX-License-Identifier: MIT */
/*
 * The outbox: contacts are queued in the database in the same transaction
 * as their timeline event, and delivered by kz_outbox_run(), so that
 * nothing is lost while the SMTP server is down. Each delivery attempt
 * first marks the contact "sending" (its own committed transaction), then
 * talks SMTP, then records the verdict: sent; queued again with backoff
 * (1, 2, 4 ... minutes, at most 6 hours) after a temporary failure; or
 * failed, with the server's message, after a refusal or too many attempts.
 *
 * At-least-once window: if the process dies after the server accepted a
 * message but before "sent" was committed, the contact stays "sending";
 * a later run takes such a contact back after the sending timeout and
 * delivers it again. That window (one SMTP DATA reply and one commit) is
 * the only way a mail goes out twice; two runs at once never take the
 * same contact, since taking it is a conditional update.
 */
#ifndef KZ_OUTBOX_H
#define KZ_OUTBOX_H

#include <stddef.h>
#include <stdint.h>

#include "notify/compose.h"
#include "notify/smtp.h"
#include "store/store.h"

#define KZ_OUTBOX_MAX_ATTEMPTS 10
#define KZ_OUTBOX_BACKOFF_CAP  (6 * 3600)
#define KZ_OUTBOX_SENDING_TTL  600 /* seconds before "sending" is retaken */

/*
 * Queues c (from kz_compose() with o): the contact row, its incidents, a
 * "contact" event on each incident, and the incident moved to
 * coordinating (a notice) or closed (a result; through resolved), all in
 * one transaction. *id (may be NULL) receives the contact id.
 */
int kz_outbox_enqueue(int64_t *id, struct kz_store *st,
    const struct kz_composed *c, const struct kz_compose_opts *o,
    const char *actor);

struct kz_outbox_opts {
	const struct kz_smtp_config *smtp;
	const char *from;    /* envelope sender */
	int max_attempts;    /* 0: KZ_OUTBOX_MAX_ATTEMPTS */
	int64_t sending_ttl; /* 0: KZ_OUTBOX_SENDING_TTL */
	int remind_days;     /* sets remind_at; 0: 7 */
	int64_t only_id;     /* deliver this contact only (0: every due one) */
	size_t limit;        /* contacts per run; 0: 1000 */
};

struct kz_outbox_stats {
	size_t sent, retry, failed, reclaimed;
};

/* Delivers the due contacts. Errors are the store's; SMTP verdicts are
 * recorded per contact, not returned. */
int kz_outbox_run(struct kz_outbox_stats *out, struct kz_store *st,
    const struct kz_outbox_opts *o);

/* Seconds to wait after the attempts-th failed attempt (1-based). */
int64_t kz_outbox_backoff(int attempts);

#endif
