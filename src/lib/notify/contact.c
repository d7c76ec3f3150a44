/* SPDX-License-Identifier: MIT */
/* Contacts and notification preferences as stored. */
#include "contact.h"

#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/json.h"
#include "core/strutil.h"

const char *const kz_contact_kind_names[] = { "notify", "reminder", "result",
	NULL };
const char *const kz_contact_state_names[] = { "queued", "sending", "sent",
	"failed", "replied", "done", NULL };
const char *const kz_machine_names[] = { "none", "xarf", "iodef", "both",
	NULL };

int
kz_machine_parse(unsigned *out, const char *s)
{
	int i = kz_name_index(kz_machine_names, s);

	if (i < 0)
		return kz_error_set(KZ_EINVAL,
		    "unknown machine-readable format '%s' (one of: xarf, "
		    "iodef, both, none)",
		    s);
	*out = (unsigned)i; /* none 0, xarf 1, iodef 2, both 3 */
	return 0;
}

int
kz_contact_lang_check(const char *s)
{
	if (s &&
	    (strcmp(s, "ja") == 0 || strcmp(s, "en") == 0 ||
		strcmp(s, "ja+en") == 0))
		return 0;
	return kz_error_set(KZ_EINVAL,
	    "unknown notification language '%s' (one of: ja, en, ja+en)",
	    s ? s : "");
}

void
kz_contact_release(struct kz_contact *c)
{
	kz_free(c->org_name);
	kz_free(c->recipient);
	kz_free(c->template);
	kz_free(c->lang);
	kz_free(c->subject);
	kz_free(c->message_id);
	kz_free(c->last_error);
	memset(c, 0, sizeof(*c));
}

void
kz_contact_list_free(struct kz_contact *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		kz_contact_release(&v[i]);
	kz_free(v);
}

#define COLS                                                                   \
	"c.id, c.incident_id, i.ticket, c.org_id, o.name, c.recipient, "       \
	"c.kind, c.template, c.lang, c.subject, c.message_id, c.parent_id, "   \
	"c.state, c.attempts, c.next_attempt_at, c.last_error, c.created_at, " \
	"c.sent_at, c.replied_at, c.remind_at, c.reminded_at "                 \
	"FROM contacts c JOIN incidents i ON i.id = c.incident_id "            \
	"LEFT JOIN orgs o ON o.id = c.org_id "

static char *
dup_col(struct kz_stmt *s, int col, int *oom)
{
	const char *t = kz_stmt_text(s, col);
	char *c;

	if (kz_stmt_isnull(s, col) || !t)
		return NULL;
	if (!(c = kz_strdup(t)))
		*oom = 1;
	return c;
}

static int
read_row(struct kz_contact *c, struct kz_stmt *s)
{
	int oom = 0, k;

	memset(c, 0, sizeof(*c));
	c->id = kz_stmt_int(s, 0);
	c->incident_id = kz_stmt_int(s, 1);
	snprintf(c->ticket, sizeof(c->ticket), "%s",
	    kz_stmt_text(s, 2) ? kz_stmt_text(s, 2) : "");
	c->org_id = kz_stmt_int(s, 3);
	c->org_name = dup_col(s, 4, &oom);
	c->recipient = dup_col(s, 5, &oom);
	k = kz_name_index(kz_contact_kind_names, kz_stmt_text(s, 6));
	c->kind = k < 0 ? KZ_CONTACT_NOTIFY : (enum kz_contact_kind)k;
	c->template = dup_col(s, 7, &oom);
	c->lang = dup_col(s, 8, &oom);
	c->subject = dup_col(s, 9, &oom);
	c->message_id = dup_col(s, 10, &oom);
	c->parent_id = kz_stmt_int(s, 11);
	k = kz_name_index(kz_contact_state_names, kz_stmt_text(s, 12));
	c->state = k < 0 ? KZ_CS_QUEUED : (enum kz_contact_state)k;
	c->attempts = (int)kz_stmt_int(s, 13);
	c->next_attempt_at = kz_stmt_int(s, 14);
	c->last_error = dup_col(s, 15, &oom);
	c->created_at = kz_stmt_int(s, 16);
	c->sent_at = kz_stmt_int(s, 17);
	c->replied_at = kz_stmt_int(s, 18);
	c->remind_at = kz_stmt_int(s, 19);
	c->reminded_at = kz_stmt_int(s, 20);
	if (oom) {
		kz_contact_release(c);
		return kz_error_set(KZ_ENOMEM, "out of memory");
	}
	return 0;
}

static int
read_all(struct kz_contact **out, size_t *n, struct kz_stmt *s)
{
	struct kz_contact *v = NULL;
	size_t cnt = 0, alloc = 0;
	int rc;

	*out = NULL;
	*n = 0;
	while ((rc = kz_stmt_step(s)) == KZ_ROW) {
		if (cnt == alloc) {
			size_t na = alloc ? alloc * 2 : 16;
			struct kz_contact *p = kz_realloc(v, na * sizeof(*p));

			if (!p) {
				rc = kz_error_set(KZ_ENOMEM, "out of memory");
				break;
			}
			v = p;
			alloc = na;
		}
		if ((rc = read_row(&v[cnt], s)))
			break;
		cnt++;
	}
	if (rc < 0) {
		kz_contact_list_free(v, cnt);
		/* finish the statement so that the cache can reuse it */
		while (kz_stmt_step(s) == KZ_ROW)
			;
		return rc;
	}
	*out = v;
	*n = cnt;
	return 0;
}

int
kz_contact_list(struct kz_contact **out, size_t *n, struct kz_store *st,
    const struct kz_contact_filter *f)
{
	struct kz_stmt *s;
	int rc;

	if ((rc = kz_store_prepare(&s, st,
		 "SELECT " COLS "WHERE (? = 0 OR c.incident_id = ?) AND "
		 "(? = '' OR c.state = ?) ORDER BY c.id LIMIT ?")))
		return rc;
	kz_stmt_bind_int(s, 1, f->incident_id);
	kz_stmt_bind_int(s, 2, f->incident_id);
	kz_stmt_bind_text(
	    s, 3, f->state >= 0 ? kz_contact_state_names[f->state] : "");
	kz_stmt_bind_text(
	    s, 4, f->state >= 0 ? kz_contact_state_names[f->state] : "");
	kz_stmt_bind_int(s, 5, f->limit > 0 ? f->limit : 1000);
	return read_all(out, n, s);
}

int
kz_contact_get(struct kz_contact *out, struct kz_store *st, int64_t id)
{
	struct kz_stmt *s;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = kz_store_prepare(&s, st, "SELECT " COLS "WHERE c.id = ?")))
		return rc;
	kz_stmt_bind_int(s, 1, id);
	rc = kz_stmt_step(s);
	if (rc == KZ_ROW) {
		rc = read_row(out, s);
		kz_stmt_step(s);
		return rc;
	}
	if (rc == KZ_DONE)
		return kz_error_set(
		    KZ_ENOTFOUND, "no contact %lld", (long long)id);
	return rc;
}

int
kz_contact_raw(char **raw, size_t *len, struct kz_store *st, int64_t id)
{
	struct kz_stmt *s;
	const void *p;
	int rc;

	*raw = NULL;
	*len = 0;
	if ((rc = kz_store_prepare(
		 &s, st, "SELECT raw FROM contacts WHERE id = ?")))
		return rc;
	kz_stmt_bind_int(s, 1, id);
	rc = kz_stmt_step(s);
	if (rc != KZ_ROW)
		return rc < 0 ? rc :
				kz_error_set(KZ_ENOTFOUND, "no contact %lld",
				    (long long)id);
	p = kz_stmt_blob(s, 0, len);
	*raw = kz_malloc(*len + 1);
	if (*raw) {
		if (*len)
			memcpy(*raw, p, *len);
		(*raw)[*len] = '\0';
	}
	kz_stmt_step(s);
	return *raw ? 0 : kz_error_set(KZ_ENOMEM, "out of memory");
}

int
kz_contact_due(
    struct kz_contact **out, size_t *n, struct kz_store *st, int64_t before)
{
	struct kz_stmt *s;
	int rc;

	if ((rc = kz_store_prepare(&s, st,
		 "SELECT " COLS "WHERE c.state = 'sent' AND c.kind IN "
		 "('notify', 'reminder') AND c.sent_at <= ? AND "
		 "(c.reminded_at IS NULL OR c.reminded_at <= ?) AND "
		 "NOT EXISTS (SELECT 1 FROM contacts r WHERE r.parent_id = "
		 "c.id AND r.state IN ('queued', 'sending')) ORDER BY c.id")))
		return rc;
	kz_stmt_bind_int(s, 1, before);
	kz_stmt_bind_int(s, 2, before);
	return read_all(out, n, s);
}

json_t *
kz_contact_to_json(const struct kz_contact *c)
{
	json_t *o = json_object();

	kz_json_set(o, "id", json_integer(c->id));
	kz_json_set(o, "ticket", json_string(c->ticket));
	kz_json_set(o, "org", kz_json_str(c->org_name));
	kz_json_set(o, "recipient", kz_json_str(c->recipient));
	kz_json_set(o, "kind", json_string(kz_contact_kind_names[c->kind]));
	kz_json_set(o, "template", kz_json_str(c->template));
	kz_json_set(o, "lang", kz_json_str(c->lang));
	kz_json_set(o, "subject", kz_json_str(c->subject));
	kz_json_set(o, "message_id", kz_json_str(c->message_id));
	kz_json_set(o, "parent",
	    c->parent_id ? json_integer(c->parent_id) : json_null());
	kz_json_set(o, "state", json_string(kz_contact_state_names[c->state]));
	kz_json_set(o, "attempts", json_integer(c->attempts));
	kz_json_set(o, "next_attempt_at",
	    c->state == KZ_CS_QUEUED ? kz_json_time(c->next_attempt_at) :
				       json_null());
	kz_json_set(o, "last_error", kz_json_str(c->last_error));
	kz_json_set(o, "created_at", kz_json_time(c->created_at));
	kz_json_set(o, "sent_at", kz_json_time(c->sent_at));
	kz_json_set(o, "replied_at", kz_json_time(c->replied_at));
	kz_json_set(o, "remind_at", kz_json_time(c->remind_at));
	return o;
}

int
kz_contact_prefs_get(
    struct kz_contact_prefs *out, struct kz_store *st, int64_t org_id)
{
	struct kz_stmt *s;
	int rc;

	out->aggregate = 1;
	out->machine = KZ_MACHINE_BOTH;
	if (!org_id)
		return 0;
	if ((rc = kz_store_prepare(&s, st,
		 "SELECT aggregate, machine FROM org_notify_prefs WHERE "
		 "org_id = ?")))
		return rc;
	kz_stmt_bind_int(s, 1, org_id);
	rc = kz_stmt_step(s);
	if (rc == KZ_ROW) {
		unsigned m;

		out->aggregate = (int)kz_stmt_int(s, 0);
		if (kz_machine_parse(&m, kz_stmt_text(s, 1)) == 0)
			out->machine = m;
		kz_error_clear();
		kz_stmt_step(s);
		return 0;
	}
	return rc;
}

int
kz_contact_prefs_set(
    struct kz_store *st, int64_t org_id, const struct kz_contact_prefs *p)
{
	struct kz_stmt *s;
	int rc;

	if ((rc = kz_store_begin(st)))
		return rc;
	if ((rc = kz_store_prepare(&s, st,
		 "INSERT INTO org_notify_prefs (org_id, aggregate, machine) "
		 "VALUES (?, ?, ?) ON CONFLICT (org_id) DO UPDATE SET "
		 "aggregate = excluded.aggregate, machine = "
		 "excluded.machine")))
		goto fail;
	kz_stmt_bind_int(s, 1, org_id);
	kz_stmt_bind_int(s, 2, p->aggregate ? 1 : 0);
	kz_stmt_bind_text(s, 3, kz_machine_names[p->machine & 3]);
	if ((rc = kz_stmt_exec(s)))
		goto fail;
	return kz_store_commit(st);
fail:
	kz_store_rollback(st);
	return rc;
}
