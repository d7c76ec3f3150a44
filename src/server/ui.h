/* SPDX-License-Identifier: MIT */
/*
 * The web UI's shared parts: the page layout (head, navigation, language
 * switch), escaping helpers that every dynamic value goes through, the
 * form parser (urlencoded and multipart, zero-copy into the request body)
 * and the HTML error page. Pages are rows of the one route table.
 */
#ifndef KZ_UI_H
#define KZ_UI_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "http.h"

#define UI_LANG_COOKIE "kz_lang"
#define UI_PAGE_MAX    (8u << 20) /* bytes of one rendered page */

/* One field of a posted form; value is NUL-terminated (binary for files). */
struct kz_form_field {
	const char *name;
	const char *value;
	size_t len;
	const char *filename; /* NULL for a plain field */
	const char *type;     /* a file's Content-Type; NULL when none */
	struct kz_form_field *next;
};

struct kz_form {
	struct kz_form_field *first;
	unsigned status; /* 0 when parsed, else the 4xx to answer */
	const char *code;
};

/* Limits of the files one form may carry. */
#define UI_FILE_MAX   (5u << 20)
#define UI_FILES_MAX  (10u << 20)
#define UI_FIELDS_MAX 64

/*
 * Parses r's body once as a form (application/x-www-form-urlencoded or
 * multipart/form-data). Returns the form; its status is 415 (another
 * type), 400 (malformed, invalid UTF-8 outside files, a file name with a
 * path) or 413 (files over the limits), with the error set.
 */
struct kz_form *ui_form(struct kz_req *r);

/*
 * ui_form() with the Content-Type given (NULL when there is none) instead
 * of read from r's connection. The parser needs nothing of r but its
 * body, too_large and arena, so tests and fuzzers call it without a
 * server; the form is kept in r as ui_form() keeps it.
 */
struct kz_form *ui_form_parse(struct kz_req *r, const char *content_type);

/* A plain field's value, NULL when absent or the form is bad. */
const char *ui_form_get(struct kz_req *r, const char *name);

/*
 * Parses the form and answers its error as a page; returns -1 when it
 * did (the handler returns), else 0.
 */
int ui_form_check(struct kz_req *r);

/*
 * Sets r->lang for a page: ?lang=ja|en (remembered in a cookie), else the
 * cookie, else Accept-Language (already in r->lang).
 */
void ui_lang(struct kz_req *r);

/* s escaped for HTML, in the request's arena; "" for NULL. */
const char *ui_e(struct kz_req *r, const char *s);

/* The translation of msgid for the page's language, escaped. */
const char *ui_t(struct kz_req *r, const char *msgid);

/* Escaped value for a URL query or path segment (percent-encoded). */
const char *ui_url(struct kz_req *r, const char *s);

/* A date and time for people: "2026-11-23 09:30 UTC"; "-" for 0. */
const char *ui_time(struct kz_req *r, int64_t t);

/*
 * Opens a page: doctype, head with the style sheet, the navigation for
 * the user (if any), the language switch, and <main>. title is text
 * (escaped here).
 */
void ui_begin(struct kz_buf *b, struct kz_req *r, const char *title);

/* Closes the page, sends it with status and releases b. */
int ui_finish(struct kz_buf *b, struct kz_req *r, unsigned status);

/* The hidden CSRF field of a form posted by a logged-in user. */
void ui_csrf_field(struct kz_buf *b, struct kz_req *r);

/* 303 See Other to location (a path of ours). */
int ui_redirect(struct kz_req *r, const char *location);

/*
 * The error page for status (the thread's error as its text). 401 sends
 * the browser to /login and a required password change to
 * /account/password.
 */
int ui_fail_page(struct kz_req *r, unsigned status, const char *code);

/* Answers status with a page whose text is the thread's error. */
int ui_fail(struct kz_req *r, unsigned status);

/* The incident page's notify dialog (ui_notify.c). */
struct kz_incident;
void ui_notify_box(
    struct kz_buf *b, struct kz_req *r, const struct kz_incident *inc);

/* Translated, escaped labels of categories and statuses. */
const char *ui_category_label(struct kz_req *r, int category);
const char *ui_status_label(struct kz_req *r, int status);

/* Page handlers. */
int ui_static_css(struct kz_req *r);
int ui_static_js(struct kz_req *r);
int ui_login_form(struct kz_req *r);
int ui_login(struct kz_req *r);
int ui_logout(struct kz_req *r);
int ui_password_form(struct kz_req *r);
int ui_password(struct kz_req *r);
int ui_account(struct kz_req *r);
int ui_notify_preview(struct kz_req *r);
int ui_notify_send(struct kz_req *r);
int ui_account_lang(struct kz_req *r);
int ui_dashboard(struct kz_req *r);
int ui_incident_list(struct kz_req *r);
int ui_incident_page(struct kz_req *r);
int ui_incident_status(struct kz_req *r);
int ui_incident_assign(struct kz_req *r);
int ui_incident_note(struct kz_req *r);
int ui_org_list(struct kz_req *r);
int ui_org_page(struct kz_req *r);
int ui_user_list(struct kz_req *r);
int ui_report_form(struct kz_req *r);
int ui_report_submit(struct kz_req *r);
int ui_report_status(struct kz_req *r);

#endif
