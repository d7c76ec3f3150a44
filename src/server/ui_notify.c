/* SPDX-License-Identifier: MIT */
/*
 * Notifying the party who can act (step 4 of the handling flow) from the
 * web: the incident page's dialog asks whom, in which language and with
 * which machine-readable parts; the preview shows the whole mail as it
 * will go out; sending queues exactly that composition in the outbox
 * (deliver.h sends it when an SMTP server is set). The API's
 * POST /api/v1/incidents/{ticket}/notify does the same for scripts. TLP
 * is checked by kz_compose() through model/access.h, as for the CLI.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "core/error.h"
#include "core/json.h"
#include "deliver.h"
#include "model/access.h"
#include "model/org.h"
#include "notify/compose.h"
#include "notify/contact.h"
#include "notify/outbox.h"
#include "routes.h"
#include "server.h"
#include "ui.h"

/* What the dialog or the API asked for. */
struct notify_in {
	const char *org;     /* an org linked or not; NULL or "" */
	const char *address; /* a bare address, over org */
	const char *lang;    /* NULL or "": the org's, else en */
	const char *format;  /* NULL or "": the org's, else both */
};

/* One composition and what it was made from. */
struct notify_out {
	struct kz_org *org;
	struct kz_compose_opts o;
	struct kz_composed c;
	int64_t iid;
};

static void
notify_out_release(struct notify_out *n)
{
	kz_composed_release(&n->c);
	kz_org_free(n->org);
	memset(n, 0, sizeof(*n));
}

static int
blank(const char *s)
{
	return !s || !*s;
}

/*
 * Composes the notice of inc for in, the recipient resolved as the CLI
 * does (kz_notify_target). 0, or a KZ_E* code with the error set
 * (KZ_EPERM when TLP keeps it in).
 */
static int
notify_compose(struct kz_req *r, const struct kz_incident *inc,
    const struct notify_in *in, struct notify_out *n)
{
	const char *to = blank(in->address) ? in->org : in->address;
	int rc;

	memset(n, 0, sizeof(*n));
	if (!r->srv->notify.team_email)
		return kz_error_set(KZ_EINVAL,
		    "the team's address is not set: give [team] email in the "
		    "config file or KIZUKI_TEAM_EMAIL, and restart kizuki "
		    "serve");
	if (blank(to))
		return kz_error_set(KZ_EINVAL,
		    "choose an organisation or give an address to notify");
	if (!blank(in->address) && !strchr(in->address, '@'))
		return kz_error_set(KZ_EINVAL,
		    "invalid recipient '%s' (an e-mail address)", in->address);
	rc = kz_notify_target(&n->o, &n->org, r->st, to, in->lang, in->format);
	if (rc == KZ_ENOTFOUND) /* the form's org, not the page */
		return kz_error_set(KZ_EINVAL, "no org '%s' to notify", to);
	if (rc)
		return rc;
	n->iid = inc->id;
	n->o.kind = KZ_CONTACT_NOTIFY;
	n->o.incident_ids = &n->iid;
	n->o.n_incidents = 1;
	return kz_compose(&n->c, r->st, &r->srv->notify, &n->o);
}

/* Queues the composition; 0 with the contact's id, or a KZ_E* code. */
static int
notify_queue(struct kz_req *r, struct notify_out *n, int64_t *id)
{
	int rc = kz_outbox_enqueue(id, r->st, &n->c, &n->o, r->who.name);

	if (rc == 0)
		kz_deliver_kick(r->srv);
	return rc;
}

static const char *
machine_label(struct kz_req *r, unsigned m)
{
	switch (m & KZ_MACHINE_BOTH) {
	case KZ_MACHINE_XARF:
		return "X-ARF";
	case KZ_MACHINE_IODEF:
		return "IODEF";
	case KZ_MACHINE_BOTH:
		return "X-ARF, IODEF";
	}
	return ui_t(r, N_("none"));
}

static void
option(struct kz_buf *b, struct kz_req *r, const char *value, const char *label,
    const char *cur)
{
	kz_buf_addf(b, "<option value=\"%s\"%s>%s</option>", ui_e(r, value),
	    cur && strcmp(cur, value) == 0 ? " selected" : "", label);
}

/* The choices: whom (orgs linked to the incident, or an address), the
 * language and the machine-readable parts. */
static void
choices(struct kz_buf *b, struct kz_req *r, const struct kz_incident *inc,
    const struct notify_in *in, const char *id)
{
	json_t *links = NULL, *l;
	size_t i;

	kz_buf_addf(b,
	    "<form method=\"get\" action=\"/incidents/%s/notify\" "
	    "class=\"box\" id=\"%s\"><h3>%s</h3>",
	    ui_url(r, inc->ticket), id, ui_t(r, N_("Notify")));
	kz_buf_addf(b,
	    "<label>%s<select name=\"org\"><option value=\"\">%s"
	    "</option>",
	    ui_t(r, N_("Organisation")), ui_t(r, N_("(the address below)")));
	if (kz_access_links_json(&links, r->st, inc->id) == 0)
		json_array_foreach(links, i, l)
		{
			const char *org =
			    json_string_value(json_object_get(l, "org"));
			const char *role =
			    json_string_value(json_object_get(l, "role"));
			char label[2048];

			if (!org)
				continue;
			snprintf(label, sizeof(label), "%s (%s)", ui_e(r, org),
			    ui_t(r, role ? role : "-"));
			option(b, r, org, label, in->org);
		}
	json_decref(links);
	kz_error_clear();
	kz_buf_addf(b,
	    "</select></label><label>%s<input name=\"address\" "
	    "type=\"email\" value=\"%s\" placeholder=\"abuse@example.net\">"
	    "</label>",
	    ui_t(r, N_("or an address")), ui_e(r, in->address));
	kz_buf_addf(b, "<label>%s<select name=\"lang\">",
	    ui_t(r, N_("Language of the notice")));
	option(b, r, "", ui_t(r, N_("the organisation's")), in->lang);
	option(b, r, "ja", "日本語", in->lang);
	option(b, r, "en", "English", in->lang);
	option(b, r, "ja+en", "日本語 + English", in->lang);
	kz_buf_addf(b, "</select></label><label>%s<select name=\"format\">",
	    ui_t(r, N_("Machine-readable parts")));
	option(b, r, "", ui_t(r, N_("the organisation's")), in->format);
	option(b, r, "both", "X-ARF + IODEF", in->format);
	option(b, r, "xarf", "X-ARF", in->format);
	option(b, r, "iodef", "IODEF", in->format);
	option(b, r, "none", ui_t(r, N_("none")), in->format);
	kz_buf_addf(b,
	    "</select></label><button type=\"submit\">%s</button></form>",
	    ui_t(r, N_("Preview the notice")));
}

void
ui_notify_box(struct kz_buf *b, struct kz_req *r, const struct kz_incident *inc)
{
	const struct notify_in none = { NULL, NULL, NULL, NULL };

	choices(b, r, inc, &none, "notify-form");
}

static void
hidden(struct kz_buf *b, struct kz_req *r, const char *name, const char *v)
{
	kz_buf_addf(b, "<input type=\"hidden\" name=\"%s\" value=\"%s\">", name,
	    ui_e(r, v ? v : ""));
}

/* The error of a failed composition or queueing, for the page. */
static const char *
failure(struct kz_req *r, int rc, unsigned *status)
{
	const char *code, *fmt = kz_error_format();

	*status = kz_http_status_of(rc, &code);
	if (*status >= 500) {
		fprintf(
		    stderr, "kizuki serve: notify: %s\n", kz_error_message());
		return kz_tr(r->lang, N_("internal error: see the server log"));
	}
	return kz_error_render(fmt ? kz_tr(r->lang, fmt) : NULL);
}

/*
 * The preview page: the choices, then the mail as it will go out, or
 * error (a failed send) and why it cannot go.
 */
static int
preview_page(struct kz_req *r, const struct kz_incident *inc,
    const struct notify_in *in, unsigned status, const char *error)
{
	struct kz_buf b = KZ_BUF_INIT(UI_PAGE_MAX);
	struct notify_out n;
	char title[KZ_TICKET_MAX + 64];
	int rc, show = !error && (!blank(in->org) || !blank(in->address));

	snprintf(title, sizeof(title), "%s: %s", inc->ticket,
	    kz_tr(r->lang, N_("Notify")));
	memset(&n, 0, sizeof(n));
	if (show && (rc = notify_compose(r, inc, in, &n))) {
		error = failure(r, rc, &status);
		show = 0;
	}
	ui_begin(&b, r, title);
	kz_buf_addf(&b, "<p><a href=\"/incidents/%s\">%s</a></p>",
	    ui_url(r, inc->ticket), ui_t(r, N_("Back to the incident")));
	if (error)
		kz_buf_addf(&b,
		    "<p class=\"error\" role=\"alert\" id=\"notify-error\">%s"
		    "</p>",
		    ui_e(r, error));
	choices(&b, r, inc, in, "notify-choices");
	if (show) {
		kz_buf_addf(&b,
		    "<h2>%s</h2><table class=\"box\" id=\"notice-head\">",
		    ui_t(r, N_("The notice as it will be sent")));
		kz_buf_addf(&b, "<tr><th>From</th><td>%s</td></tr>",
		    ui_e(r, r->srv->notify.team_email));
		kz_buf_addf(&b,
		    "<tr><th>To</th><td id=\"notice-to\">%s</td></tr>",
		    ui_e(r, n.o.recipient));
		kz_buf_addf(&b,
		    "<tr><th>Subject</th><td id=\"notice-subject\">%s</td></tr>",
		    ui_e(r, n.c.subject));
		kz_buf_addf(&b, "<tr><th>%s</th><td>%s</td></tr>",
		    ui_t(r, N_("Template")), ui_e(r, n.c.template));
		kz_buf_addf(&b, "<tr><th>%s</th><td>%zu</td></tr>",
		    ui_t(r, N_("Indicators")), n.c.n_indicators);
		kz_buf_addf(&b, "<tr><th>%s</th><td>%s</td></tr></table>",
		    ui_t(r, N_("Machine-readable parts")),
		    machine_label(r, n.o.machine));
		kz_buf_addf(&b,
		    "<pre class=\"mail\" id=\"notice-body\">%s</pre>",
		    ui_e(r, n.c.body));
		kz_buf_addf(&b,
		    "<details><summary>%s</summary><pre class=\"mail\" "
		    "id=\"notice-raw\">%s</pre></details>",
		    ui_t(r, N_("The whole message (MIME)")), ui_e(r, n.c.raw));
		kz_buf_addf(&b,
		    "<form method=\"post\" action=\"/incidents/%s/notify\" "
		    "class=\"box\" id=\"notify-send\">",
		    ui_url(r, inc->ticket));
		ui_csrf_field(&b, r);
		hidden(&b, r, "org", in->org);
		hidden(&b, r, "address", in->address);
		hidden(&b, r, "lang", in->lang);
		hidden(&b, r, "format", in->format);
		kz_buf_addf(&b,
		    "<p>%s</p><button type=\"submit\">%s</button></form>",
		    ui_t(r,
			r->srv->deliverer ?
			    N_("Sending queues the notice and delivers it "
			       "now; a reply or a bounce comes back to the "
			       "incident.") :
			    N_("Sending queues the notice; no SMTP server is "
			       "set for kizuki serve, so 'kizuki outbox run' "
			       "delivers it.")),
		    ui_t(r, N_("Send the notice")));
	}
	notify_out_release(&n);
	kz_error_clear();
	return ui_finish(&b, r, status);
}

static void
form_in(struct kz_req *r, struct notify_in *in, int posted)
{
	const char *(*get)(struct kz_req *, const char *) =
	    posted ? ui_form_get : kz_req_query;

	in->org = get(r, "org");
	in->address = get(r, "address");
	in->lang = get(r, "lang");
	in->format = get(r, "format");
}

int
ui_notify_preview(struct kz_req *r)
{
	struct kz_incident *inc;
	struct notify_in in;
	int rc;

	ui_lang(r);
	if (api_incident_load(r, KZ_ACCESS_WRITE, &inc))
		return 0;
	form_in(r, &in, 0);
	rc = preview_page(r, inc, &in, 200, NULL);
	kz_incident_free(inc);
	return rc;
}

int
ui_notify_send(struct kz_req *r)
{
	struct kz_incident *inc;
	struct notify_in in;
	struct notify_out n;
	char loc[KZ_TICKET_MAX + 40];
	int64_t id = 0;
	int rc;

	ui_lang(r);
	if (ui_form_check(r) || api_incident_load(r, KZ_ACCESS_WRITE, &inc))
		return 0;
	form_in(r, &in, 1);
	if ((rc = notify_compose(r, inc, &in, &n)) ||
	    (rc = notify_queue(r, &n, &id))) {
		unsigned status;
		const char *msg = kz_req_strdup(r, failure(r, rc, &status));

		notify_out_release(&n);
		rc = preview_page(r, inc, &in, status, msg);
		kz_incident_free(inc);
		return rc;
	}
	notify_out_release(&n);
	snprintf(loc, sizeof(loc), "/incidents/%s?done=notify", inc->ticket);
	kz_incident_free(inc);
	return ui_redirect(r, loc);
}

int
api_incident_notify(struct kz_req *r)
{
	static const char *const keys[] = { "to", "lang", "format", "send",
		NULL };
	struct kz_incident *inc;
	struct notify_in in = { NULL, NULL, NULL, NULL };
	struct notify_out n;
	const char *to = NULL;
	json_t *body = NULL;
	int send = 0;
	int64_t id = 0;

	memset(&n, 0, sizeof(n));
	if (api_incident_load(r, KZ_ACCESS_WRITE, &inc))
		return 0;
	if (kz_req_json(r, &body) || kz_req_json_keys(r, body, keys) ||
	    api_str_req(r, body, "to", &to) < 0 ||
	    api_str(r, body, "lang", 0, &in.lang) < 0 ||
	    api_str(r, body, "format", 0, &in.format) < 0 ||
	    api_bool(r, body, "send", &send) < 0)
		goto done;
	if (strchr(to, '@'))
		in.address = to;
	else
		in.org = to;
	if (notify_compose(r, inc, &in, &n)) {
		kz_http_fail(r);
		goto done;
	}
	if (!send) {
		kz_http_json(r, 200,
		    json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s%}",
			"ticket", n.c.ticket, "recipient", n.o.recipient,
			"subject", n.c.subject, "message_id", n.c.message_id,
			"template", n.c.template, "body", n.c.body,
			"indicators", (json_int_t)n.c.n_indicators, "raw",
			n.c.raw, n.c.raw_len));
		goto done;
	}
	if (notify_queue(r, &n, &id)) {
		kz_http_fail(r);
		goto done;
	}
	{
		struct kz_contact k;

		if (kz_contact_get(&k, r->st, id)) {
			kz_http_fail(r);
			goto done;
		}
		kz_http_json(r, 201,
		    json_pack("{s:o}", "contact", kz_contact_to_json(&k)));
		kz_contact_release(&k);
	}
done:
	notify_out_release(&n);
	json_decref(body);
	kz_incident_free(inc);
	return 0;
}
