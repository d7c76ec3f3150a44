/* SPDX-License-Identifier: MIT */
/*
 * The handlers' pages: the dashboard (new, overdue, mine, counts by
 * category this quarter), the incident list with filters and search, and
 * the incident page with its timeline, reports, indicators and related
 * incidents, and the forms that triage, note, assign and close. What a
 * user may see is model/access.h's decision, asked on every page.
 */
#include <string.h>
#include <time.h>

#include "api.h"
#include "core/alloc.h"
#include "core/error.h"
#include "core/strutil.h"
#include "core/timeutil.h"
#include "model/access.h"
#include "model/event.h"
#include "model/incident.h"
#include "model/indicator.h"
#include "model/report.h"
#include "model/stats.h"
#include "model/user.h"
#include "ui.h"

#define OVERDUE_AFTER (7 * 86400) /* an open case untouched this long */
#define PAGE_ROWS     50

static int
is_staff(const struct kz_req *r)
{
	return (r->who.role & KZ_ROLE_STAFF) != 0;
}

static void
incident_rows(struct kz_buf *b, struct kz_req *r, const struct kz_incident *v,
    size_t n, int64_t older_than)
{
	size_t shown = 0;

	kz_buf_addf(b,
	    "<table><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
	    "<th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
	    ui_t(r, N_("Ticket")), ui_t(r, N_("Title")), ui_t(r, N_("Status")),
	    ui_t(r, N_("Category")), ui_t(r, N_("Priority")),
	    ui_t(r, N_("Assignee")), ui_t(r, N_("Last change")));
	for (size_t i = 0; i < n; i++) {
		if (older_than && v[i].updated_at >= older_than)
			continue;
		shown++;
		kz_buf_addf(b,
		    "<tr><td><a class=\"ticket\" href=\"/incidents/%s\">%s</a>"
		    "</td><td>%s</td><td><span class=\"status status-%s\">%s"
		    "</span></td><td>%s</td><td>%d</td><td>%s</td><td>%s</td>"
		    "</tr>",
		    ui_url(r, v[i].ticket), ui_e(r, v[i].ticket),
		    ui_e(r, v[i].title), kz_status_name(v[i].status),
		    ui_status_label(r, (int)v[i].status),
		    ui_category_label(r, (int)v[i].category), v[i].priority,
		    v[i].assignee ? ui_e(r, v[i].assignee) : "-",
		    ui_time(r, v[i].updated_at));
	}
	if (!shown)
		kz_buf_addf(b,
		    "<tr><td colspan=\"7\" class=\"muted\">%s</td></tr>",
		    ui_t(r, N_("Nothing here.")));
	kz_buf_adds(b, "</tbody></table>");
}

/* Lists with the reader's access condition; answers on error. */
static int
list(struct kz_req *r, struct kz_incident_list *out,
    struct kz_incident_filter *f)
{
	f->access_sql =
	    kz_access_incident_sql(&r->who, f->access_args, &f->naccess_args);
	if (kz_incident_list(out, r->st, f)) {
		ui_fail(r, 0);
		return -1;
	}
	return 0;
}

static unsigned
open_statuses(void)
{
	unsigned bits = 0;

	for (int s = 0; s < KZ_ST_COUNT; s++)
		if (kz_status_is_open((enum kz_status)s))
			bits |= 1u << s;
	return bits;
}

static int64_t
quarter_start(int64_t now)
{
	time_t t = (time_t)now;
	struct tm tm;

	gmtime_r(&t, &tm);
	tm.tm_mon -= tm.tm_mon % 3;
	tm.tm_mday = 1;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	return (int64_t)timegm(&tm);
}

int
ui_dashboard(struct kz_req *r)
{
	struct kz_buf b = KZ_BUF_INIT(UI_PAGE_MAX);
	struct kz_incident_list l = { 0 };
	struct kz_incident_filter f = { 0 };
	int64_t now = kz_time_now();

	ui_lang(r);
	ui_begin(&b, r, kz_tr(r->lang, N_("Dashboard")));
	if (!is_staff(r)) {
		f.statuses = open_statuses();
		f.limit = PAGE_ROWS;
		if (list(r, &l, &f))
			goto fail;
		kz_buf_addf(&b, "<h2>%s</h2>",
		    ui_t(r,
			N_("Open incidents that concern your "
			   "organisation")));
		incident_rows(&b, r, l.items, l.n, 0);
		kz_incident_list_release(&l);
		return ui_finish(&b, r, 200);
	}
	{
		struct kz_stats s;

		if (kz_stats_compute(&s, r->st, quarter_start(now), now + 1)) {
			ui_fail(r, 0);
			goto fail;
		}
		kz_buf_addf(&b, "<h2>%s</h2><ul class=\"counts\">",
		    ui_t(r, N_("This quarter by category")));
		for (int c = 0; c < KZ_CAT_COUNT; c++)
			kz_buf_addf(&b,
			    "<li><a href=\"/incidents?category=%s\">%s</a>"
			    "<b>%lld</b></li>",
			    kz_category_names[c], ui_category_label(r, c),
			    (long long)s.by_category[c]);
		kz_buf_adds(&b, "</ul>");
	}
	f.statuses = 1u << KZ_ST_NEW;
	f.limit = PAGE_ROWS;
	if (list(r, &l, &f))
		goto fail;
	kz_buf_addf(&b, "<h2>%s <span class=\"muted\">(%lld)</span></h2>",
	    ui_t(r, N_("New")), (long long)l.total);
	incident_rows(&b, r, l.items, l.n, 0);
	kz_incident_list_release(&l);

	memset(&f, 0, sizeof(f));
	f.statuses = open_statuses();
	f.assignee = r->who.name;
	f.limit = PAGE_ROWS;
	if (list(r, &l, &f))
		goto fail;
	kz_buf_addf(&b, "<h2>%s</h2>", ui_t(r, N_("Assigned to me")));
	incident_rows(&b, r, l.items, l.n, 0);
	kz_incident_list_release(&l);

	memset(&f, 0, sizeof(f));
	f.statuses = open_statuses();
	f.oldest_first = 1;
	f.limit = 500;
	f.to = now - OVERDUE_AFTER;
	if (list(r, &l, &f))
		goto fail;
	kz_buf_addf(&b, "<h2>%s <span class=\"hint\">%s</span></h2>",
	    ui_t(r, N_("Overdue")),
	    ui_t(r, N_("open and unchanged for a week")));
	incident_rows(&b, r, l.items, l.n, now - OVERDUE_AFTER);
	kz_incident_list_release(&l);
	return ui_finish(&b, r, 200);
fail:
	kz_buf_release(&b);
	return 0;
}

static void
select_names(struct kz_buf *b, struct kz_req *r, const char *name,
    const char *label, const char *const *names, const char *cur,
    const char *(*lab)(struct kz_req *, int))
{
	kz_buf_addf(b,
	    "<label>%s<select name=\"%s\"><option value=\"\">%s"
	    "</option>",
	    ui_t(r, label), name, ui_t(r, N_("any")));
	for (int i = 0; names[i]; i++)
		kz_buf_addf(b, "<option value=\"%s\"%s>%s</option>", names[i],
		    cur && strcmp(cur, names[i]) == 0 ? " selected" : "",
		    lab ? lab(r, i) : ui_e(r, names[i]));
	kz_buf_adds(b, "</select></label>");
}

static int
bad_filter(struct kz_req *r, const char *name)
{
	kz_error_set(KZ_EINVAL, "invalid value of filter '%s'", name);
	return ui_fail_page(r, 400, "invalid");
}

int
ui_incident_list(struct kz_req *r)
{
	struct kz_buf b = KZ_BUF_INIT(UI_PAGE_MAX);
	struct kz_incident_list l = { 0 };
	struct kz_incident_filter f = { 0 };
	const char *status = kz_req_query(r, "status");
	const char *category = kz_req_query(r, "category");
	const char *assignee = kz_req_query(r, "assignee");
	const char *priority = kz_req_query(r, "priority");
	const char *q = kz_req_query(r, "q");
	const char *page = kz_req_query(r, "page");
	long prio = 0, pg = 1;
	int i;

	ui_lang(r);
	if (status && *status) {
		if ((i = kz_name_index(kz_status_names, status)) < 0)
			return bad_filter(r, "status");
		f.statuses = 1u << i;
	} else if (!status) {
		f.statuses = open_statuses();
	}
	if (category && *category) {
		if ((i = kz_name_index(kz_category_names, category)) < 0)
			return bad_filter(r, "category");
		f.categories = 1u << i;
	}
	if (assignee && *assignee) {
		if (strcmp(assignee, "-") != 0 && kz_user_name_check(assignee))
			return bad_filter(r, "assignee");
		f.assignee = assignee;
	}
	if (priority && *priority) {
		if (kz_parse_long(
			&prio, priority, KZ_PRIORITY_MIN, KZ_PRIORITY_MAX))
			return bad_filter(r, "priority");
		f.priority_min = f.priority_max = (int)prio;
	}
	if (page && kz_parse_long(&pg, page, 1, 100000))
		return bad_filter(r, "page");
	if (q && strlen(q) > 200)
		return bad_filter(r, "q");
	f.text = q && *q ? q : NULL;
	f.limit = PAGE_ROWS;
	f.offset = (pg - 1) * PAGE_ROWS;
	if (list(r, &l, &f))
		return 0;
	ui_begin(&b, r, kz_tr(r->lang, N_("Incidents")));
	kz_buf_adds(&b,
	    "<form method=\"get\" action=\"/incidents\" "
	    "class=\"filters box\">");
	kz_buf_addf(&b,
	    "<label>%s<input type=\"search\" name=\"q\" "
	    "value=\"%s\" maxlength=\"200\"></label>",
	    ui_t(r, N_("Search")), ui_e(r, q));
	select_names(&b, r, "status", N_("Status"), kz_status_names, status,
	    ui_status_label);
	select_names(&b, r, "category", N_("Category"), kz_category_names,
	    category, ui_category_label);
	kz_buf_addf(&b,
	    "<label>%s<input name=\"assignee\" value=\"%s\" maxlength=\"64\" "
	    "size=\"10\"></label><label>%s<select name=\"priority\">"
	    "<option value=\"\">%s</option>",
	    ui_t(r, N_("Assignee")), ui_e(r, assignee), ui_t(r, N_("Priority")),
	    ui_t(r, N_("any")));
	for (int p = KZ_PRIORITY_MIN; p <= KZ_PRIORITY_MAX; p++)
		kz_buf_addf(&b, "<option%s>%d</option>",
		    prio == p ? " selected" : "", p);
	kz_buf_addf(&b,
	    "</select></label><button type=\"submit\">%s</button>"
	    "</form>",
	    ui_t(r, N_("Filter")));
	kz_buf_addf(&b, "<p class=\"muted\">%lld %s</p>", (long long)l.total,
	    ui_t(r, N_("incidents")));
	incident_rows(&b, r, l.items, l.n, 0);
	if (l.total > pg * PAGE_ROWS)
		kz_buf_addf(&b,
		    "<p><a href=\"/incidents?q=%s&amp;status=%s&amp;category=%s"
		    "&amp;assignee=%s&amp;priority=%s&amp;page=%ld\">%s</a></p>",
		    ui_url(r, q), ui_url(r, status), ui_url(r, category),
		    ui_url(r, assignee), ui_url(r, priority), pg + 1,
		    ui_t(r, N_("Next page")));
	kz_incident_list_release(&l);
	return ui_finish(&b, r, 200);
}

static void
field_row(
    struct kz_buf *b, struct kz_req *r, const char *label, const char *html)
{
	kz_buf_addf(b, "<tr><th>%s</th><td>%s</td></tr>", ui_t(r, label), html);
}

static void
staff_forms(struct kz_buf *b, struct kz_req *r, const struct kz_incident *inc)
{
	struct kz_user *users = NULL;
	size_t nu = 0;
	const char *t = ui_url(r, inc->ticket);
	int any = 0;

	kz_buf_addf(b,
	    "<div class=\"grid\"><form method=\"post\" "
	    "action=\"/incidents/%s/status\" class=\"box\" "
	    "id=\"status-form\">",
	    t);
	ui_csrf_field(b, r);
	kz_buf_addf(b, "<label>%s<select name=\"status\">",
	    ui_t(r, N_("Change status")));
	for (int s = 0; s < KZ_ST_COUNT; s++)
		if (kz_status_can_move(inc->status, (enum kz_status)s)) {
			kz_buf_addf(b, "<option value=\"%s\">%s</option>",
			    kz_status_names[s], ui_status_label(r, s));
			any = 1;
		}
	kz_buf_addf(b,
	    "</select></label><label>%s<input name=\"note\" "
	    "maxlength=\"2000\"></label><button type=\"submit\"%s>%s</button>"
	    "</form>",
	    ui_t(r, N_("Why (optional)")), any ? "" : " disabled",
	    ui_t(r, N_("Change status")));

	kz_buf_addf(b,
	    "<form method=\"post\" action=\"/incidents/%s/assign\" "
	    "class=\"box\" id=\"assign-form\">",
	    t);
	ui_csrf_field(b, r);
	kz_buf_addf(b,
	    "<label>%s<select name=\"assignee\"><option value=\"\">"
	    "%s</option>",
	    ui_t(r, N_("Assignee")), ui_t(r, N_("nobody")));
	if (kz_user_list(&users, &nu, r->st) == 0) {
		for (size_t i = 0; i < nu; i++)
			if ((users[i].role & KZ_ROLE_STAFF) &&
			    !users[i].disabled)
				kz_buf_addf(b, "<option%s>%s</option>",
				    inc->assignee &&
					    strcmp(inc->assignee,
						users[i].name) == 0 ?
					" selected" :
					"",
				    ui_e(r, users[i].name));
		kz_user_list_free(users, nu);
	}
	kz_error_clear();
	kz_buf_addf(b,
	    "</select></label><button type=\"submit\">%s</button>"
	    "</form>",
	    ui_t(r, N_("Assign")));

	kz_buf_addf(b,
	    "<form method=\"post\" action=\"/incidents/%s/notes\" "
	    "class=\"box\" id=\"note-form\">",
	    t);
	ui_csrf_field(b, r);
	kz_buf_addf(b,
	    "<label>%s<textarea name=\"text\" required></textarea></label>"
	    "<button type=\"submit\">%s</button></form></div>",
	    ui_t(r, N_("Internal note")), ui_t(r, N_("Add note")));
	ui_notify_box(b, r, inc);
}

static void
staff_sections(
    struct kz_buf *b, struct kz_req *r, const struct kz_incident *inc)
{
	struct kz_report *reps = NULL;
	char(*rel)[32] = NULL;
	size_t n = 0;

	kz_buf_addf(b, "<h2>%s</h2>", ui_t(r, N_("Reports")));
	if (kz_report_list(&reps, &n, r->st, inc->id) == 0) {
		kz_buf_addf(b,
		    "<table><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
		    "<th>%s</th></tr>",
		    ui_t(r, N_("Received")), ui_t(r, N_("Source")),
		    ui_t(r, N_("Reporter")), ui_t(r, N_("Subject")),
		    ui_t(r, N_("Size")));
		for (size_t i = 0; i < n; i++)
			kz_buf_addf(b,
			    "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td>"
			    "<td>%zu</td></tr>",
			    ui_time(r, reps[i].received_at),
			    ui_e(r, reps[i].source), ui_e(r, reps[i].reporter),
			    ui_e(r, reps[i].subject), reps[i].size);
		kz_buf_adds(b, "</table>");
		kz_report_list_free(reps, n);
	}
	kz_buf_addf(b, "<h2>%s</h2>", ui_t(r, N_("Related incidents")));
	if (kz_incident_related(&rel, &n, r->st, inc->id) == 0) {
		kz_buf_adds(b, "<ul>");
		for (size_t i = 0; i < n; i++)
			kz_buf_addf(b,
			    "<li><a class=\"ticket\" href=\"/incidents/%s\">%s"
			    "</a></li>",
			    ui_url(r, rel[i]), ui_e(r, rel[i]));
		if (!n)
			kz_buf_addf(b, "<li class=\"muted\">%s</li>",
			    ui_t(r, N_("Nothing here.")));
		kz_buf_adds(b, "</ul>");
		kz_free(rel);
	}
	kz_error_clear();
}

/* The indicators who may read (model/access.h), for staff and members. */
static void
indicator_section(
    struct kz_buf *b, struct kz_req *r, const struct kz_incident *inc)
{
	struct kz_indicator *iocs = NULL;
	size_t n = 0;

	if (kz_indicator_list_incident(&iocs, &n, r->st, inc->id) ||
	    kz_access_indicators(r->st, &r->who, inc, iocs, &n)) {
		kz_indicator_list_free(iocs, n);
		kz_error_clear();
		return;
	}
	kz_buf_addf(b, "<h2>%s</h2>", ui_t(r, N_("Indicators")));
	kz_buf_adds(b, "<ul id=\"indicators\">");
	for (size_t i = 0; i < n; i++)
		kz_buf_addf(b,
		    "<li><code>%s</code> <span class=\"muted\">%s</span> "
		    "<span class=\"tlp\">%s</span></li>",
		    ui_e(r, iocs[i].value),
		    ui_e(r, kz_ioc_type_name(iocs[i].type)),
		    kz_tlp_label(iocs[i].tlp));
	if (!n)
		kz_buf_addf(b, "<li class=\"muted\">%s</li>",
		    ui_t(r, N_("Nothing here.")));
	kz_buf_adds(b, "</ul>");
	kz_indicator_list_free(iocs, n);
}

static const char *
done_message(const char *done)
{
	if (!done)
		return NULL;
	if (strcmp(done, "status") == 0)
		return N_("The status was changed.");
	if (strcmp(done, "assign") == 0)
		return N_("The assignee was changed.");
	if (strcmp(done, "note") == 0)
		return N_("The note was added.");
	if (strcmp(done, "notify") == 0)
		return N_("The notice was queued; the timeline shows it.");
	return NULL;
}

int
ui_incident_page(struct kz_req *r)
{
	struct kz_buf b = KZ_BUF_INIT(UI_PAGE_MAX);
	struct kz_incident *inc;
	struct kz_event *ev = NULL;
	size_t nev = 0;
	const char *done;
	char title[KZ_TICKET_MAX + 8];

	ui_lang(r);
	if (api_incident_load(r, KZ_ACCESS_READ, &inc))
		return 0;
	snprintf(title, sizeof(title), "%s", inc->ticket);
	ui_begin(&b, r, title);
	if ((done = done_message(kz_req_query(r, "done"))))
		kz_buf_addf(&b, "<p class=\"done\" role=\"status\">%s</p>",
		    ui_t(r, done));
	kz_buf_addf(&b, "<h2 id=\"title\">%s</h2><table class=\"box\">",
	    ui_e(r, inc->title));
	{
		struct kz_buf s = KZ_BUF_INIT(4096);

		kz_buf_addf(&s,
		    "<span class=\"status status-%s\" id=\"status\">"
		    "%s</span>",
		    kz_status_name(inc->status),
		    ui_status_label(r, (int)inc->status));
		field_row(&b, r, N_("Status"), s.ptr);
		kz_buf_release(&s);
	}
	field_row(
	    &b, r, N_("Category"), ui_category_label(r, (int)inc->category));
	field_row(&b, r, N_("Priority"),
	    inc->priority == 1     ? "1" :
		inc->priority == 2 ? "2" :
		inc->priority == 3 ? "3" :
		inc->priority == 4 ? "4" :
				     "5");
	field_row(&b, r, "TLP", kz_tlp_label(inc->tlp));
	field_row(&b, r, N_("Stage"),
	    inc->stage == KZ_STAGE_NONE ? "-" :
					  ui_e(r, kz_stage_name(inc->stage)));
	kz_buf_addf(&b, "<tr><th>%s</th><td id=\"assignee\">%s</td></tr>",
	    ui_t(r, N_("Assignee")),
	    inc->assignee ? ui_e(r, inc->assignee) : "-");
	if (inc->reporter)
		field_row(&b, r, N_("Reporter"), ui_e(r, inc->reporter));
	field_row(&b, r, N_("Opened"), ui_time(r, inc->created_at));
	field_row(&b, r, N_("Last change"), ui_time(r, inc->updated_at));
	kz_buf_adds(&b, "</table>");
	if (inc->description && *inc->description)
		kz_buf_addf(&b, "<h2>%s</h2><pre class=\"mail\">%s</pre>",
		    ui_t(r, N_("Description")), ui_e(r, inc->description));
	if (kz_access_incident(r->st, &r->who, inc, KZ_ACCESS_WRITE) == 0)
		staff_forms(&b, r, inc);
	indicator_section(&b, r, inc);
	if (kz_access_incident(r->st, &r->who, inc, KZ_ACCESS_REPORTS) == 0)
		staff_sections(&b, r, inc);
	if (kz_access_incident(r->st, &r->who, inc, KZ_ACCESS_TIMELINE) == 0 &&
	    kz_event_list(&ev, &nev, r->st, inc->id) == 0) {
		kz_buf_addf(&b,
		    "<h2>%s</h2><ol class=\"timeline\" "
		    "id=\"timeline\">",
		    ui_t(r, N_("Timeline")));
		for (size_t i = 0; i < nev; i++) {
			/* Members see only the events access.c allows. */
			if (!kz_access_event(&r->who, &ev[i]))
				continue;
			kz_buf_addf(&b,
			    "<li><div class=\"meta\">%s &middot; %s &middot; "
			    "%s</div>",
			    ui_time(r, ev[i].at), ui_e(r, ev[i].kind),
			    ev[i].actor ? ui_e(r, ev[i].actor) : "-");
			if (ev[i].text && *ev[i].text)
				kz_buf_addf(
				    &b, "<pre>%s</pre>", ui_e(r, ev[i].text));
			kz_buf_adds(&b, "</li>");
		}
		kz_buf_adds(&b, "</ol>");
		kz_event_list_free(ev, nev);
	}
	kz_error_clear();
	kz_incident_free(inc);
	return ui_finish(&b, r, 200);
}

/* Loads the incident for a change and parses the form; answers on error. */
static int
begin_change(struct kz_req *r, struct kz_incident **inc)
{
	ui_lang(r);
	if (ui_form_check(r))
		return -1;
	return api_incident_load(r, KZ_ACCESS_WRITE, inc);
}

static int
after_change(
    struct kz_req *r, struct kz_incident *inc, int rc, const char *done)
{
	char loc[KZ_TICKET_MAX + 40];

	if (rc) {
		kz_incident_free(inc);
		return ui_fail(r, 0);
	}
	snprintf(loc, sizeof(loc), "/incidents/%s?done=%s", inc->ticket, done);
	kz_incident_free(inc);
	return ui_redirect(r, loc);
}

int
ui_incident_status(struct kz_req *r)
{
	struct kz_incident *inc;
	const char *to, *note;
	enum kz_status s;
	int rc;

	if (begin_change(r, &inc))
		return 0;
	to = ui_form_get(r, "status");
	note = ui_form_get(r, "note");
	if (!to || kz_status_parse(&s, to))
		rc = to ?
		    kz_error_code() :
		    kz_error_set(KZ_EINVAL, "field '%s' is required", "status");
	else if (note && strlen(note) > KZ_TEXT_MAX)
		rc = kz_error_set(KZ_EINVAL, "the note is too long");
	else
		rc = kz_incident_set_status(r->st, inc->ticket, s, r->who.name,
		    note && *note ? note : NULL);
	return after_change(r, inc, rc, "status");
}

int
ui_incident_assign(struct kz_req *r)
{
	struct kz_incident *inc, chg;
	const char *who;
	struct kz_user *u = NULL;
	int rc = 0;

	if (begin_change(r, &inc))
		return 0;
	who = ui_form_get(r, "assignee");
	if (!who)
		rc = kz_error_set(
		    KZ_EINVAL, "field '%s' is required", "assignee");
	else if (*who && (rc = kz_user_get(&u, r->st, who)) == 0 &&
	    !(u->role & KZ_ROLE_STAFF))
		rc = kz_error_set(KZ_EINVAL,
		    "'%s' is not a handler: only handlers and admins take "
		    "incidents",
		    who);
	kz_user_free(u);
	if (rc == KZ_ENOTFOUND)
		rc = KZ_EINVAL;
	if (rc == 0) {
		kz_incident_init(&chg);
		chg.assignee = *who ? (char *)who : NULL;
		rc = kz_incident_update(
		    r->st, inc->ticket, &chg, KZ_F_ASSIGNEE, r->who.name);
	}
	return after_change(r, inc, rc, "assign");
}

int
ui_incident_note(struct kz_req *r)
{
	struct kz_incident *inc;
	const char *text;
	int rc;

	if (begin_change(r, &inc))
		return 0;
	text = ui_form_get(r, "text");
	if (!text || kz_str_blank(text))
		rc = kz_error_set(KZ_EINVAL, "the note is empty");
	else if (strlen(text) > KZ_TEXT_MAX)
		rc = kz_error_set(KZ_EINVAL, "the note is too long");
	else
		rc = kz_incident_note(r->st, inc->ticket, r->who.name, text);
	return after_change(r, inc, rc, "note");
}
