/* SPDX-License-Identifier: MIT */
/*
 * What comes back from a contact, seen by intake: a reply marks the
 * contact replied, a delivery status notification (bounce) marks it
 * failed, and either appends a timeline event ("reply", "bounce").
 */
#ifndef KZ_REPLIES_H
#define KZ_REPLIES_H

#include <stdint.h>

#include "format/mail.h"
#include "store/store.h"

/*
 * Matches mail m against the contacts: a bounce by the Message-ID of the
 * mail that bounced (or of the returned message), else by a failed
 * recipient together with the ticket in the returned subject; a reply by
 * In-Reply-To or References naming one of our Message-IDs, else by the
 * ticket in its subject together with a From address that was contacted
 * about that incident. incident_id is the incident intake already chose
 * (0: none), which narrows the ticket match. *matched receives the
 * incident of the matched contact, or 0. Runs inside the caller's
 * transaction; errors are the store's.
 */
int kz_contact_match_mail(int64_t *matched, struct kz_store *st,
    const struct kz_mail *m, int64_t incident_id);

#endif
