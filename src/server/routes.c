/* SPDX-License-Identifier: MIT */
/*
 * THE route table: method, path pattern, handler, the roles allowed, and
 * flags. The dispatcher checks the roles before any handler runs; what a
 * role may see inside a route (TLP, org) is model/access.h's business.
 * Web pages are more rows in this same table.
 */
#include "routes.h"
#include "ui.h"

#include <stdio.h>
#include <string.h>

#define ANY   KZ_ROLE_ANY
#define STAFF KZ_ROLE_STAFF
#define ADMIN KZ_ROLE_ADMIN
#define PAGE  KZ_RT_PAGE

/* clang-format off */
const struct kz_route kz_routes[] = {
	{ "GET",    "/",                                   api_root,              0,     KZ_RT_PUBLIC, "root" },
	{ "GET",    "/healthz",                            api_healthz,           0,     KZ_RT_PUBLIC | KZ_RT_NOLOG, "healthz" },
	{ "GET",    "/metrics",                            api_metrics,           0,     KZ_RT_PUBLIC | KZ_RT_NOLOG, "metrics" },
	{ "GET",    "/api/v1/openapi.json",                api_openapi,           0,     KZ_RT_PUBLIC, "openapi" },
	{ "POST",   "/api/v1/login",                       api_login,             0,     KZ_RT_PUBLIC, "login" },
	{ "POST",   "/api/v1/logout",                      api_logout,            ANY,   KZ_RT_PWCHANGE, "logout" },
	{ "GET",    "/api/v1/me",                          api_me,                ANY,   KZ_RT_PWCHANGE, "me" },
	{ "PATCH",  "/api/v1/me",                          api_me_patch,          ANY,   0, "me_patch" },
	{ "POST",   "/api/v1/me/password",                 api_me_password,       ANY,   KZ_RT_PWCHANGE, "me_password" },
	{ "GET",    "/api/v1/me/tokens",                   api_me_tokens,         ANY,   0, "me_tokens" },
	{ "POST",   "/api/v1/me/tokens",                   api_me_token_create,   ANY,   0, "me_token_create" },
	{ "DELETE", "/api/v1/me/tokens/{name}",            api_me_token_revoke,   ANY,   0, "me_token_revoke" },
	{ "GET",    "/api/v1/incidents",                   api_incident_list,     ANY,   KZ_RT_CACHE, "incident_list" },
	{ "POST",   "/api/v1/incidents",                   api_incident_create,   STAFF, 0, "incident_create" },
	{ "GET",    "/api/v1/incidents/{ticket}",          api_incident_get,      ANY,   KZ_RT_CACHE, "incident_get" },
	{ "PATCH",  "/api/v1/incidents/{ticket}",          api_incident_patch,    STAFF, 0, "incident_patch" },
	{ "POST",   "/api/v1/incidents/{ticket}/status",   api_incident_status,   STAFF, 0, "incident_status" },
	{ "POST",   "/api/v1/incidents/{ticket}/notes",    api_incident_note,     STAFF, 0, "incident_note" },
	{ "POST",   "/api/v1/incidents/{ticket}/assign",   api_incident_assign,   STAFF, 0, "incident_assign" },
	{ "POST",   "/api/v1/incidents/{ticket}/notify",   api_incident_notify,   STAFF, 0, "incident_notify" },
	{ "GET",    "/api/v1/incidents/{ticket}/timeline", api_incident_timeline, STAFF | KZ_ROLE_MEMBER, KZ_RT_CACHE, "incident_timeline" },
	{ "GET",    "/api/v1/incidents/{ticket}/indicators", api_incident_indicators, STAFF | KZ_ROLE_MEMBER, KZ_RT_CACHE, "incident_indicators" },
	{ "GET",    "/api/v1/incidents/{ticket}/reports",  api_incident_reports,  STAFF, KZ_RT_CACHE, "incident_reports" },
	{ "GET",    "/api/v1/incidents/{ticket}/orgs",     api_incident_orgs,     STAFF, KZ_RT_CACHE, "incident_orgs" },
	{ "POST",   "/api/v1/incidents/{ticket}/orgs",     api_incident_link_org, STAFF, 0, "incident_link_org" },
	{ "DELETE", "/api/v1/incidents/{ticket}/orgs/{org}", api_incident_unlink_org, STAFF, 0, "incident_unlink_org" },
	{ "POST",   "/api/v1/reports",                     api_report_create,     ANY,   0, "report_create" },
	{ "GET",    "/api/v1/reports/{id}",                api_report_get,        STAFF, 0, "report_get" },
	{ "GET",    "/api/v1/orgs",                        api_org_list,          STAFF, KZ_RT_CACHE, "org_list" },
	{ "POST",   "/api/v1/orgs",                        api_org_create,        STAFF, 0, "org_create" },
	{ "GET",    "/api/v1/orgs/{name}",                 api_org_get,           STAFF | KZ_ROLE_MEMBER, KZ_RT_CACHE, "org_get" },
	{ "PATCH",  "/api/v1/orgs/{name}",                 api_org_patch,         STAFF, 0, "org_patch" },
	{ "GET",    "/api/v1/stats",                       api_stats,             STAFF, KZ_RT_CACHE, "stats" },
	{ "GET",    "/api/v1/users",                       api_user_list,         ADMIN, 0, "user_list" },
	{ "POST",   "/api/v1/users",                       api_user_create,       ADMIN, 0, "user_create" },
	{ "GET",    "/api/v1/users/{name}",                api_user_get,          ADMIN, 0, "user_get" },
	{ "PATCH",  "/api/v1/users/{name}",                api_user_patch,        ADMIN, 0, "user_patch" },
	{ "POST",   "/api/v1/users/{name}/tokens",         api_user_token_create, ADMIN, 0, "user_token_create" },
	/* web UI */
	{ "GET",    "/static/kizuki.css",                  ui_static_css,         0,     KZ_RT_PUBLIC | KZ_RT_NOLOG, "static_css" },
	{ "GET",    "/static/kizuki.js",                   ui_static_js,          0,     KZ_RT_PUBLIC | KZ_RT_NOLOG, "static_js" },
	{ "GET",    "/report",                             ui_report_form,        0,     KZ_RT_PUBLIC | PAGE, "ui_report_form" },
	{ "POST",   "/report",                             ui_report_submit,      0,     KZ_RT_PUBLIC | PAGE | KZ_RT_UPLOAD, "ui_report_submit" },
	{ "GET",    "/report/status/{token}",              ui_report_status,      0,     KZ_RT_PUBLIC | PAGE, "ui_report_status" },
	{ "GET",    "/login",                              ui_login_form,         0,     KZ_RT_PUBLIC | PAGE, "ui_login_form" },
	{ "POST",   "/login",                              ui_login,              0,     KZ_RT_PUBLIC | PAGE, "ui_login" },
	{ "POST",   "/logout",                             ui_logout,             ANY,   KZ_RT_PWCHANGE | PAGE, "ui_logout" },
	{ "GET",    "/account/password",                   ui_password_form,      ANY,   KZ_RT_PWCHANGE | PAGE, "ui_password_form" },
	{ "POST",   "/account/password",                   ui_password,           ANY,   KZ_RT_PWCHANGE | PAGE, "ui_password" },
	{ "GET",    "/account",                            ui_account,            ANY,   PAGE, "ui_account" },
	{ "POST",   "/account/lang",                       ui_account_lang,       ANY,   KZ_RT_PWCHANGE | PAGE, "ui_account_lang" },
	{ "GET",    "/dashboard",                          ui_dashboard,          ANY,   PAGE, "ui_dashboard" },
	{ "GET",    "/incidents",                          ui_incident_list,      ANY,   PAGE, "ui_incident_list" },
	{ "GET",    "/incidents/{ticket}",                 ui_incident_page,      ANY,   PAGE, "ui_incident_page" },
	{ "POST",   "/incidents/{ticket}/status",          ui_incident_status,    STAFF, PAGE, "ui_incident_status" },
	{ "POST",   "/incidents/{ticket}/assign",          ui_incident_assign,    STAFF, PAGE, "ui_incident_assign" },
	{ "POST",   "/incidents/{ticket}/notes",           ui_incident_note,      STAFF, PAGE, "ui_incident_note" },
	{ "GET",    "/incidents/{ticket}/notify",          ui_notify_preview,     STAFF, PAGE, "ui_notify_preview" },
	{ "POST",   "/incidents/{ticket}/notify",          ui_notify_send,        STAFF, PAGE, "ui_notify_send" },
	{ "GET",    "/orgs",                               ui_org_list,           STAFF, PAGE, "ui_org_list" },
	{ "GET",    "/orgs/{name}",                        ui_org_page,           STAFF | KZ_ROLE_MEMBER, PAGE, "ui_org_page" },
	{ "GET",    "/users",                              ui_user_list,          ADMIN, PAGE, "ui_user_list" },
	{ NULL, NULL, NULL, 0, 0, NULL },
};
/* clang-format on */

/*
 * Matches path against pattern segment by segment; a {name} segment takes
 * one non-empty segment. Fills params when r is given.
 */
static int
match(struct kz_req *r, const char *pattern, const char *path)
{
	const char *p = pattern, *s = path;
	int np = 0;

	while (*p && *s) {
		if (*p == '{') {
			const char *end = strchr(s, '/');
			size_t n = end ? (size_t)(end - s) : strlen(s);

			if (n == 0 || np == KZ_HTTP_MAX_PARAMS)
				return 0;
			if (r) {
				char *v = kz_req_alloc(r, n + 1);

				if (!v)
					return 0;
				memcpy(v, s, n);
				v[n] = '\0';
				r->params[np] = v;
			}
			np++;
			s += n;
			p = strchr(p, '}');
			if (!p)
				return 0;
			p++;
			continue;
		}
		if (*p != *s)
			return 0;
		p++;
		s++;
	}
	if (*p || *s)
		return 0;
	if (r)
		r->nparams = np;
	return 1;
}

const struct kz_route *
kz_route_match(
    struct kz_req *r, const char *method, const char *path, int *path_known)
{
	const struct kz_route *rt;
	int head = strcmp(method, "HEAD") == 0;

	*path_known = 0;
	for (rt = kz_routes; rt->method; rt++) {
		if (!match(NULL, rt->pattern, path))
			continue;
		*path_known = 1;
		if (strcmp(rt->method, method) == 0 ||
		    (head && strcmp(rt->method, "GET") == 0))
			return match(r, rt->pattern, path) ? rt : NULL;
	}
	return NULL;
}

void
kz_route_allow(char *out, size_t outsz, const char *path)
{
	size_t len = 0;

	out[0] = '\0';
	for (const struct kz_route *rt = kz_routes; rt->method; rt++) {
		if (!match(NULL, rt->pattern, path))
			continue;
		len +=
		    (size_t)snprintf(out + len, len < outsz ? outsz - len : 0,
			"%s%s", len ? ", " : "", rt->method);
		if (len >= outsz)
			break;
	}
}
