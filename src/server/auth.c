/* SPDX-License-Identifier: MIT */
/*
 * Authentication and the checks every route gets before its handler:
 * credentials, roles, a pending password change, CSRF. Credentials that
 * do not check out are a 401 with the error object, never a crash or a
 * guess.
 */
#include "auth.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "routes.h"
#include "ui.h"
#include "server.h"

static int
authenticate(struct kz_req *r)
{
	const char *authz = kz_req_header(r, "Authorization");
	const char *cookie;
	int rc;

	if (authz) {
		if (strncasecmp(authz, "Bearer ", 7) != 0)
			return kz_error_set(KZ_EPERM,
			    "use 'Authorization: Bearer TOKEN' with an API "
			    "token");
		authz += 7;
		while (*authz == ' ')
			authz++;
		return kz_token_authenticate(&r->user, r->st, authz);
	}
	cookie = kz_req_cookie(r, KZ_SESSION_COOKIE);
	if (!cookie)
		return 1;
	rc = kz_session_authenticate(&r->user, r->csrf, r->st, cookie);
	if (rc == 0) {
		r->via_cookie = 1;
		snprintf(r->session, sizeof(r->session), "%s", cookie);
	}
	return rc;
}

int
kz_auth_csrf_ok(const struct kz_req *r, const char *token)
{
	size_t n = strlen(r->csrf);

	return n == KZ_CSRF_TEXT_LEN && token && strlen(token) == n &&
	    sodium_memcmp(r->csrf, token, n) == 0;
}

int
kz_auth_request(struct kz_req *r)
{
	const struct kz_route *rt = r->route;
	int rc = authenticate(r);

	if (rc < 0 && kz_error_code() != KZ_EPERM) {
		kz_http_fail(r);
		return -1;
	}
	if (rc == 0 && r->user) {
		r->who.user_id = r->user->id;
		r->who.name = r->user->name;
		r->who.role = r->user->role;
		r->who.org_id = r->user->org_id;
		/* The user's own choice over the browser's. */
		if (r->user->lang >= 0)
			r->lang = (enum kz_lang)r->user->lang;
	}
	if (rt->flags & KZ_RT_PUBLIC)
		return 0;
	if (rc != 0) {
		if (rc > 0)
			kz_error_set(KZ_EPERM,
			    "log in first: a session cookie or 'Authorization: "
			    "Bearer TOKEN'");
		else if (kz_req_cookie(r, KZ_SESSION_COOKIE) &&
		    !kz_req_header(r, "Authorization"))
			kz_auth_clear_cookie(r);
		kz_http_header(r, "WWW-Authenticate", "Bearer");
		kz_http_fail_as(r, 401, "unauthorized");
		return -1;
	}
	if (r->user->must_change_password && !(rt->flags & KZ_RT_PWCHANGE)) {
		kz_error_set(KZ_EPERM,
		    "change your one-time password first: POST "
		    "/api/v1/me/password");
		kz_http_fail_as(r, 403, "password_change_required");
		return -1;
	}
	if (!(rt->roles & r->user->role)) {
		kz_error_set(KZ_EPERM, "your role (%s) may not use this",
		    kz_role_name(r->user->role));
		kz_http_fail_as(r, 403, "forbidden");
		return -1;
	}
	if (r->via_cookie && strcmp(r->method, "GET") != 0 &&
	    strcmp(r->method, "HEAD") != 0 && !(rt->flags & KZ_RT_NOCSRF) &&
	    !kz_auth_csrf_ok(r,
		(rt->flags & KZ_RT_PAGE) ? ui_form_get(r, "csrf") :
					   kz_req_header(r, KZ_CSRF_HEADER))) {
		kz_error_set(KZ_EPERM,
		    "missing or wrong CSRF token: send the token from "
		    "/api/v1/me in the X-CSRF-Token header");
		kz_http_fail_as(r, 403, "csrf_failed");
		return -1;
	}
	return 0;
}

void
kz_auth_set_cookie(struct kz_req *r, const char *session_id)
{
	char v[256];

	snprintf(v, sizeof(v),
	    "%s=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%lld%s",
	    KZ_SESSION_COOKIE, session_id, (long long)r->srv->cfg.session_ttl,
	    r->srv->tls ? "; Secure" : "");
	kz_http_header(r, "Set-Cookie", v);
}

void
kz_auth_clear_cookie(struct kz_req *r)
{
	char v[160];

	snprintf(v, sizeof(v),
	    "%s=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0%s",
	    KZ_SESSION_COOKIE, r->srv->tls ? "; Secure" : "");
	kz_http_header(r, "Set-Cookie", v);
}
