/* SPDX-License-Identifier: MIT */
/*
 * The access rules of access.h, as one function on plain values and as
 * the SQL condition that lists use; and the links (incident_orgs,
 * incident_users) the rules read.
 */
#include "access.h"

#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/json.h"
#include "core/strutil.h"
#include "core/timeutil.h"
#include "model/event.h"

const char *const kz_link_names[] = { "concerned", "client", "recipient",
	NULL };

int
kz_link_parse(enum kz_link *out, const char *s)
{
	char list[96];
	int i = s ? kz_name_index(kz_link_names, s) : -1;

	if (i < 0)
		return kz_error_set(KZ_EINVAL,
		    "unknown org link '%s' (one of: %s)", s ? s : "",
		    kz_name_list(list, sizeof(list), kz_link_names));
	*out = (enum kz_link)i;
	return 0;
}

/* The member table of access.h: may an org linked by link read tlp? */
static int
link_reads(enum kz_link link, enum kz_tlp tlp)
{
	switch (link) {
	case KZ_LINK_RECIPIENT:
		return 1;
	case KZ_LINK_CONCERNED:
		return tlp != KZ_TLP_RED;
	case KZ_LINK_CLIENT:
		return tlp == KZ_TLP_CLEAR || tlp == KZ_TLP_GREEN ||
		    tlp == KZ_TLP_AMBER;
	default:
		return 0;
	}
}

int
kz_access_rule(enum kz_role role, enum kz_tlp tlp, enum kz_link link,
    int reported, enum kz_access what)
{
	if (role == KZ_ROLE_ADMIN || role == KZ_ROLE_HANDLER)
		return 1;
	if (what == KZ_ACCESS_WRITE || what == KZ_ACCESS_REPORTS)
		return 0;
	if (reported && what == KZ_ACCESS_READ)
		return 1;
	if (role != KZ_ROLE_MEMBER)
		return 0;
	return link_reads(link, tlp);
}

/* The link of org_id to incident_id, or KZ_LINK_NONE. */
static int
load_link(
    enum kz_link *out, struct kz_store *st, int64_t incident_id, int64_t org_id)
{
	struct kz_stmt *s;
	int rc, i;

	*out = KZ_LINK_NONE;
	if (!org_id)
		return 0;
	if ((rc = kz_store_prepare(&s, st,
		 "SELECT role FROM incident_orgs WHERE incident_id = ? AND "
		 "org_id = ?")))
		return rc;
	kz_stmt_bind_int(s, 1, incident_id);
	kz_stmt_bind_int(s, 2, org_id);
	rc = kz_stmt_step(s);
	if (rc == KZ_ROW) {
		i = kz_name_index(kz_link_names, kz_stmt_text(s, 0));
		*out = i < 0 ? KZ_LINK_NONE : (enum kz_link)i;
		kz_stmt_step(s);
		return 0;
	}
	return rc < 0 ? rc : 0;
}

int
kz_access_notify(struct kz_store *st, const struct kz_incident *inc,
    int64_t org_id, int result)
{
	enum kz_link link;
	int rc;

	if (result || inc->tlp != KZ_TLP_RED)
		return 0;
	if ((rc = load_link(&link, st, inc->id, org_id)))
		return rc;
	if (link == KZ_LINK_RECIPIENT)
		return 0;
	return kz_error_set(KZ_EPERM,
	    "incident %s is TLP:RED: it goes only to an org named as its "
	    "recipient ('kizuki incident link-org %s ORG --role recipient')",
	    inc->ticket, inc->ticket);
}

int
kz_access_indicators(struct kz_store *st, const struct kz_principal *who,
    const struct kz_incident *inc, struct kz_indicator *v, size_t *n)
{
	enum kz_link link = KZ_LINK_NONE;
	size_t kept = 0;
	int rc;

	if (who->role & (KZ_ROLE_ADMIN | KZ_ROLE_HANDLER))
		return 0;
	if (who->role == KZ_ROLE_MEMBER &&
	    (rc = load_link(&link, st, inc->id, who->org_id)))
		return rc;
	for (size_t i = 0; i < *n; i++) {
		if (link == KZ_LINK_NONE || !link_reads(link, inc->tlp) ||
		    !link_reads(link, v[i].tlp) || v[i].type == KZ_IOC_EMAIL ||
		    v[i].type == KZ_IOC_EMAIL_SUBJECT) {
			kz_indicator_release(&v[i]);
			continue;
		}
		kz_free(v[i].source);
		v[i].source = NULL;
		v[kept++] = v[i];
	}
	*n = kept;
	return 0;
}

static int
load_reported(
    int *out, struct kz_store *st, int64_t incident_id, int64_t user_id)
{
	struct kz_stmt *s;
	int rc;

	*out = 0;
	if (!user_id)
		return 0;
	if ((rc = kz_store_prepare(&s, st,
		 "SELECT 1 FROM incident_users WHERE incident_id = ? AND "
		 "user_id = ?")))
		return rc;
	kz_stmt_bind_int(s, 1, incident_id);
	kz_stmt_bind_int(s, 2, user_id);
	rc = kz_stmt_step(s);
	if (rc == KZ_ROW) {
		*out = 1;
		kz_stmt_step(s);
		return 0;
	}
	return rc < 0 ? rc : 0;
}

int
kz_access_incident(struct kz_store *st, const struct kz_principal *who,
    const struct kz_incident *inc, enum kz_access what)
{
	enum kz_link link = KZ_LINK_NONE;
	int reported = 0, rc;

	if (who->role == KZ_ROLE_ADMIN || who->role == KZ_ROLE_HANDLER)
		return 0;
	if (who->role == KZ_ROLE_MEMBER &&
	    (rc = load_link(&link, st, inc->id, who->org_id)))
		return rc;
	if ((rc = load_reported(&reported, st, inc->id, who->user_id)))
		return rc;
	if (!kz_access_rule(
		who->role, inc->tlp, link, reported, KZ_ACCESS_READ))
		return kz_error_set(
		    KZ_ENOTFOUND, "no incident '%s'", inc->ticket);
	if (!kz_access_rule(who->role, inc->tlp, link, reported, what))
		return kz_error_set(KZ_EPERM,
		    "your role (%s) may not do this to incident '%s'",
		    kz_role_name(who->role), inc->ticket);
	return 0;
}

/* The same rules as link_reads() and kz_access_rule(), in SQL. */
#define REPORTED_SQL                                                           \
	"EXISTS (SELECT 1 FROM incident_users r WHERE r.incident_id = "        \
	"incidents.id AND r.user_id = ?)"
#define MEMBER_SQL                                                             \
	"(EXISTS (SELECT 1 FROM incident_orgs l WHERE l.incident_id = "        \
	"incidents.id AND l.org_id = ? AND (l.role = 'recipient' OR "          \
	"(l.role = 'concerned' AND incidents.tlp <> 'red') OR "                \
	"(l.role = 'client' AND incidents.tlp IN ('clear', 'green', "          \
	"'amber')))) OR " REPORTED_SQL ")"

const char *
kz_access_incident_sql(
    const struct kz_principal *who, int64_t args[2], int *nargs)
{
	*nargs = 0;
	if (who->role == KZ_ROLE_ADMIN || who->role == KZ_ROLE_HANDLER)
		return NULL;
	if (who->role == KZ_ROLE_MEMBER) {
		args[0] = who->org_id;
		args[1] = who->user_id;
		*nargs = 2;
		return MEMBER_SQL;
	}
	args[0] = who->user_id;
	*nargs = 1;
	return REPORTED_SQL;
}

void
kz_access_redact(const struct kz_principal *who, struct kz_incident *inc)
{
	if (who->role == KZ_ROLE_ADMIN || who->role == KZ_ROLE_HANDLER)
		return;
	kz_free(inc->reporter);
	inc->reporter = NULL;
}

int
kz_access_event(const struct kz_principal *who, struct kz_event *ev)
{
	static const char *const shown[] = { "opened", "status", "result",
		"update", NULL };

	if (who->role == KZ_ROLE_ADMIN || who->role == KZ_ROLE_HANDLER)
		return 1;
	if (!ev->kind || kz_name_index(shown, ev->kind) < 0)
		return 0;
	if (ev->data && json_is_object(ev->data))
		json_object_del(ev->data, "reporter");
	if (strcmp(ev->kind, "update") == 0 && ev->data &&
	    json_object_size(ev->data) == 0)
		return 0;
	return 1;
}

int
kz_access_org(const struct kz_principal *who, int64_t org_id, int write)
{
	if (who->role == KZ_ROLE_ADMIN || who->role == KZ_ROLE_HANDLER)
		return 1;
	return !write && who->role == KZ_ROLE_MEMBER && who->org_id &&
	    who->org_id == org_id;
}

static int
org_id_by_name(int64_t *out, struct kz_store *st, const char *org)
{
	struct kz_stmt *s;
	int rc;

	if ((rc = kz_store_prepare(
		 &s, st, "SELECT id FROM orgs WHERE name = ?")))
		return rc;
	kz_stmt_bind_text(s, 1, org);
	rc = kz_stmt_step(s);
	if (rc == KZ_ROW) {
		*out = kz_stmt_int(s, 0);
		kz_stmt_step(s);
		return 0;
	}
	if (rc == KZ_DONE)
		return kz_error_set(
		    KZ_ENOTFOUND, "no org '%s' (see 'kizuki org list')", org);
	return rc;
}

int
kz_access_link_org(struct kz_store *st, const char *ticket, const char *org,
    enum kz_link link, const char *actor)
{
	struct kz_incident *inc = NULL;
	struct kz_stmt *s;
	json_t *data = NULL;
	int64_t org_id;
	int rc;

	if ((int)link < 0 || link >= KZ_LINK_COUNT)
		return kz_error_set(KZ_EINVAL,
		    "unknown org link '%s' (one of: %s)", "?",
		    "concerned, client, recipient");
	if ((rc = kz_store_begin(st)))
		return rc;
	if ((rc = kz_incident_get(&inc, st, ticket)) ||
	    (rc = org_id_by_name(&org_id, st, org)) ||
	    (rc = kz_store_prepare(&s, st,
		 "INSERT INTO incident_orgs (incident_id, org_id, role, "
		 "added_at) VALUES (?, ?, ?, ?) ON CONFLICT (incident_id, "
		 "org_id) DO UPDATE SET role = excluded.role")))
		goto fail;
	kz_stmt_bind_int(s, 1, inc->id);
	kz_stmt_bind_int(s, 2, org_id);
	kz_stmt_bind_text(s, 3, kz_link_names[link]);
	kz_stmt_bind_int(s, 4, kz_time_now());
	if ((rc = kz_stmt_exec(s)))
		goto fail;
	data = json_pack("{s:s, s:s}", "org", org, "role", kz_link_names[link]);
	if (!data) {
		rc = kz_error_set(KZ_ENOMEM, "out of memory");
		goto fail;
	}
	if ((rc = kz_event_add(st, inc->id, "link", actor, "", data)))
		goto fail;
	rc = kz_store_commit(st);
	goto done;
fail:
	kz_store_rollback(st);
done:
	json_decref(data);
	kz_incident_free(inc);
	return rc;
}

int
kz_access_unlink_org(
    struct kz_store *st, const char *ticket, const char *org, const char *actor)
{
	struct kz_incident *inc = NULL;
	struct kz_stmt *s;
	json_t *data = NULL;
	int64_t org_id;
	int rc;

	if ((rc = kz_store_begin(st)))
		return rc;
	if ((rc = kz_incident_get(&inc, st, ticket)) ||
	    (rc = org_id_by_name(&org_id, st, org)) ||
	    (rc = kz_store_prepare(&s, st,
		 "DELETE FROM incident_orgs WHERE incident_id = ? AND "
		 "org_id = ?")))
		goto fail;
	kz_stmt_bind_int(s, 1, inc->id);
	kz_stmt_bind_int(s, 2, org_id);
	if ((rc = kz_stmt_exec(s)))
		goto fail;
	if (kz_store_changes(st) == 0) {
		rc = kz_error_set(KZ_ENOTFOUND,
		    "org '%s' is not linked to incident '%s'", org, ticket);
		goto fail;
	}
	data = json_pack("{s:s, s:n}", "org", org, "role");
	if (!data) {
		rc = kz_error_set(KZ_ENOMEM, "out of memory");
		goto fail;
	}
	if ((rc = kz_event_add(st, inc->id, "link", actor, "", data)))
		goto fail;
	rc = kz_store_commit(st);
	goto done;
fail:
	kz_store_rollback(st);
done:
	json_decref(data);
	kz_incident_free(inc);
	return rc;
}

int
kz_access_add_reporter(
    struct kz_store *st, int64_t incident_id, int64_t user_id)
{
	struct kz_stmt *s;
	int rc;

	if ((rc = kz_store_prepare(&s, st,
		 "INSERT INTO incident_users (incident_id, user_id, added_at) "
		 "VALUES (?, ?, ?) ON CONFLICT DO NOTHING")))
		return rc;
	kz_stmt_bind_int(s, 1, incident_id);
	kz_stmt_bind_int(s, 2, user_id);
	kz_stmt_bind_int(s, 3, kz_time_now());
	return kz_stmt_exec(s);
}

int
kz_access_links_json(json_t **out, struct kz_store *st, int64_t incident_id)
{
	struct kz_stmt *s;
	json_t *a = json_array();
	int rc;

	*out = NULL;
	if (!a)
		return kz_error_set(KZ_ENOMEM, "out of memory");
	if ((rc = kz_store_prepare(&s, st,
		 "SELECT o.name, l.role FROM incident_orgs l JOIN orgs o ON "
		 "o.id = l.org_id WHERE l.incident_id = ? ORDER BY o.name"))) {
		json_decref(a);
		return rc;
	}
	kz_stmt_bind_int(s, 1, incident_id);
	while ((rc = kz_stmt_step(s)) == KZ_ROW)
		json_array_append_new(a,
		    json_pack("{s:s, s:s}", "org", kz_stmt_text(s, 0), "role",
			kz_stmt_text(s, 1)));
	if (rc != KZ_DONE) {
		json_decref(a);
		return rc;
	}
	*out = a;
	return 0;
}
