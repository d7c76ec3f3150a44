/* SPDX-License-Identifier: MIT */
/*
 * Incidents in the store: creation with ticket ids, triage updates, the
 * status state machine, notes, and filtered listing with free-text search
 * that works for Japanese (trigram index, LIKE for short words).
 */
#include "incident.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/json.h"
#include "core/strutil.h"
#include "core/timeutil.h"
#include "model/event.h"

static char ticket_prefix[9] = "KZ";

#define COLS                                                                   \
	"id, ticket, title, description, category, status, priority, tlp, "    \
	"stage, assignee, reporter, coordinated, created_at, updated_at, "     \
	"closed_at"

void
kz_incident_init(struct kz_incident *inc)
{
	memset(inc, 0, sizeof(*inc));
	inc->category = KZ_CAT_OTHER;
	inc->status = KZ_ST_NEW;
	inc->priority = KZ_PRIORITY_DEFAULT;
	inc->tlp = KZ_TLP_AMBER;
	inc->stage = KZ_STAGE_NONE;
}

void
kz_incident_release(struct kz_incident *inc)
{
	if (!inc)
		return;
	kz_free(inc->title);
	kz_free(inc->description);
	kz_free(inc->assignee);
	kz_free(inc->reporter);
	inc->title = inc->description = inc->assignee = inc->reporter = NULL;
}

void
kz_incident_free(struct kz_incident *inc)
{
	kz_incident_release(inc);
	kz_free(inc);
}

int
kz_incident_set_prefix(const char *prefix)
{
	size_t n = prefix ? strlen(prefix) : 0;

	if (n < 1 || n > 8)
		goto bad;
	for (size_t i = 0; i < n; i++)
		if (!isupper((unsigned char)prefix[i]) &&
		    !isdigit((unsigned char)prefix[i]))
			goto bad;
	memcpy(ticket_prefix, prefix, n + 1);
	return 0;
bad:
	return kz_error_set(KZ_EINVAL,
	    "invalid ticket prefix '%s' (1 to 8 upper-case letters or digits)",
	    prefix ? prefix : "");
}

const char *
kz_incident_prefix(void)
{
	return ticket_prefix;
}

int
kz_ticket_valid(const char *s)
{
	const char *dash = s ? strchr(s, '-') : NULL;
	size_t i, n;

	if (!dash || dash == s || dash - s > 8)
		return 0;
	for (i = 0; s + i < dash; i++)
		if (!isalnum((unsigned char)s[i]))
			return 0;
	for (i = 1; i <= 4; i++)
		if (!isdigit((unsigned char)dash[i]))
			return 0;
	if (dash[5] != '-')
		return 0;
	n = strlen(dash + 6);
	if (n < 1 || n > 12)
		return 0;
	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)dash[6 + i]))
			return 0;
	return 1;
}

static int
check_text(const char *field, const char *s, size_t max, int required)
{
	size_t n = s ? strlen(s) : 0;

	if (required && kz_str_blank(s))
		return kz_error_set(KZ_EINVAL, "%s must not be empty", field);
	if (n > max)
		return kz_error_set(KZ_EINVAL,
		    "%s is too long (%zu bytes, at most %zu)", field, n, max);
	if (s && !kz_utf8_valid(s, n))
		return kz_error_set(KZ_EINVAL, "%s is not valid UTF-8", field);
	return 0;
}

int
kz_incident_validate(const struct kz_incident *inc)
{
	int rc;

	if ((rc = check_text("title", inc->title, KZ_TITLE_MAX, 1)) ||
	    (rc = check_text(
		 "description", inc->description, KZ_TEXT_MAX, 0)) ||
	    (rc = check_text("assignee", inc->assignee, 200, 0)) ||
	    (rc = check_text("reporter", inc->reporter, 1000, 0)))
		return rc;
	if (inc->priority < KZ_PRIORITY_MIN || inc->priority > KZ_PRIORITY_MAX)
		return kz_error_set(KZ_EINVAL,
		    "priority %d is out of range (%d most urgent to %d least)",
		    inc->priority, KZ_PRIORITY_MIN, KZ_PRIORITY_MAX);
	if ((unsigned)inc->category >= KZ_CAT_COUNT ||
	    (unsigned)inc->tlp >= KZ_TLP_COUNT || inc->stage < KZ_STAGE_NONE ||
	    inc->stage >= KZ_STAGE_COUNT)
		return kz_error_set(KZ_EINVAL, "incident field out of range");
	return 0;
}

static int
next_ticket(struct kz_store *st, char out[KZ_TICKET_MAX], int year)
{
	struct kz_stmt *s;
	int rc;

	rc = kz_store_prepare(&s, st,
	    "INSERT INTO ticket_seq (year, last) VALUES (?, 1) "
	    "ON CONFLICT (year) DO UPDATE SET last = ticket_seq.last + 1 "
	    "RETURNING last");
	if (rc)
		return rc;
	kz_stmt_bind_int(s, 1, year);
	rc = kz_stmt_step(s);
	if (rc != KZ_ROW)
		return rc < 0 ? rc : kz_error_set(KZ_EIO, "no ticket number");
	snprintf(out, KZ_TICKET_MAX, "%s-%04d-%06lld", ticket_prefix, year,
	    (long long)kz_stmt_int(s, 0));
	kz_stmt_step(s); /* finish the statement */
	return 0;
}

int
kz_incident_create(
    struct kz_store *st, struct kz_incident *inc, const char *actor)
{
	struct kz_stmt *s;
	int rc;

	if ((rc = kz_incident_validate(inc)))
		return rc;
	if ((rc = kz_store_begin(st)))
		return rc;
	if (!inc->created_at)
		inc->created_at = kz_time_now();
	inc->updated_at = inc->created_at;
	inc->status = KZ_ST_NEW;
	inc->closed_at = 0;
	inc->coordinated = 0;
	if ((rc = next_ticket(st, inc->ticket, kz_time_year(inc->created_at))))
		goto fail;
	if ((rc = kz_store_prepare(&s, st,
		 "INSERT INTO incidents (ticket, title, description, category, "
		 "status, priority, tlp, stage, assignee, reporter, created_at, "
		 "updated_at) VALUES (?, ?, ?, ?, 'new', ?, ?, ?, ?, ?, ?, ?) "
		 "RETURNING id")))
		goto fail;
	kz_stmt_bind_text(s, 1, inc->ticket);
	kz_stmt_bind_text(s, 2, inc->title);
	kz_stmt_bind_text(s, 3, inc->description ? inc->description : "");
	kz_stmt_bind_text(s, 4, kz_category_name(inc->category));
	kz_stmt_bind_int(s, 5, inc->priority);
	kz_stmt_bind_text(s, 6, kz_tlp_name(inc->tlp));
	kz_stmt_bind_text(s, 7, kz_stage_name(inc->stage));
	kz_stmt_bind_text(s, 8, inc->assignee);
	kz_stmt_bind_text(s, 9, inc->reporter);
	kz_stmt_bind_int(s, 10, inc->created_at);
	kz_stmt_bind_int(s, 11, inc->updated_at);
	rc = kz_stmt_step(s);
	if (rc != KZ_ROW)
		goto fail;
	inc->id = kz_stmt_int(s, 0);
	kz_stmt_step(s);
	if ((rc = kz_event_add(st, inc->id, "opened", actor, inc->title, NULL)))
		goto fail;
	return kz_store_commit(st);
fail:
	kz_store_rollback(st);
	return rc < 0 ? rc : kz_error_set(KZ_EIO, "could not create incident");
}

int
kz_incident_import(
    struct kz_store *st, struct kz_incident *inc, const char *actor)
{
	struct kz_stmt *s;
	int rc;

	if ((rc = kz_incident_validate(inc)))
		return rc;
	if ((unsigned)inc->status >= KZ_ST_COUNT)
		return kz_error_set(KZ_EINVAL, "incident field out of range");
	if (!inc->created_at)
		inc->created_at = kz_time_now();
	if (inc->updated_at < inc->created_at)
		inc->updated_at = inc->created_at;
	if (inc->closed_at && inc->closed_at < inc->created_at)
		return kz_error_set(
		    KZ_EINVAL, "closed_at is before created_at");
	if ((inc->status == KZ_ST_CLOSED || inc->status == KZ_ST_REJECTED) &&
	    !inc->closed_at)
		inc->closed_at = inc->updated_at;
	if (kz_status_is_open(inc->status))
		inc->closed_at = 0;
	if ((rc = kz_store_begin(st)))
		return rc;
	if ((rc = next_ticket(st, inc->ticket, kz_time_year(inc->created_at))))
		goto fail;
	if ((rc = kz_store_prepare(&s, st,
		 "INSERT INTO incidents (ticket, title, description, category, "
		 "status, priority, tlp, stage, assignee, reporter, coordinated, "
		 "created_at, updated_at, closed_at) "
		 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id")))
		goto fail;
	kz_stmt_bind_text(s, 1, inc->ticket);
	kz_stmt_bind_text(s, 2, inc->title);
	kz_stmt_bind_text(s, 3, inc->description ? inc->description : "");
	kz_stmt_bind_text(s, 4, kz_category_name(inc->category));
	kz_stmt_bind_text(s, 5, kz_status_name(inc->status));
	kz_stmt_bind_int(s, 6, inc->priority);
	kz_stmt_bind_text(s, 7, kz_tlp_name(inc->tlp));
	kz_stmt_bind_text(s, 8, kz_stage_name(inc->stage));
	kz_stmt_bind_text(s, 9, inc->assignee);
	kz_stmt_bind_text(s, 10, inc->reporter);
	kz_stmt_bind_int(s, 11, inc->coordinated ? 1 : 0);
	kz_stmt_bind_int(s, 12, inc->created_at);
	kz_stmt_bind_int(s, 13, inc->updated_at);
	if (inc->closed_at)
		kz_stmt_bind_int(s, 14, inc->closed_at);
	else
		kz_stmt_bind_null(s, 14);
	if ((rc = kz_stmt_step(s)) != KZ_ROW)
		goto fail;
	inc->id = kz_stmt_int(s, 0);
	kz_stmt_step(s);
	if ((rc = kz_event_add_at(st, inc->id, inc->created_at, "imported",
		 actor, inc->title, NULL)))
		goto fail;
	return kz_store_commit(st);
fail:
	kz_store_rollback(st);
	return rc < 0 ? rc : kz_error_set(KZ_EIO, "could not import incident");
}

static char *
dup_col(struct kz_stmt *s, int col)
{
	return kz_stmt_isnull(s, col) ? NULL : kz_strdup(kz_stmt_text(s, col));
}

/* Reads a row of COLS. */
static int
read_row(struct kz_incident *inc, struct kz_stmt *s)
{
	const char *t;

	kz_incident_init(inc);
	inc->id = kz_stmt_int(s, 0);
	snprintf(inc->ticket, sizeof(inc->ticket), "%s", kz_stmt_text(s, 1));
	inc->title = dup_col(s, 2);
	inc->description = dup_col(s, 3);
	kz_category_parse(&inc->category, kz_stmt_text(s, 4));
	kz_status_parse(&inc->status, kz_stmt_text(s, 5));
	inc->priority = (int)kz_stmt_int(s, 6);
	kz_tlp_parse(&inc->tlp, kz_stmt_text(s, 7));
	t = kz_stmt_text(s, 8);
	inc->stage = KZ_STAGE_NONE;
	if (t)
		kz_stage_parse(&inc->stage, t);
	inc->assignee = dup_col(s, 9);
	inc->reporter = dup_col(s, 10);
	inc->coordinated = (int)kz_stmt_int(s, 11);
	inc->created_at = kz_stmt_int(s, 12);
	inc->updated_at = kz_stmt_int(s, 13);
	inc->closed_at = kz_stmt_int(s, 14);
	if (!inc->title || !inc->description ||
	    (!kz_stmt_isnull(s, 9) && !inc->assignee) ||
	    (!kz_stmt_isnull(s, 10) && !inc->reporter)) {
		kz_incident_release(inc);
		return kz_error_set(KZ_ENOMEM, "out of memory");
	}
	return 0;
}

static int
get_where(struct kz_incident **out, struct kz_store *st, const char *sql,
    const char *ticket, int64_t id)
{
	struct kz_incident *inc;
	struct kz_stmt *s;
	int rc;

	*out = NULL;
	if ((rc = kz_store_prepare(&s, st, sql)))
		return rc;
	if (ticket)
		kz_stmt_bind_text(s, 1, ticket);
	else
		kz_stmt_bind_int(s, 1, id);
	rc = kz_stmt_step(s);
	if (rc < 0)
		return rc;
	if (rc == KZ_DONE) {
		if (ticket)
			return kz_error_set(KZ_ENOTFOUND,
			    "no incident '%s' (see 'kizuki incident list')",
			    ticket);
		return kz_error_set(
		    KZ_ENOTFOUND, "no incident with id %lld", (long long)id);
	}
	inc = kz_malloc(sizeof(*inc));
	if (!inc) {
		kz_stmt_step(s);
		return kz_error_set(KZ_ENOMEM, "out of memory");
	}
	rc = read_row(inc, s);
	kz_stmt_step(s);
	if (rc) {
		kz_free(inc);
		return rc;
	}
	*out = inc;
	return 0;
}

int
kz_incident_get(
    struct kz_incident **out, struct kz_store *st, const char *ticket)
{
	char up[KZ_TICKET_MAX];
	size_t i;

	*out = NULL;
	if (!kz_ticket_valid(ticket))
		return kz_error_set(KZ_EINVAL,
		    "'%s' is not a ticket id (like %s-2026-000042)",
		    ticket ? ticket : "", ticket_prefix);
	for (i = 0; ticket[i] && i < sizeof(up) - 1; i++)
		up[i] = (char)toupper((unsigned char)ticket[i]);
	up[i] = '\0';
	return get_where(
	    out, st, "SELECT " COLS " FROM incidents WHERE ticket = ?", up, 0);
}

int
kz_incident_get_id(struct kz_incident **out, struct kz_store *st, int64_t id)
{
	return get_where(
	    out, st, "SELECT " COLS " FROM incidents WHERE id = ?", NULL, id);
}

int
kz_incident_touch(struct kz_store *st, int64_t id, int64_t at)
{
	struct kz_stmt *s;
	int rc;

	if ((rc = kz_store_prepare(
		 &s, st, "UPDATE incidents SET updated_at = ? WHERE id = ?")))
		return rc;
	kz_stmt_bind_int(s, 1, at);
	kz_stmt_bind_int(s, 2, id);
	return kz_stmt_exec(s);
}

static int
streq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

/* Records one changed field in the event data and the SET clause. */
static void
change(
    json_t *data, struct kz_buf *set, const char *col, json_t *from, json_t *to)
{
	json_t *pair = json_object();

	json_object_set_new(pair, "from", from);
	json_object_set_new(pair, "to", to);
	json_object_set_new(data, col, pair);
	kz_buf_addf(set, "%s%s = ?", set->len ? ", " : "", col);
}

int
kz_incident_update(struct kz_store *st, const char *ticket,
    const struct kz_incident *chg, unsigned mask, const char *actor)
{
	struct kz_incident *cur = NULL;
	struct kz_buf set = KZ_BUF_INIT(4096), sql = KZ_BUF_INIT(8192);
	json_t *data = json_object();
	struct kz_incident merged;
	struct kz_stmt *s;
	const char *kind;
	int rc, i;

	if (!data)
		return kz_error_set(KZ_ENOMEM, "out of memory");
	if ((rc = kz_store_begin(st)))
		goto done;
	if ((rc = kz_incident_get(&cur, st, ticket)))
		goto fail;
	merged = *cur;
	if (mask & KZ_F_TITLE)
		merged.title = chg->title;
	if (mask & KZ_F_DESCRIPTION)
		merged.description = chg->description;
	if (mask & KZ_F_CATEGORY)
		merged.category = chg->category;
	if (mask & KZ_F_PRIORITY)
		merged.priority = chg->priority;
	if (mask & KZ_F_TLP)
		merged.tlp = chg->tlp;
	if (mask & KZ_F_STAGE)
		merged.stage = chg->stage;
	if (mask & KZ_F_ASSIGNEE)
		merged.assignee =
		    kz_str_blank(chg->assignee) ? NULL : chg->assignee;
	if (mask & KZ_F_REPORTER)
		merged.reporter = chg->reporter;
	if ((rc = kz_incident_validate(&merged)))
		goto fail;

	/* Bind order follows the order the columns are added below. */
	if (!streq(cur->title, merged.title))
		change(data, &set, "title", json_string(cur->title),
		    json_string(merged.title));
	/* A NULL description is stored as "": not a change from "". */
	if (!streq(
		cur->description, merged.description ? merged.description : ""))
		change(data, &set, "description", json_string(cur->description),
		    kz_json_str(merged.description ? merged.description : ""));
	if (cur->category != merged.category)
		change(data, &set, "category",
		    json_string(kz_category_name(cur->category)),
		    json_string(kz_category_name(merged.category)));
	if (cur->priority != merged.priority)
		change(data, &set, "priority", json_integer(cur->priority),
		    json_integer(merged.priority));
	if (cur->tlp != merged.tlp)
		change(data, &set, "tlp", json_string(kz_tlp_name(cur->tlp)),
		    json_string(kz_tlp_name(merged.tlp)));
	if (cur->stage != merged.stage)
		change(data, &set, "stage",
		    kz_json_str(kz_stage_name(cur->stage)),
		    kz_json_str(kz_stage_name(merged.stage)));
	if (!streq(cur->assignee, merged.assignee))
		change(data, &set, "assignee", kz_json_str(cur->assignee),
		    kz_json_str(merged.assignee));
	if (!streq(cur->reporter, merged.reporter))
		change(data, &set, "reporter", kz_json_str(cur->reporter),
		    kz_json_str(merged.reporter));
	if (json_object_size(data) == 0) {
		rc = kz_store_commit(st);
		goto done;
	}
	kz_buf_addf(&sql,
	    "UPDATE incidents SET %s, updated_at = ? WHERE id = ?", set.ptr);
	if (sql.err) {
		rc = sql.err;
		goto fail;
	}
	if ((rc = kz_store_prepare(&s, st, sql.ptr)))
		goto fail;
	i = 1;
	if (json_object_get(data, "title"))
		kz_stmt_bind_text(s, i++, merged.title);
	if (json_object_get(data, "description"))
		kz_stmt_bind_text(
		    s, i++, merged.description ? merged.description : "");
	if (json_object_get(data, "category"))
		kz_stmt_bind_text(s, i++, kz_category_name(merged.category));
	if (json_object_get(data, "priority"))
		kz_stmt_bind_int(s, i++, merged.priority);
	if (json_object_get(data, "tlp"))
		kz_stmt_bind_text(s, i++, kz_tlp_name(merged.tlp));
	if (json_object_get(data, "stage"))
		kz_stmt_bind_text(s, i++, kz_stage_name(merged.stage));
	if (json_object_get(data, "assignee"))
		kz_stmt_bind_text(s, i++, merged.assignee);
	if (json_object_get(data, "reporter"))
		kz_stmt_bind_text(s, i++, merged.reporter);
	kz_stmt_bind_int(s, i++, kz_time_now());
	kz_stmt_bind_int(s, i++, cur->id);
	if ((rc = kz_stmt_exec(s)))
		goto fail;
	kind =
	    json_object_size(data) == 1 && json_object_get(data, "assignee") ?
	    "assign" :
	    "update";
	if ((rc = kz_event_add(st, cur->id, kind, actor, "", data)))
		goto fail;
	rc = kz_store_commit(st);
	goto done;
fail:
	kz_store_rollback(st);
done:
	json_decref(data);
	kz_incident_free(cur);
	kz_buf_release(&set);
	kz_buf_release(&sql);
	return rc;
}

int
kz_incident_set_status(struct kz_store *st, const char *ticket,
    enum kz_status to, const char *actor, const char *note)
{
	struct kz_incident *cur = NULL;
	json_t *data = NULL;
	struct kz_stmt *s;
	int64_t now = kz_time_now();
	int rc;

	if (note && (rc = check_text("note", note, KZ_TEXT_MAX, 0)))
		return rc;
	if ((rc = kz_store_begin(st)))
		return rc;
	if ((rc = kz_incident_get(&cur, st, ticket)))
		goto fail;
	if (cur->status == to) {
		rc = kz_error_set(KZ_ECONFLICT, "incident %s is already '%s'",
		    cur->ticket, kz_status_name(to));
		goto fail;
	}
	if ((rc = kz_status_check(cur->status, to)))
		goto fail;
	if ((rc = kz_store_prepare(&s, st,
		 "UPDATE incidents SET status = ?, updated_at = ?, closed_at = ?, "
		 "coordinated = CASE WHEN ? <> 0 THEN 1 ELSE coordinated END "
		 "WHERE id = ?")))
		goto fail;
	kz_stmt_bind_text(s, 1, kz_status_name(to));
	kz_stmt_bind_int(s, 2, now);
	if (to == KZ_ST_CLOSED || to == KZ_ST_REJECTED)
		kz_stmt_bind_int(s, 3, now);
	else
		kz_stmt_bind_null(s, 3);
	kz_stmt_bind_int(s, 4, to == KZ_ST_COORDINATING);
	kz_stmt_bind_int(s, 5, cur->id);
	if ((rc = kz_stmt_exec(s)))
		goto fail;
	data = json_pack("{s:s, s:s}", "from", kz_status_name(cur->status),
	    "to", kz_status_name(to));
	if ((rc = kz_event_add(
		 st, cur->id, "status", actor, note ? note : "", data)))
		goto fail;
	rc = kz_store_commit(st);
	goto done;
fail:
	kz_store_rollback(st);
done:
	json_decref(data);
	kz_incident_free(cur);
	return rc;
}

int
kz_incident_note(struct kz_store *st, const char *ticket, const char *actor,
    const char *text)
{
	struct kz_incident *cur = NULL;
	int rc;

	if ((rc = check_text("note", text, KZ_TEXT_MAX, 1)))
		return rc;
	if ((rc = kz_store_begin(st)))
		return rc;
	if ((rc = kz_incident_get(&cur, st, ticket)) ||
	    (rc = kz_event_add(st, cur->id, "note", actor, text, NULL))) {
		kz_store_rollback(st);
		goto done;
	}
	rc = kz_store_commit(st);
done:
	kz_incident_free(cur);
	return rc;
}

/* Counts UTF-8 characters, for the trigram minimum of three. */
static size_t
utf8_chars(const char *s, size_t n)
{
	size_t c = 0;

	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			c++;
	return c;
}

struct text_terms {
	struct kz_buf fts;  /* FTS5 query: "a" AND "b" */
	struct kz_buf like; /* %term% patterns, each ended by a NUL */
	int nlike;
	int nshort; /* terms too short for trigrams */
};

static void
terms_release(struct text_terms *t)
{
	kz_buf_release(&t->fts);
	kz_buf_release(&t->like);
}

/*
 * Splits the query on white space (ASCII and the ideographic space). With
 * trigrams (SQLite's FTS5), terms of three or more characters go to the
 * index as quoted phrases; shorter ones become LIKE patterns, since
 * trigrams cannot find them. Without (PostgreSQL), every term is one.
 */
static int
split_terms(struct text_terms *t, const char *q, int trigram)
{
	const char *p = q;

	t->nlike = t->nshort = 0;
	while (*p) {
		const char *start;
		size_t n, chars;

		while (*p == ' ' || *p == '\t' || *p == '\n' ||
		    strncmp(p, "\xe3\x80\x80", 3) == 0)
			p += (*p == '\xe3') ? 3 : 1;
		if (!*p)
			break;
		start = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\n' &&
		    strncmp(p, "\xe3\x80\x80", 3) != 0)
			p++;
		n = (size_t)(p - start);
		chars = utf8_chars(start, n);
		if (trigram && chars >= 3) {
			if (t->fts.len)
				kz_buf_adds(&t->fts, " AND ");
			kz_buf_addc(&t->fts, '"');
			for (size_t i = 0; i < n; i++) {
				if (start[i] == '"')
					kz_buf_addc(&t->fts, '"');
				kz_buf_addc(&t->fts, start[i]);
			}
			kz_buf_addc(&t->fts, '"');
		} else {
			/* Dropping a word would widen the search. */
			if (chars < 3 && t->nshort++ == 16)
				return kz_error_set(KZ_EINVAL,
				    "too many short words in the search text "
				    "(at most %d)",
				    16);

			kz_buf_addc(&t->like, '%');
			for (size_t i = 0; i < n; i++) {
				if (start[i] == '%' || start[i] == '_' ||
				    start[i] == '\\')
					kz_buf_addc(&t->like, '\\');
				kz_buf_addc(&t->like, start[i]);
			}
			kz_buf_adds(&t->like, "%");
			kz_buf_addc(&t->like, '\0');
			t->nlike++;
		}
	}
	return t->fts.err ? t->fts.err : t->like.err;
}

static void
add_bits(struct kz_buf *w, const char *col, unsigned bits,
    const char *const *names, int count)
{
	int first = 1;

	if (!bits)
		return;
	kz_buf_addf(w, " AND %s IN (", col);
	for (int i = 0; i < count; i++)
		if (bits & (1u << i)) {
			/* Names come from our own tables, never from input. */
			kz_buf_addf(w, "%s'%s'", first ? "" : ", ", names[i]);
			first = 0;
		}
	kz_buf_addc(w, ')');
}

int
kz_incident_list(struct kz_incident_list *out, struct kz_store *st,
    const struct kz_incident_filter *f)
{
	struct kz_buf w = KZ_BUF_INIT(8192), sql = KZ_BUF_INIT(16384);
	struct text_terms terms = { 0 };
	struct kz_stmt *s;
	int64_t limit = f->limit > 0 ? f->limit : 50;
	size_t cap = 0;
	int rc, i, pass;
	/* Filtered on status, category and TLP alone: incident_counts
	 * (kept by triggers) has the total without counting rows. */
	int tally = !f->assignee && !f->priority_min && !f->priority_max &&
	    !f->from && !f->to && !f->access_sql &&
	    (!f->text || kz_str_blank(f->text));

	memset(out, 0, sizeof(*out));
	kz_buf_init(&terms.fts, 4096);
	kz_buf_init(&terms.like, 4096);
	if (f->text && (rc = check_text("search text", f->text, 1000, 0)))
		goto done;
	kz_buf_adds(&w, "1 = 1");
	add_bits(&w, "status", f->statuses, kz_status_names, KZ_ST_COUNT);
	add_bits(
	    &w, "category", f->categories, kz_category_names, KZ_CAT_COUNT);
	add_bits(&w, "tlp", f->tlps, kz_tlp_names, KZ_TLP_COUNT);
	if (f->assignee)
		kz_buf_adds(&w,
		    strcmp(f->assignee, "-") == 0 ? " AND assignee IS NULL" :
						    " AND assignee = ?");
	if (f->priority_min)
		kz_buf_adds(&w, " AND priority >= ?");
	if (f->priority_max)
		kz_buf_adds(&w, " AND priority <= ?");
	if (f->from)
		kz_buf_adds(&w, " AND created_at >= ?");
	if (f->to)
		kz_buf_adds(&w, " AND created_at < ?");
	if (f->text && !kz_str_blank(f->text)) {
		int sqlite = kz_store_dialect(st) == KZ_DIALECT_SQLITE;

		if ((rc = split_terms(&terms, f->text, sqlite)))
			goto done;
		if (terms.fts.len)
			kz_buf_adds(&w,
			    " AND id IN (SELECT rowid FROM incidents_fts "
			    "WHERE incidents_fts MATCH ?)");
		/* SQLite's LIKE ignores ASCII case, as FTS5 does. */
		for (i = 0; i < terms.nlike; i++)
			kz_buf_adds(&w,
			    sqlite ? " AND (title LIKE ? ESCAPE '\\' OR "
				     "description LIKE ? ESCAPE '\\')" :
				     " AND (title ILIKE ? ESCAPE '\\' OR "
				     "description ILIKE ? ESCAPE '\\')");
	}
	if (f->access_sql)
		kz_buf_addf(&w, " AND (%s)", f->access_sql);
	if (w.err) {
		rc = w.err;
		goto done;
	}
	/* Pass 0 counts, pass 1 fetches the page. */
	for (pass = 0; pass < 2; pass++) {
		const char *p;
		int b = 1;

		kz_buf_reset(&sql);
		if (pass == 0 && tally)
			kz_buf_addf(&sql,
			    "SELECT coalesce(sum(n), 0) FROM incident_counts "
			    "WHERE %s",
			    w.ptr);
		else if (pass == 0)
			kz_buf_addf(&sql,
			    "SELECT count(*) FROM incidents WHERE %s", w.ptr);
		else
			kz_buf_addf(&sql,
			    "SELECT " COLS " FROM incidents "
			    "WHERE %s ORDER BY created_at %s, id %s LIMIT ? "
			    "OFFSET ?",
			    w.ptr, f->oldest_first ? "ASC" : "DESC",
			    f->oldest_first ? "ASC" : "DESC");
		if (sql.err) {
			rc = sql.err;
			goto done;
		}
		if ((rc = kz_store_prepare(&s, st, sql.ptr)))
			goto done;
		if (f->assignee && strcmp(f->assignee, "-") != 0)
			kz_stmt_bind_text(s, b++, f->assignee);
		if (f->priority_min)
			kz_stmt_bind_int(s, b++, f->priority_min);
		if (f->priority_max)
			kz_stmt_bind_int(s, b++, f->priority_max);
		if (f->from)
			kz_stmt_bind_int(s, b++, f->from);
		if (f->to)
			kz_stmt_bind_int(s, b++, f->to);
		if (terms.fts.len)
			kz_stmt_bind_text(s, b++, terms.fts.ptr);
		for (i = 0, p = terms.like.ptr; i < terms.nlike;
		     i++, p += strlen(p) + 1) {
			kz_stmt_bind_text(s, b++, p);
			kz_stmt_bind_text(s, b++, p);
		}
		for (i = 0; f->access_sql && i < f->naccess_args; i++)
			kz_stmt_bind_int(s, b++, f->access_args[i]);
		if (pass == 0) {
			if ((rc = kz_stmt_step(s)) != KZ_ROW)
				goto done;
			out->total = kz_stmt_int(s, 0);
			kz_stmt_step(s);
			continue;
		}
		kz_stmt_bind_int(s, b++, limit);
		kz_stmt_bind_int(s, b++, f->offset);
		while ((rc = kz_stmt_step(s)) == KZ_ROW) {
			if (out->n == cap) {
				size_t nc = cap ? cap * 2 : 16;
				struct kz_incident *it =
				    kz_realloc(out->items, nc * sizeof(*it));

				if (!it) {
					rc = kz_error_set(
					    KZ_ENOMEM, "out of memory");
					goto done;
				}
				out->items = it;
				cap = nc;
			}
			if ((rc = read_row(&out->items[out->n], s)))
				goto done;
			out->n++;
		}
	}
done:
	if (rc && rc != KZ_DONE) {
		/* Leave the statement finished for the next user. */
		kz_incident_list_release(out);
	} else {
		rc = 0;
	}
	terms_release(&terms);
	kz_buf_release(&w);
	kz_buf_release(&sql);
	return rc;
}

void
kz_incident_list_release(struct kz_incident_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		kz_incident_release(&l->items[i]);
	kz_free(l->items);
	memset(l, 0, sizeof(*l));
}

json_t *
kz_incident_to_json(const struct kz_incident *inc)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	kz_json_set(o, "ticket", json_string(inc->ticket));
	kz_json_set(o, "title", json_string(inc->title ? inc->title : ""));
	kz_json_set(o, "description",
	    json_string(inc->description ? inc->description : ""));
	kz_json_set(
	    o, "category", json_string(kz_category_name(inc->category)));
	kz_json_set(o, "rsit", json_string(kz_category_rsit(inc->category)));
	kz_json_set(o, "status", json_string(kz_status_name(inc->status)));
	kz_json_set(o, "priority", json_integer(inc->priority));
	kz_json_set(o, "tlp", json_string(kz_tlp_label(inc->tlp)));
	kz_json_set(o, "stage", kz_json_str(kz_stage_name(inc->stage)));
	kz_json_set(o, "assignee", kz_json_str(inc->assignee));
	kz_json_set(o, "reporter", kz_json_str(inc->reporter));
	kz_json_set(o, "coordinated", json_boolean(inc->coordinated));
	kz_json_set(o, "created_at", kz_json_time(inc->created_at));
	kz_json_set(o, "updated_at", kz_json_time(inc->updated_at));
	kz_json_set(o, "closed_at", kz_json_time(inc->closed_at));
	return o;
}
