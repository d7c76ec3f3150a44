/* SPDX-License-Identifier: MIT */
/*
 * Contacts: the notifications a CSIRT sends about an incident (step ④
 * to the parties, reminders, step ⑦ to the reporter), each with its
 * recipient, template, language, Message-ID, the bytes sent and its state:
 *
 *   queued → sending → sent → replied | done
 *      ↑        │        └──→ failed (bounced)
 *      └────────┴──────────→ failed (refused, or too many attempts)
 *
 * and the per-org preferences that shape them. Reading and listing only;
 * compose.h builds them, outbox.h queues and delivers them, replies.h
 * matches what comes back.
 */
#ifndef KZ_CONTACT_H
#define KZ_CONTACT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "model/incident.h"
#include "store/store.h"

enum kz_contact_kind {
	KZ_CONTACT_NOTIFY,
	KZ_CONTACT_REMINDER,
	KZ_CONTACT_RESULT,
};

enum kz_contact_state {
	KZ_CS_QUEUED,
	KZ_CS_SENDING,
	KZ_CS_SENT,
	KZ_CS_FAILED,
	KZ_CS_REPLIED,
	KZ_CS_DONE,
};

/* Which machine-readable parts a mail carries: bits. */
enum kz_machine {
	KZ_MACHINE_NONE = 0,
	KZ_MACHINE_XARF = 1 << 0,
	KZ_MACHINE_IODEF = 1 << 1,
	KZ_MACHINE_BOTH = KZ_MACHINE_XARF | KZ_MACHINE_IODEF,
};

extern const char *const kz_contact_kind_names[];  /* notify, reminder ... */
extern const char *const kz_contact_state_names[]; /* queued, sending ... */
extern const char *const kz_machine_names[];       /* none, xarf, iodef, both */

/* "xarf", "iodef", "both", "none" to bits; KZ_EINVAL naming s. */
int kz_machine_parse(unsigned *out, const char *s);
/* "ja", "en", "ja+en"; KZ_EINVAL naming s. */
int kz_contact_lang_check(const char *s);

struct kz_contact {
	int64_t id;
	int64_t incident_id;
	char ticket[KZ_TICKET_MAX];
	int64_t org_id; /* 0 when the recipient is a bare address */
	char *org_name; /* NULL then */
	char *recipient;
	enum kz_contact_kind kind;
	char *template;
	char *lang;
	char *subject;
	char *message_id;
	int64_t parent_id;
	enum kz_contact_state state;
	int attempts;
	int64_t next_attempt_at;
	char *last_error; /* NULL when none */
	int64_t created_at;
	int64_t sent_at;
	int64_t replied_at;
	int64_t remind_at;
	int64_t reminded_at;
};

void kz_contact_release(struct kz_contact *c);
void kz_contact_list_free(struct kz_contact *v, size_t n);

struct kz_contact_filter {
	int64_t incident_id; /* 0: every incident */
	int state;           /* enum kz_contact_state, or -1 for any */
	int64_t limit;       /* 0: 1000 */
};

/* Contacts matching f, oldest first. Caller frees with _list_free. */
int kz_contact_list(struct kz_contact **out, size_t *n, struct kz_store *st,
    const struct kz_contact_filter *f);

/* One contact by id. KZ_ENOTFOUND. Caller releases *out. */
int kz_contact_get(struct kz_contact *out, struct kz_store *st, int64_t id);

/* The bytes sent (or to send). Caller frees *raw with kz_free. */
int kz_contact_raw(
    char **raw, size_t *len, struct kz_store *st, int64_t contact_id);

/*
 * Notices sent at or before `before` that got no reply and no reminder
 * since `before` (kind notify or reminder, state sent). Oldest first.
 */
int kz_contact_due(
    struct kz_contact **out, size_t *n, struct kz_store *st, int64_t before);

json_t *kz_contact_to_json(const struct kz_contact *c);

/* An org's notification preferences (defaults: aggregate, both). */
struct kz_contact_prefs {
	int aggregate; /* one mail listing everything, not one per incident */
	unsigned machine; /* enum kz_machine bits */
};
int kz_contact_prefs_get(
    struct kz_contact_prefs *out, struct kz_store *st, int64_t org_id);
int kz_contact_prefs_set(
    struct kz_store *st, int64_t org_id, const struct kz_contact_prefs *p);

#endif
