/* SPDX-License-Identifier: MIT */
/*
 * Composing a contact: the incident(s), their indicators and first report
 * read from the store, the template of the kind, category and language
 * rendered ("ja+en": Japanese first, then English, in one body), the
 * machine-readable parts the recipient wants attached, and the whole MIME
 * message built with a fresh Message-ID <TICKET.RANDOM@TEAM-DOMAIN>.
 * Nothing is written: outbox.h queues what this returns.
 */
#ifndef KZ_COMPOSE_H
#define KZ_COMPOSE_H

#include <stddef.h>
#include <stdint.h>

#include "model/incident.h"
#include "notify/contact.h"
#include "notify/template.h"
#include "store/store.h"

/* The team's side of every mail; from the CLI's or server's config. */
struct kz_notify_config {
	const char *team;        /* display name, e.g. "Example CSIRT" */
	const char *team_email;  /* From address */
	const char *team_domain; /* NULL: the domain of team_email */
	const struct kz_templates *templates;
	int remind_days; /* a notice without reply is due after; 0: 7 */
};

struct kz_compose_opts {
	enum kz_contact_kind kind;
	const char *recipient; /* address */
	int64_t org_id;        /* 0: a bare address */
	const char *org_name;
	const char *lang;            /* ja, en, ja+en */
	const char *template;        /* NULL: by kind and category */
	unsigned machine;            /* enum kz_machine bits */
	const int64_t *incident_ids; /* the first is the primary one */
	size_t n_incidents;
	const int64_t *indicator_ids; /* only these (bulk); NULL: all */
	size_t n_indicator_ids;
	const char *result; /* kind result: what was done */
	int64_t parent_id;  /* kind reminder: the contact followed up */
};

struct kz_composed {
	char ticket[KZ_TICKET_MAX];
	int64_t incident_id;
	char *template; /* "notify-phishing" */
	char *subject;
	char *message_id;
	char *in_reply_to;
	char *body;
	char *raw;
	size_t raw_len;
	size_t n_indicators;
};

struct kz_org;

/*
 * Whom a notice goes to: to is an org's name (the notice goes to its first
 * contact address, in its language, with its formats) or a bare address.
 * Fills o's recipient, org_id, org_name, lang (lang, else the org's, else
 * "en") and machine (format: xarf, iodef, both or none; else the org's,
 * else both). *org (NULL for an address; free with kz_org_free) holds the
 * strings o points into. KZ_ENOTFOUND for an unknown org, KZ_EINVAL for
 * an org without an address or a bad format.
 */
int kz_notify_target(struct kz_compose_opts *o, struct kz_org **org,
    struct kz_store *st, const char *to, const char *lang, const char *format);

/*
 * Composes. KZ_EINVAL naming a bad recipient or language, KZ_ENOTFOUND
 * for a missing incident, parent or template. Caller releases *out with
 * kz_composed_release() (also after an error).
 */
int kz_compose(struct kz_composed *out, struct kz_store *st,
    const struct kz_notify_config *cfg, const struct kz_compose_opts *o);
void kz_composed_release(struct kz_composed *c);

/* The domain of the team: cfg->team_domain or after '@' in team_email. */
const char *kz_notify_domain(const struct kz_notify_config *cfg);

#endif
