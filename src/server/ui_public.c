/* SPDX-License-Identifier: MIT */
/*
 * The public side of the web UI: the report form (no login, Japanese and
 * English, attachments), what the reporter sees after sending it, and the
 * status page behind an unguessable link. Abuse protection without third
 * parties: a token bucket per address, a honeypot field, and a signed
 * form token that must be between 2 seconds and an hour old.
 */
#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/json.h"
#include "core/timeutil.h"
#include "model/event.h"
#include "model/incident.h"
#include "model/intake.h"
#include "model/status_token.h"
#include "model/user.h"
#include "server.h"
#include "ui.h"

#define FORM_MIN_AGE    2    /* seconds: faster than people type */
#define FORM_MAX_AGE    3600 /* seconds */
#define BUCKET_SLOTS    1024
#define BUCKET_BURST    30.0
#define BUCKET_PER_SEC  (1.0 / 20) /* one more report every 20 s */
#define FIELD_TEXT_MAX  (64u << 10)
#define FIELD_SHORT_MAX 500
#define REPORT_JSON_MAX (20u << 20)

/* The per-address token buckets: a fixed table, the oldest slot reused. */
struct bucket {
	char addr[64];
	double tokens;
	int64_t at;
};

static struct bucket buckets[BUCKET_SLOTS];
static pthread_mutex_t buckets_lock = PTHREAD_MUTEX_INITIALIZER;

/* Takes one token for addr; 0 when there was one, -1 when throttled. */
static int
bucket_take(const char *addr)
{
	uint32_t h = 2166136261u;
	struct bucket *b;
	int64_t now = kz_time_now();
	int rc = -1;

	for (const char *p = addr; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	pthread_mutex_lock(&buckets_lock);
	b = &buckets[h % BUCKET_SLOTS];
	if (strcmp(b->addr, addr) != 0) {
		snprintf(b->addr, sizeof(b->addr), "%s", addr);
		b->tokens = BUCKET_BURST;
		b->at = now;
	}
	b->tokens += (double)(now - b->at) * BUCKET_PER_SEC;
	if (b->tokens > BUCKET_BURST)
		b->tokens = BUCKET_BURST;
	b->at = now;
	if (b->tokens >= 1.0) {
		b->tokens -= 1.0;
		rc = 0;
	}
	pthread_mutex_unlock(&buckets_lock);
	return rc;
}

/* The form token: "TIME.HMAC(TIME)" with the servers' shared key. */
static void
form_token(struct kz_req *r, char out[96], int64_t t)
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	char ts[24];
	size_t n;

	_Static_assert(
	    sizeof(r->srv->form_key) == crypto_auth_hmacsha256_KEYBYTES,
	    "form key size");
	n = (size_t)snprintf(ts, sizeof(ts), "%lld", (long long)t);
	crypto_auth_hmacsha256(
	    mac, (const unsigned char *)ts, n, r->srv->form_key);
	memcpy(out, ts, n);
	out[n] = '.';
	sodium_bin2hex(out + n + 1, 96 - n - 1, mac, 16);
}

/* 0 when tok is ours and of the right age, else -1 with the error set. */
static int
form_token_check(struct kz_req *r, const char *tok)
{
	char want[96];
	long long t;
	char *end;
	int64_t now = kz_time_now();

	if (!tok || !*tok)
		goto bad;
	t = strtoll(tok, &end, 10);
	if (end == tok || *end != '.')
		goto bad;
	form_token(r, want, (int64_t)t);
	if (strlen(tok) != strlen(want) ||
	    sodium_memcmp(tok, want, strlen(want)) != 0)
		goto bad;
	if (now - t < FORM_MIN_AGE) {
		kz_error_set(KZ_EINVAL,
		    "the form was sent too fast: wait a moment and send it "
		    "again");
		return -1;
	}
	if (now - t > FORM_MAX_AGE)
		goto bad;
	return 0;
bad:
	kz_error_set(KZ_EINVAL,
	    "the form has expired or was not ours: reload the page and try "
	    "again");
	return -1;
}

struct report_fields {
	const char *title, *category, *description, *indicators;
	const char *name, *contact;
};

static void
text_field(struct kz_buf *b, struct kz_req *r, const char *name,
    const char *label, const char *hint, const char *value, int required,
    int area, const char *type)
{
	kz_buf_addf(b, "<label>%s%s", ui_t(r, label),
	    required ? " <span class=\"error\">*</span>" : "");
	if (hint)
		kz_buf_addf(
		    b, " <span class=\"hint\">%s</span>", ui_t(r, hint));
	if (area)
		kz_buf_addf(b, "<textarea name=\"%s\"%s>%s</textarea></label>",
		    name, required ? " required" : "", ui_e(r, value));
	else
		kz_buf_addf(b,
		    "<input name=\"%s\" type=\"%s\" maxlength=\"%d\" "
		    "value=\"%s\"%s></label>",
		    name, type, FIELD_SHORT_MAX, ui_e(r, value),
		    required ? " required" : "");
}

static int
form_page(struct kz_req *r, unsigned status, const char *error,
    const struct report_fields *v)
{
	struct kz_buf b = KZ_BUF_INIT(UI_PAGE_MAX);
	char tok[96];

	form_token(r, tok, kz_time_now());
	ui_begin(&b, r, kz_tr(r->lang, N_("Report an incident")));
	kz_buf_addf(&b, "<p>%s</p>",
	    ui_t(r,
		N_("Tell us about a computer security incident: a "
		   "phishing site, a defaced web site, malware, scans or "
		   "attacks. No account is needed. You get a ticket "
		   "number and a private link to follow the case.")));
	if (error)
		kz_buf_addf(&b, "<p class=\"error\" role=\"alert\">%s</p>",
		    ui_e(r, error));
	kz_buf_addf(&b,
	    "<form method=\"post\" action=\"/report\" "
	    "enctype=\"multipart/form-data\" class=\"box\">"
	    "<input type=\"hidden\" name=\"ft\" value=\"%s\">"
	    "<input type=\"hidden\" name=\"lang\" value=\"%s\">",
	    ui_e(r, tok), kz_lang_code(r->lang));
	ui_csrf_field(&b, r);
	text_field(&b, r, "title", N_("Subject"), N_("a short summary"),
	    v ? v->title : NULL, 0, 0, "text");
	kz_buf_addf(&b,
	    "<label>%s<select name=\"category\">"
	    "<option value=\"\">%s</option>",
	    ui_t(r, N_("Category")), ui_t(r, N_("I don't know")));
	for (int c = 0; c < KZ_CAT_COUNT; c++)
		kz_buf_addf(&b, "<option value=\"%s\"%s>%s</option>",
		    kz_category_names[c],
		    v && v->category &&
			    strcmp(v->category, kz_category_names[c]) == 0 ?
			" selected" :
			"",
		    ui_category_label(r, c));
	kz_buf_adds(&b, "</select></label>");
	text_field(&b, r, "description", N_("What happened"),
	    N_("when, where, what you saw"), v ? v->description : NULL, 1, 1,
	    NULL);
	text_field(&b, r, "indicators", N_("Indicators"),
	    N_("URLs, IP addresses, domains, mail addresses or hashes, one a "
	       "line"),
	    v ? v->indicators : NULL, 0, 1, NULL);
	kz_buf_addf(&b,
	    "<label>%s <span class=\"hint\">%s</span>"
	    "<input type=\"file\" name=\"attachment\" multiple></label>",
	    ui_t(r, N_("Attachments")),
	    ui_t(r, N_("up to 5 MB each, 10 MB together")));
	text_field(&b, r, "name", N_("Your name"), NULL, v ? v->name : NULL, 0,
	    0, "text");
	text_field(&b, r, "contact", N_("Your e-mail address"),
	    N_("so that we can ask you questions"), v ? v->contact : NULL, 0, 0,
	    "email");
	/* People do not see this field; robots fill it in. */
	kz_buf_addf(&b,
	    "<div class=\"trap\" aria-hidden=\"true\"><label>Website"
	    "<input name=\"website\" tabindex=\"-1\" autocomplete=\"off\">"
	    "</label></div><button type=\"submit\">%s</button></form>",
	    ui_t(r, N_("Send the report")));
	return ui_finish(&b, r, status);
}

int
ui_report_form(struct kz_req *r)
{
	ui_lang(r);
	return form_page(r, 200, NULL, NULL);
}

/* The report as the JSON document intake reads; kept verbatim. */
static json_t *
report_json(struct kz_req *r, const struct report_fields *v)
{
	json_t *doc = json_object(), *iocs = json_array(), *atts = json_array();
	const char *p = v->indicators ? v->indicators : "";

	kz_json_set(doc, "title", kz_json_str(*v->title ? v->title : NULL));
	kz_json_set(doc, "description", json_string(v->description));
	if (*v->category)
		kz_json_set(doc, "category", json_string(v->category));
	while (*p) {
		size_t n = strcspn(p, "\r\n");
		const char *s = p;

		while (n && (*s == ' ' || *s == '\t'))
			s++, n--;
		while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
		if (n)
			json_array_append_new(iocs, json_stringn(s, n));
		p = s + n;
		p += strspn(p, " \t\r\n");
	}
	kz_json_set(doc, "indicators", iocs);
	if (*v->contact || *v->name) {
		char who[2 * FIELD_SHORT_MAX + 8];

		if (*v->name && *v->contact)
			snprintf(
			    who, sizeof(who), "%s <%s>", v->name, v->contact);
		else
			snprintf(who, sizeof(who), "%s",
			    *v->contact ? v->contact : v->name);
		kz_json_set(doc, "reporter", json_string(who));
	}
	kz_json_set(doc, "lang", json_string(kz_lang_code(r->lang)));
	for (struct kz_form_field *f = ui_form(r)->first; f; f = f->next) {
		size_t blen;
		char *b64;
		char sha[65];

		if (!f->filename || strcmp(f->name, "attachment") != 0)
			continue;
		blen = sodium_base64_ENCODED_LEN(
		    f->len, sodium_base64_VARIANT_ORIGINAL);
		b64 = kz_req_alloc(r, blen);
		if (!b64) {
			json_decref(doc);
			json_decref(atts);
			return NULL;
		}
		sodium_bin2base64(b64, blen, (const unsigned char *)f->value,
		    f->len, sodium_base64_VARIANT_ORIGINAL);
		kz_sha256_hex(sha, f->value, f->len);
		json_array_append_new(atts,
		    json_pack("{s:s, s:s, s:I, s:s, s:s}", "filename",
			f->filename, "content_type",
			f->type ? f->type : "application/octet-stream", "size",
			(json_int_t)f->len, "sha256", sha, "content_base64",
			b64));
	}
	kz_json_set(doc, "attachments", atts);
	return doc;
}

static const char *
field(struct kz_req *r, const char *name)
{
	const char *v = ui_form_get(r, name);

	return v ? v : "";
}

int
ui_report_submit(struct kz_req *r)
{
	struct report_fields v;
	struct kz_intake_opts o = { 0 };
	struct kz_intake_result res;
	char tok[KZ_STATUS_TOKEN_LEN + 1], loc[128];
	enum kz_category cat;
	enum kz_lang lang;
	json_t *doc;
	char *raw;
	int rc, trap = 0;

	ui_lang(r);
	if (bucket_take(kz_req_addr(r)) != 0) {
		kz_error_set(KZ_EBUSY,
		    "too many reports from your address: wait a few minutes "
		    "and try again");
		return ui_fail_page(r, 429, "rate_limited");
	}
	if (ui_form_check(r))
		return 0;
	if (kz_lang_parse(&lang, field(r, "lang")) == 0)
		r->lang = lang;
	kz_error_clear();
	v.title = field(r, "title");
	v.category = field(r, "category");
	v.description = field(r, "description");
	v.indicators = field(r, "indicators");
	v.name = field(r, "name");
	v.contact = field(r, "contact");
	for (struct kz_form_field *f = ui_form(r)->first; f; f = f->next)
		if (strcmp(f->name, "website") == 0 && f->len)
			trap = 1;
	if (trap) {
		kz_error_set(KZ_EINVAL,
		    "the form has expired or was not ours: reload the page and "
		    "try again");
		return ui_fail_page(r, 400, "invalid");
	}
	if (form_token_check(r, ui_form_get(r, "ft")))
		return form_page(r, 400,
		    kz_error_render(kz_tr(r->lang, kz_error_format())), &v);
	if (!*v.description || strlen(v.description) > FIELD_TEXT_MAX ||
	    strlen(v.indicators) > FIELD_TEXT_MAX)
		return form_page(r, 400,
		    kz_tr(r->lang,
			N_("describe what happened (at most 64 kB "
			   "of text)")),
		    &v);
	if (strlen(v.title) > FIELD_SHORT_MAX ||
	    strlen(v.name) > FIELD_SHORT_MAX ||
	    strlen(v.contact) > FIELD_SHORT_MAX)
		return form_page(
		    r, 400, kz_tr(r->lang, N_("a field is too long")), &v);
	if (*v.category && kz_category_parse(&cat, v.category) != 0)
		return form_page(r, 400,
		    kz_error_render(kz_tr(r->lang, kz_error_format())), &v);
	if (*v.contact &&
	    (!strchr(v.contact, '@') ||
		strcspn(v.contact, " <>\"\r\n") != strlen(v.contact)))
		return form_page(r, 400,
		    kz_tr(
			r->lang, N_("the e-mail address does not look right")),
		    &v);
	doc = report_json(r, &v);
	raw = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
	json_decref(doc);
	if (!raw || strlen(raw) > REPORT_JSON_MAX) {
		free(raw);
		kz_error_set(KZ_ENOMEM, "the report is too large");
		return ui_fail_page(r, 413, "too_large");
	}
	o.format = KZ_INTAKE_JSON;
	o.source = "web";
	o.actor = "web";
	o.repeat_window = -1; /* a stranger's report never joins a case */
	o.tlp = KZ_TLP_AMBER;
	kz_intake_result_init(&res);
	if ((rc = kz_store_begin(r->st)) == 0) {
		rc = kz_intake(&res, r->st, raw, strlen(raw), &o);
		if (rc == 0)
			rc = kz_status_token_create(
			    tok, r->st, res.incident_id, res.report_id);
		if (rc == 0)
			rc = kz_store_commit(r->st);
		else
			kz_store_rollback(r->st);
	}
	free(raw);
	kz_intake_result_release(&res);
	if (rc == KZ_EINVAL)
		return form_page(r, 400,
		    kz_error_render(kz_tr(r->lang, kz_error_format())), &v);
	if (rc)
		return ui_fail(r, 0);
	snprintf(loc, sizeof(loc), "/report/status/%s?new=1", tok);
	sodium_memzero(tok, sizeof(tok));
	return ui_redirect(r, loc);
}

/* Which timeline entries a reporter sees: never notes nor reports. */
static const char *
public_event(struct kz_req *r, const struct kz_event *ev)
{
	if (strcmp(ev->kind, "opened") == 0)
		return ui_t(r, N_("Report received and case opened"));
	if (strcmp(ev->kind, "status") == 0) {
		const char *to = ev->data ?
		    json_string_value(json_object_get(ev->data, "to")) :
		    NULL;
		enum kz_status s;

		if (to && kz_status_parse(&s, to) == 0) {
			struct kz_buf b = KZ_BUF_INIT(4096);
			char *out;

			kz_buf_addf(&b, "%s: %s", ui_t(r, N_("Status changed")),
			    ui_status_label(r, (int)s));
			out = b.err ? NULL : kz_req_strdup(r, b.ptr);
			kz_buf_release(&b);
			return out;
		}
		kz_error_clear();
	}
	if (strcmp(ev->kind, "contact") == 0 ||
	    strcmp(ev->kind, "contact_sent") == 0)
		return ui_t(r, N_("We contacted the party that can fix it"));
	return NULL;
}

int
ui_report_status(struct kz_req *r)
{
	struct kz_buf b = KZ_BUF_INIT(UI_PAGE_MAX);
	struct kz_incident *inc = NULL;
	struct kz_event *ev = NULL;
	const char *host = kz_req_header(r, "Host");
	size_t nev = 0;
	int64_t id;
	int rc;

	ui_lang(r);
	if ((rc = kz_status_token_lookup(&id, r->st, r->params[0])) ||
	    (rc = kz_incident_get_id(&inc, r->st, id)) ||
	    (rc = kz_event_list(&ev, &nev, r->st, id))) {
		kz_incident_free(inc);
		if (rc == KZ_ENOTFOUND)
			kz_error_set(KZ_ENOTFOUND, "no such status link");
		return ui_fail(r, 0);
	}
	ui_begin(&b, r, kz_tr(r->lang, N_("Status of your report")));
	if (kz_req_query(r, "new")) {
		kz_buf_addf(&b,
		    "<div class=\"done\" role=\"status\"><p>%s <span "
		    "class=\"ticket\" id=\"ticket\">%s</span></p><p>%s</p>"
		    "<p>%s</p><p class=\"statusurl\" id=\"statusurl\">%s://%s"
		    "%s</p></div>",
		    ui_t(r, N_("Thank you. Your report was received as")),
		    ui_e(r, inc->ticket),
		    ui_t(r,
			N_("What happens next: a handler reads your report, "
			   "checks it and contacts the parties who can "
			   "act on it. We write to you if we have "
			   "questions.")),
		    ui_t(r,
			N_("Keep this private link: it is the only way to "
			   "follow the case without an account, and it is "
			   "shown only now.")),
		    r->srv->tls ? "https" : "http", ui_e(r, host ? host : ""),
		    ui_e(r, r->path));
	}
	kz_buf_addf(&b,
	    "<table class=\"box\"><tr><th>%s</th><td class=\"ticket\">%s</td>"
	    "</tr><tr><th>%s</th><td><span class=\"status status-%s\" "
	    "id=\"status\">%s</span></td></tr><tr><th>%s</th><td>%s</td></tr>"
	    "<tr><th>%s</th><td>%s</td></tr><tr><th>%s</th><td>%s</td></tr>",
	    ui_t(r, N_("Ticket")), ui_e(r, inc->ticket), ui_t(r, N_("Status")),
	    kz_status_name(inc->status), ui_status_label(r, (int)inc->status),
	    ui_t(r, N_("Category")), ui_category_label(r, (int)inc->category),
	    ui_t(r, N_("Received")), ui_time(r, inc->created_at),
	    ui_t(r, N_("Last change")), ui_time(r, inc->updated_at));
	if (inc->closed_at)
		kz_buf_addf(&b, "<tr><th>%s</th><td>%s</td></tr>",
		    ui_t(r, N_("Closed")), ui_time(r, inc->closed_at));
	kz_buf_addf(&b, "</table><h2>%s</h2><ol class=\"timeline\">",
	    ui_t(r, N_("History")));
	for (size_t i = 0; i < nev; i++) {
		const char *what = public_event(r, &ev[i]);

		if (what)
			kz_buf_addf(&b,
			    "<li><span class=\"meta\">%s</span> %s</li>",
			    ui_time(r, ev[i].at), what);
	}
	kz_buf_adds(&b, "</ol>");
	kz_event_list_free(ev, nev);
	kz_incident_free(inc);
	return ui_finish(&b, r, 200);
}
