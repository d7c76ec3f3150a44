/* SPDX-License-Identifier: MIT */
/*
 * The web UI's frame: language choice, escaping helpers, the layout with
 * navigation, redirects, error pages, the static style sheet and script,
 * and the pages of logging in and out and changing one's password. Every
 * dynamic value reaches a page through ui_e() or ui_t(), which escape.
 */
#include "ui.h"

#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "auth.h"
#include "core/error.h"
#include "html.h"
#include "model/taxonomy.h"
#include "routes.h"
#include "server.h"

extern const char kz_static_css[];
extern const size_t kz_static_css_len;
extern const char kz_static_js[];
extern const size_t kz_static_js_len;

void
ui_lang(struct kz_req *r)
{
	const char *q = kz_req_query(r, "lang");
	const char *c = kz_req_cookie(r, UI_LANG_COOKIE);
	enum kz_lang l;

	if (q && kz_lang_parse(&l, q) == 0) {
		char v[96];

		r->lang = l;
		snprintf(v, sizeof(v),
		    "%s=%s; Path=/; SameSite=Lax; Max-Age=31536000%s",
		    UI_LANG_COOKIE, kz_lang_code(l),
		    r->srv->tls ? "; Secure" : "");
		kz_http_header(r, "Set-Cookie", v);
	} else if (r->user && r->user->lang >= 0) {
		/* set from the account in kz_auth_request */
	} else if (c && kz_lang_parse(&l, c) == 0) {
		r->lang = l;
	}
	kz_error_clear();
}

const char *
ui_e(struct kz_req *r, const char *s)
{
	struct kz_buf b = KZ_BUF_INIT(UI_PAGE_MAX);
	char *out;

	if (!s || !*s)
		return "";
	kz_html_escape(&b, s);
	out = b.err ? NULL : kz_req_alloc(r, b.len + 1);
	if (out)
		memcpy(out, b.ptr, b.len + 1);
	kz_buf_release(&b);
	return out ? out : "";
}

const char *
ui_t(struct kz_req *r, const char *msgid)
{
	return ui_e(r, kz_tr(r->lang, msgid));
}

const char *
ui_url(struct kz_req *r, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = s ? strlen(s) : 0;
	char *out = kz_req_alloc(r, n * 3 + 1), *o = out;

	if (!out)
		return "";
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    c == '.' || c == '~') {
			*o++ = (char)c;
		} else {
			*o++ = '%';
			*o++ = hex[c >> 4];
			*o++ = hex[c & 15];
		}
	}
	*o = '\0';
	return out;
}

const char *
ui_time(struct kz_req *r, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char *out = kz_req_alloc(r, 32);

	if (!out || t <= 0 || !gmtime_r(&tt, &tm))
		return "-";
	strftime(out, 32, "%Y-%m-%d %H:%M UTC", &tm);
	return out;
}

/* clang-format off */
static const char *const category_labels[KZ_CAT_COUNT] = {
	N_("Scan"), N_("Web defacement"), N_("Phishing site"),
	N_("Malware site"), N_("DoS/DDoS"), N_("Targeted attack"),
	N_("Control system"), N_("Other"),
};
static const char *const status_labels[KZ_ST_COUNT] = {
	N_("New"), N_("Triaged"), N_("Coordinating"), N_("Waiting"),
	N_("Resolved"), N_("Closed"), N_("Rejected"),
};
/* clang-format on */

const char *
ui_category_label(struct kz_req *r, int category)
{
	if (category < 0 || category >= KZ_CAT_COUNT)
		return "-";
	return ui_t(r, category_labels[category]);
}

const char *
ui_status_label(struct kz_req *r, int status)
{
	if (status < 0 || status >= KZ_ST_COUNT)
		return "-";
	return ui_t(r, status_labels[status]);
}

void
ui_csrf_field(struct kz_buf *b, struct kz_req *r)
{
	if (r->via_cookie)
		kz_buf_addf(b,
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">",
		    ui_e(r, r->csrf));
}

static void
nav_link(
    struct kz_buf *b, struct kz_req *r, const char *href, const char *msgid)
{
	size_t n = strlen(href);
	int here = strncmp(r->path, href, n) == 0 &&
	    (r->path[n] == '\0' || r->path[n] == '/');

	kz_buf_addf(b, "<li><a href=\"%s\"%s>%s</a></li>", href,
	    here ? " aria-current=\"page\"" : "", ui_t(r, msgid));
}

void
ui_begin(struct kz_buf *b, struct kz_req *r, const char *title)
{
	const char *other = r->lang == KZ_LANG_JA ? "en" : "ja";

	kz_buf_addf(b,
	    "<!DOCTYPE html>\n<html lang=\"%s\"><head>"
	    "<meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">"
	    "<title>%s - kizuki</title>"
	    "<link rel=\"stylesheet\" href=\"/static/kizuki.css\">"
	    "<script src=\"/static/kizuki.js\" defer></script>"
	    "</head><body><header class=\"top\"><nav><a class=\"brand\" "
	    "href=\"%s\">kizuki</a><ul>",
	    kz_lang_code(r->lang), ui_e(r, title),
	    r->user ? "/dashboard" : "/report");
	if (r->user && !r->user->must_change_password) {
		nav_link(b, r, "/dashboard", N_("Dashboard"));
		nav_link(b, r, "/incidents", N_("Incidents"));
		if (r->user->role & KZ_ROLE_STAFF)
			nav_link(b, r, "/orgs", N_("Organisations"));
		else if (r->user->org)
			kz_buf_addf(b, "<li><a href=\"/orgs/%s\">%s</a></li>",
			    ui_url(r, r->user->org), ui_e(r, r->user->org));
		if (r->user->role & KZ_ROLE_ADMIN)
			nav_link(b, r, "/users", N_("Users"));
	}
	nav_link(b, r, "/report", N_("Report an incident"));
	kz_buf_adds(b, "</ul><div class=\"who\">");
	if (r->user && r->via_cookie) {
		/* A logged-in user's switch is their account's setting. */
		kz_buf_adds(b,
		    "<form method=\"post\" action=\"/account/lang\" "
		    "class=\"inline\">");
		ui_csrf_field(b, r);
		kz_buf_addf(b,
		    "<input type=\"hidden\" name=\"lang\" value=\"%s\">"
		    "<input type=\"hidden\" name=\"back\" value=\"%s\">"
		    "<button type=\"submit\" class=\"lang\" lang=\"%s\">%s"
		    "</button></form>",
		    other, ui_e(r, r->path), other,
		    r->lang == KZ_LANG_JA ? "English" : "日本語");
	} else {
		kz_buf_addf(b,
		    "<a class=\"lang\" href=\"%s?lang=%s\" "
		    "hreflang=\"%s\">%s</a>",
		    ui_e(r, r->path), other, other,
		    r->lang == KZ_LANG_JA ? "English" : "日本語");
	}
	if (r->user) {
		kz_buf_addf(b,
		    "<a class=\"user\" href=\"/account\">%s (%s)</a>"
		    "<form method=\"post\" action=\"/logout\" "
		    "class=\"inline\">",
		    ui_e(r, r->user->name),
		    ui_t(r, kz_role_name(r->user->role)));
		ui_csrf_field(b, r);
		kz_buf_addf(b, "<button type=\"submit\">%s</button></form>",
		    ui_t(r, N_("Log out")));
	} else if (strcmp(r->path, "/login") != 0) {
		kz_buf_addf(
		    b, "<a href=\"/login\">%s</a>", ui_t(r, N_("Log in")));
	}
	kz_buf_addf(
	    b, "</div></nav></header><main><h1>%s</h1>", ui_e(r, title));
}

int
ui_finish(struct kz_buf *b, struct kz_req *r, unsigned status)
{
	int rc;

	kz_buf_addf(b,
	    "</main><footer><p>kizuki &middot; %s</p></footer></body>"
	    "</html>\n",
	    ui_t(r, N_("The CSIRT's point of contact")));
	if (b->err) {
		kz_buf_release(b);
		kz_error_set(KZ_ENOMEM, "the page is too large");
		return ui_fail_page(r, 500, "internal");
	}
	rc = kz_http_html(r, status, b->ptr);
	kz_buf_release(b);
	return rc;
}

int
ui_redirect(struct kz_req *r, const char *location)
{
	kz_http_header(r, "Location", location);
	return kz_http_send(r, 303, "text/plain; charset=utf-8", "", 0);
}

int
ui_fail_page(struct kz_req *r, unsigned status, const char *code)
{
	struct kz_buf b = KZ_BUF_INIT(1 << 20);
	const char *fmt = kz_error_format();
	const char *msg = kz_error_render(fmt ? kz_tr(r->lang, fmt) : NULL);
	const char *title;
	char *text;

	ui_lang(r);
	if (status == 401)
		return ui_redirect(r, "/login");
	if (code && strcmp(code, "password_change_required") == 0)
		return ui_redirect(r, "/account/password");
	if (status >= 500) {
		fprintf(stderr, "kizuki serve: %s %s: %s\n", r->method, r->path,
		    kz_error_message());
		msg = kz_tr(r->lang, N_("internal error: see the server log"));
	}
	/* The message is copied before anything else sets the error. */
	text = kz_req_strdup(r, msg && *msg ? msg : code ? code : "");
	switch (status) {
	case 403:
		title = N_("Not allowed");
		break;
	case 404:
		title = N_("Not found");
		break;
	case 413:
		title = N_("Too large");
		break;
	case 429:
		title = N_("Too many requests");
		break;
	default:
		title = status >= 500 ? N_("Something went wrong") :
					N_("Bad request");
	}
	if (status == 429)
		kz_http_header(r, "Retry-After", "60");
	ui_begin(&b, r, kz_tr(r->lang, title));
	kz_buf_addf(&b, "<p class=\"error\">%s</p><p><a href=\"%s\">%s</a></p>",
	    ui_e(r, text), r->user ? "/dashboard" : "/report",
	    ui_t(r, N_("Back")));
	if (b.err) {
		kz_buf_release(&b);
		return kz_http_text(r, status, text ? text : "");
	}
	return ui_finish(&b, r, status);
}

int
ui_fail(struct kz_req *r, unsigned status)
{
	const char *name;
	unsigned s =
	    status ? status : kz_http_status_of(kz_error_code(), &name);

	kz_http_status_of(kz_error_code(), &name);
	return ui_fail_page(r, s, name);
}

int
ui_static_css(struct kz_req *r)
{
	kz_http_header(r, "Cache-Control", "public, max-age=3600");
	return kz_http_send(r, 200, "text/css; charset=utf-8", kz_static_css,
	    kz_static_css_len);
}

int
ui_static_js(struct kz_req *r)
{
	return kz_http_send(r, 200, "text/javascript; charset=utf-8",
	    kz_static_js, kz_static_js_len);
}

/* Logging in and out. */

static int
login_page(
    struct kz_req *r, unsigned status, const char *error, const char *name)
{
	struct kz_buf b = KZ_BUF_INIT(UI_PAGE_MAX);

	ui_begin(&b, r, kz_tr(r->lang, N_("Log in")));
	if (error)
		kz_buf_addf(&b, "<p class=\"error\" role=\"alert\">%s</p>",
		    ui_e(r, error));
	kz_buf_addf(&b,
	    "<form method=\"post\" action=\"/login\" class=\"box narrow\">"
	    "<label>%s<input name=\"name\" autocomplete=\"username\" "
	    "required maxlength=\"64\" value=\"%s\"></label>"
	    "<label>%s<input name=\"password\" type=\"password\" "
	    "autocomplete=\"current-password\" required></label>"
	    "<button type=\"submit\">%s</button></form>",
	    ui_t(r, N_("User name")), ui_e(r, name), ui_t(r, N_("Password")),
	    ui_t(r, N_("Log in")));
	return ui_finish(&b, r, status);
}

int
ui_login_form(struct kz_req *r)
{
	ui_lang(r);
	if (r->user)
		return ui_redirect(r, "/dashboard");
	return login_page(r, 200, NULL, NULL);
}

int
ui_login(struct kz_req *r)
{
	struct kz_server *srv = r->srv;
	const char *name, *pw;
	char ukey[KZ_USER_NAME_MAX + 8], akey[80];
	char sid[KZ_SESSION_TEXT_LEN + 1], csrf[KZ_CSRF_TEXT_LEN + 1];
	struct kz_user *u = NULL;
	int rc;

	ui_lang(r);
	if (ui_form_check(r))
		return 0;
	name = ui_form_get(r, "name");
	pw = ui_form_get(r, "password");
	if (!name || !pw || !*name || !*pw)
		return login_page(r, 400,
		    kz_tr(r->lang, N_("enter your user name and password")),
		    name);
	snprintf(ukey, sizeof(ukey), "user:%.*s", KZ_USER_NAME_MAX, name);
	snprintf(akey, sizeof(akey), "addr:%s", kz_req_addr(r));
	rc = kz_login_check(
	    r->st, ukey, srv->cfg.login_max, srv->cfg.login_window);
	if (rc == 0)
		rc = kz_login_check(
		    r->st, akey, srv->cfg.login_max * 5, srv->cfg.login_window);
	if (rc == KZ_EBUSY)
		return ui_fail_page(r, 429, "rate_limited");
	if (rc)
		return ui_fail(r, 0);
	rc = kz_user_authenticate(&u, r->st, name, pw);
	if (rc == KZ_EPERM) {
		atomic_fetch_add(&srv->m.logins_failed, 1);
		kz_login_failed(r->st, ukey);
		kz_login_failed(r->st, akey);
		return login_page(r, 401,
		    kz_tr(r->lang, N_("wrong user name or password")), name);
	}
	if (rc || kz_login_clear(r->st, ukey) ||
	    kz_session_create(sid, csrf, r->st, u->id, srv->cfg.session_ttl)) {
		kz_user_free(u);
		return ui_fail(r, 0);
	}
	kz_auth_set_cookie(r, sid);
	sodium_memzero(sid, sizeof(sid));
	rc = ui_redirect(
	    r, u->must_change_password ? "/account/password" : "/dashboard");
	kz_user_free(u);
	return rc;
}

int
ui_logout(struct kz_req *r)
{
	if (r->via_cookie && kz_session_delete(r->st, r->session))
		return ui_fail(r, 0);
	kz_auth_clear_cookie(r);
	return ui_redirect(r, "/login");
}

static int
password_page(struct kz_req *r, unsigned status, const char *error)
{
	struct kz_buf b = KZ_BUF_INIT(UI_PAGE_MAX);

	ui_begin(&b, r, kz_tr(r->lang, N_("Change your password")));
	if (r->user->must_change_password)
		kz_buf_addf(&b, "<p class=\"notice\">%s</p>",
		    ui_t(r,
			N_("Your password is a one-time password: choose "
			   "your own to go on.")));
	if (error)
		kz_buf_addf(&b, "<p class=\"error\" role=\"alert\">%s</p>",
		    ui_e(r, error));
	kz_buf_adds(&b,
	    "<form method=\"post\" action=\"/account/password\" "
	    "class=\"box narrow\">");
	ui_csrf_field(&b, r);
	kz_buf_addf(&b,
	    "<label>%s<input name=\"current\" type=\"password\" "
	    "autocomplete=\"current-password\" required></label>"
	    "<label>%s<input name=\"password\" type=\"password\" "
	    "autocomplete=\"new-password\" required minlength=\"%d\"></label>"
	    "<button type=\"submit\">%s</button></form>",
	    ui_t(r, N_("Current password")), ui_t(r, N_("New password")),
	    KZ_PASSWORD_MIN, ui_t(r, N_("Change password")));
	return ui_finish(&b, r, status);
}

int
ui_password_form(struct kz_req *r)
{
	ui_lang(r);
	return password_page(r, 200, NULL);
}

int
ui_password(struct kz_req *r)
{
	const char *cur, *pw;
	struct kz_user *u = NULL;
	int rc;

	ui_lang(r);
	if (ui_form_check(r))
		return 0;
	cur = ui_form_get(r, "current");
	pw = ui_form_get(r, "password");
	if (!cur || !pw)
		return password_page(
		    r, 400, kz_tr(r->lang, N_("fill in both passwords")));
	rc = kz_user_authenticate(&u, r->st, r->user->name, cur);
	kz_user_free(u);
	if (rc == KZ_EPERM)
		return password_page(r, 403,
		    kz_tr(r->lang, N_("the current password is wrong")));
	if (rc)
		return ui_fail(r, 0);
	if (strcmp(cur, pw) == 0)
		return password_page(r, 400,
		    kz_tr(r->lang,
			N_("choose a password other than the current one")));
	rc = kz_user_set_password(r->st, r->user->name, pw, 0, r->session);
	if (rc == KZ_EINVAL) {
		const char *fmt = kz_error_format();

		return password_page(
		    r, 400, kz_error_render(fmt ? kz_tr(r->lang, fmt) : NULL));
	}
	if (rc)
		return ui_fail(r, 0);
	return ui_redirect(r, "/dashboard");
}

/* A path of ours to go back to after a setting; NULL when it is not. */
static const char *
local_path(const char *p)
{
	if (!p || p[0] != '/' || p[1] == '/' || strlen(p) > 200)
		return NULL;
	for (const char *c = p; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
			(*c >= '0' && *c <= '9') || strchr("/-_.~", *c)))
			return NULL;
	return p;
}

int
ui_account(struct kz_req *r)
{
	struct kz_buf b = KZ_BUF_INIT(UI_PAGE_MAX);
	static const char *const langs[] = { "auto", "ja", "en" };
	static const char *const lang_labels[] = { N_("As the browser says"),
		"日本語", "English" };
	const char *cur = r->user->lang < 0 ?
	    "auto" :
	    kz_lang_code((enum kz_lang)r->user->lang);
	const char *done = kz_req_query(r, "done");

	ui_lang(r);
	ui_begin(&b, r, kz_tr(r->lang, N_("Your account")));
	if (done && strcmp(done, "lang") == 0)
		kz_buf_addf(&b, "<p class=\"done\" role=\"status\">%s</p>",
		    ui_t(r, N_("Your language was saved.")));
	kz_buf_adds(&b, "<table class=\"box\">");
	kz_buf_addf(&b, "<tr><th>%s</th><td id=\"account-name\">%s</td></tr>",
	    ui_t(r, N_("User name")), ui_e(r, r->user->name));
	kz_buf_addf(&b, "<tr><th>%s</th><td>%s</td></tr>", ui_t(r, N_("Role")),
	    ui_t(r, kz_role_name(r->user->role)));
	if (r->user->org)
		kz_buf_addf(&b, "<tr><th>%s</th><td>%s</td></tr>",
		    ui_t(r, N_("Organisation")), ui_e(r, r->user->org));
	kz_buf_adds(&b, "</table>");
	kz_buf_adds(&b,
	    "<form method=\"post\" action=\"/account/lang\" class=\"box "
	    "narrow\" id=\"lang-form\">");
	ui_csrf_field(&b, r);
	kz_buf_addf(&b, "<label>%s<select name=\"lang\">",
	    ui_t(r, N_("Language of pages and messages")));
	for (size_t i = 0; i < sizeof(langs) / sizeof(langs[0]); i++)
		kz_buf_addf(&b, "<option value=\"%s\"%s>%s</option>", langs[i],
		    strcmp(cur, langs[i]) == 0 ? " selected" : "",
		    i == 0 ? ui_t(r, lang_labels[i]) : lang_labels[i]);
	kz_buf_addf(&b,
	    "</select></label><button type=\"submit\">%s</button></form>",
	    ui_t(r, N_("Save")));
	kz_buf_addf(&b, "<p><a href=\"/account/password\">%s</a></p>",
	    ui_t(r, N_("Change your password")));
	return ui_finish(&b, r, 200);
}

int
ui_account_lang(struct kz_req *r)
{
	const char *lang, *back;

	ui_lang(r);
	if (ui_form_check(r))
		return 0;
	lang = ui_form_get(r, "lang");
	if (!lang) {
		kz_error_set(KZ_EINVAL, "field '%s' is required", "lang");
		return ui_fail(r, 400);
	}
	if (kz_user_set_lang(r->st, r->user->name, lang))
		return ui_fail(r, kz_error_code() == KZ_EINVAL ? 400 : 0);
	back = local_path(ui_form_get(r, "back"));
	return ui_redirect(r, back ? back : "/account?done=lang");
}
