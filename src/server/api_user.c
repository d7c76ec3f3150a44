/* SPDX-License-Identifier: MIT */
/*
 * Logging in and out, the current user (/api/v1/me: password, API
 * tokens), and user administration for admins (/api/v1/users).
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "auth.h"
#include "core/error.h"
#include "core/json.h"
#include "routes.h"
#include "server.h"

static int answer_user(
    struct kz_req *r, unsigned status, const char *name, const char *password);

int
api_login(struct kz_req *r)
{
	static const char *const keys[] = { "name", "password", NULL };
	struct kz_server *srv = r->srv;
	const char *name = NULL, *pw = NULL;
	char ukey[KZ_USER_NAME_MAX + 8], akey[80];
	char sid[KZ_SESSION_TEXT_LEN + 1], csrf[KZ_CSRF_TEXT_LEN + 1];
	struct kz_user *u = NULL;
	json_t *body;
	int rc;

	if (kz_req_json(r, &body))
		return 0;
	if (kz_req_json_keys(r, body, keys) ||
	    api_str(r, body, "name", 0, &name) < 0 ||
	    api_str(r, body, "password", 0, &pw) < 0)
		goto done;
	if (!name || !pw) {
		kz_error_set(KZ_EINVAL, "field '%s' is required",
		    name ? "password" : "name");
		kz_http_fail_as(r, 400, "invalid");
		goto done;
	}
	snprintf(ukey, sizeof(ukey), "user:%.*s", KZ_USER_NAME_MAX, name);
	snprintf(akey, sizeof(akey), "addr:%s", kz_req_addr(r));
	rc = kz_login_check(
	    r->st, ukey, srv->cfg.login_max, srv->cfg.login_window);
	if (rc == 0)
		rc = kz_login_check(
		    r->st, akey, srv->cfg.login_max * 5, srv->cfg.login_window);
	if (rc == KZ_EBUSY) {
		kz_http_header(r, "Retry-After", "60");
		kz_http_fail_as(r, 429, "rate_limited");
		goto done;
	}
	if (rc) {
		kz_http_fail(r);
		goto done;
	}
	rc = kz_user_authenticate(&u, r->st, name, pw);
	if (rc == KZ_EPERM) {
		atomic_fetch_add(&srv->m.logins_failed, 1);
		kz_login_failed(r->st, ukey);
		kz_login_failed(r->st, akey);
		kz_error_set(KZ_EPERM, "wrong user name or password");
		kz_http_fail_as(r, 401, "unauthorized");
		goto done;
	}
	if (rc || kz_login_clear(r->st, ukey) ||
	    kz_session_create(sid, csrf, r->st, u->id, srv->cfg.session_ttl)) {
		kz_http_fail(r);
		goto done;
	}
	kz_auth_set_cookie(r, sid);
	kz_http_json(r, 200,
	    json_pack(
		"{s:o, s:s}", "user", kz_user_to_json(u), "csrf_token", csrf));
	sodium_memzero(sid, sizeof(sid));
done:
	kz_user_free(u);
	json_decref(body);
	return 0;
}

int
api_logout(struct kz_req *r)
{
	if (r->via_cookie && kz_session_delete(r->st, r->session))
		return kz_http_fail(r);
	kz_auth_clear_cookie(r);
	return kz_http_no_content(r);
}

int
api_me(struct kz_req *r)
{
	json_t *o = json_pack("{s:o}", "user", kz_user_to_json(r->user));

	if (r->via_cookie)
		kz_json_set(o, "csrf_token", json_string(r->csrf));
	return kz_http_json(r, 200, o);
}

int
api_me_patch(struct kz_req *r)
{
	static const char *const keys[] = { "lang", NULL };
	const char *lang = NULL;
	int got;
	json_t *body;

	if (kz_req_json(r, &body))
		return 0;
	if (kz_req_json_keys(r, body, keys) ||
	    (got = api_str(r, body, "lang", 1, &lang)) < 0)
		goto done;
	if (got && kz_user_set_lang(r->st, r->user->name, lang)) {
		kz_http_fail(r);
		goto done;
	}
	answer_user(r, 200, r->user->name, NULL);
done:
	json_decref(body);
	return 0;
}

int
api_me_password(struct kz_req *r)
{
	static const char *const keys[] = { "current", "new", NULL };
	char ukey[KZ_USER_NAME_MAX + 8];
	const char *cur = NULL, *pw = NULL;
	struct kz_user *u = NULL;
	json_t *body;

	if (kz_req_json(r, &body))
		return 0;
	if (kz_req_json_keys(r, body, keys) ||
	    api_str(r, body, "current", 0, &cur) < 0 ||
	    api_str(r, body, "new", 0, &pw) < 0)
		goto done;
	if (!cur || !pw) {
		kz_error_set(KZ_EINVAL, "field '%s' is required",
		    cur ? "new" : "current");
		kz_http_fail_as(r, 400, "invalid");
		goto done;
	}
	/* Guessing the current password counts as failed logins. */
	snprintf(ukey, sizeof(ukey), "user:%s", r->user->name);
	if (kz_login_check(r->st, ukey, r->srv->cfg.login_max,
		r->srv->cfg.login_window) == KZ_EBUSY) {
		kz_http_header(r, "Retry-After", "60");
		kz_http_fail_as(r, 429, "rate_limited");
		goto done;
	}
	if (kz_user_authenticate(&u, r->st, r->user->name, cur)) {
		kz_login_failed(r->st, ukey);
		kz_error_set(KZ_EPERM, "the current password is wrong");
		kz_http_fail_as(r, 403, "forbidden");
		goto done;
	}
	if (strcmp(cur, pw) == 0) {
		kz_error_set(KZ_EINVAL,
		    "the new password must differ from the current one");
		kz_http_fail_as(r, 400, "invalid");
		goto done;
	}
	if (kz_user_set_password(r->st, r->user->name, pw, 0,
		r->via_cookie ? r->session : NULL)) {
		kz_http_fail(r);
		goto done;
	}
	r->user->must_change_password = 0;
	api_me(r);
done:
	kz_user_free(u);
	json_decref(body);
	return 0;
}

static int
answer_tokens(struct kz_req *r, const char *user)
{
	struct kz_token *t;
	size_t n;
	json_t *arr;

	if (kz_token_list(&t, &n, r->st, user))
		return kz_http_fail(r);
	arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, kz_token_to_json(&t[i]));
	kz_token_list_free(t, n);
	return kz_http_json(r, 200, json_pack("{s:o}", "tokens", arr));
}

int
api_me_tokens(struct kz_req *r)
{
	return answer_tokens(r, r->user->name);
}

static int
create_token(struct kz_req *r, const char *user)
{
	static const char *const keys[] = { "name", NULL };
	char text[KZ_TOKEN_TEXT_LEN + 1];
	const char *name = NULL;
	json_t *body;

	if (kz_req_json(r, &body))
		return 0;
	if (kz_req_json_keys(r, body, keys) ||
	    api_str_req(r, body, "name", &name) < 0)
		goto done;
	if (kz_token_create(text, r->st, user, name)) {
		kz_http_fail(r);
		goto done;
	}
	/* Shown this once; only its hash is kept. */
	kz_http_json(r, 201,
	    json_pack(
		"{s:s, s:s, s:s}", "user", user, "name", name, "token", text));
	sodium_memzero(text, sizeof(text));
done:
	json_decref(body);
	return 0;
}

int
api_me_token_create(struct kz_req *r)
{
	return create_token(r, r->user->name);
}

int
api_me_token_revoke(struct kz_req *r)
{
	if (!api_name_ok(r->params[0])) {
		kz_error_set(KZ_EINVAL,
		    "invalid token name '%s': 1 to 64 bytes of UTF-8",
		    r->params[0]);
		return kz_http_fail_as(r, 400, "invalid");
	}
	if (kz_token_revoke(r->st, r->user->name, r->params[0]))
		return kz_http_fail(r);
	return kz_http_no_content(r);
}

int
api_user_list(struct kz_req *r)
{
	struct kz_user *u;
	size_t n;
	json_t *arr;

	if (kz_user_list(&u, &n, r->st))
		return kz_http_fail(r);
	arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, kz_user_to_json(&u[i]));
	kz_user_list_free(u, n);
	return kz_http_json(r, 200, json_pack("{s:o}", "users", arr));
}

static int
user_param(struct kz_req *r, const char **name)
{
	*name = r->params[0];
	if (kz_user_name_check(*name)) {
		kz_http_fail(r);
		return -1;
	}
	return 0;
}

static int
answer_user(
    struct kz_req *r, unsigned status, const char *name, const char *password)
{
	struct kz_user *u;
	json_t *o;

	if (kz_user_get(&u, r->st, name))
		return kz_http_fail(r);
	o = json_pack("{s:o}", "user", kz_user_to_json(u));
	if (password)
		kz_json_set(o, "password", json_string(password));
	if (status == 201) {
		char loc[128];

		snprintf(loc, sizeof(loc), "/api/v1/users/%s", u->name);
		kz_http_header(r, "Location", loc);
	}
	kz_user_free(u);
	return kz_http_json(r, status, o);
}

int
api_user_create(struct kz_req *r)
{
	static const char *const keys[] = { "name", "role", "org", "password",
		NULL };
	const char *name = NULL, *role = NULL, *org = NULL, *pw = NULL;
	char gen[KZ_PASSWORD_GEN_LEN + 1];
	struct kz_user u;
	enum kz_role ro;
	json_t *body;

	if (kz_req_json(r, &body))
		return 0;
	if (kz_req_json_keys(r, body, keys) ||
	    api_str(r, body, "name", 0, &name) < 0 ||
	    api_str(r, body, "role", 0, &role) < 0 ||
	    api_str(r, body, "org", 1, &org) < 0 ||
	    api_str(r, body, "password", 1, &pw) < 0)
		goto done;
	if (!name || !role) {
		kz_error_set(KZ_EINVAL, "field '%s' is required",
		    name ? "role" : "name");
		kz_http_fail_as(r, 400, "invalid");
		goto done;
	}
	if (!pw)
		kz_password_generate(gen);
	if (kz_role_parse(&ro, role) ||
	    kz_user_add(&u, r->st, name, ro, org, pw ? pw : gen, !pw)) {
		kz_http_fail(r);
		goto done;
	}
	kz_user_release(&u);
	/* A generated password is shown once and must be changed. */
	answer_user(r, 201, name, pw ? NULL : gen);
done:
	sodium_memzero(gen, sizeof(gen));
	json_decref(body);
	return 0;
}

int
api_user_get(struct kz_req *r)
{
	const char *name;

	if (user_param(r, &name))
		return 0;
	return answer_user(r, 200, name, NULL);
}

int
api_user_patch(struct kz_req *r)
{
	static const char *const keys[] = { "role", "org", "disabled",
		"reset_password", "lang", NULL };
	const char *name, *role = NULL, *org = NULL, *lang = NULL;
	char gen[KZ_PASSWORD_GEN_LEN + 1] = "";
	struct kz_user *cur = NULL;
	int disabled = -1, reset = 0, got_org, got_lang;
	enum kz_role ro;
	json_t *body;

	if (user_param(r, &name) || kz_req_json(r, &body))
		return 0;
	if (kz_req_json_keys(r, body, keys) ||
	    api_str(r, body, "role", 0, &role) < 0 ||
	    (got_org = api_str(r, body, "org", 1, &org)) < 0 ||
	    api_bool(r, body, "disabled", &disabled) < 0 ||
	    api_bool(r, body, "reset_password", &reset) < 0 ||
	    (got_lang = api_str(r, body, "lang", 1, &lang)) < 0)
		goto done;
	if (kz_user_get(&cur, r->st, name)) {
		kz_http_fail(r);
		goto done;
	}
	if (strcmp(name, r->user->name) == 0 &&
	    ((role && strcmp(role, "admin") != 0) || disabled == 1)) {
		kz_error_set(
		    KZ_ECONFLICT, "you cannot take away your own admin rights");
		kz_http_fail(r);
		goto done;
	}
	if (role || got_org) {
		if (!role)
			ro = cur->role;
		else if (kz_role_parse(&ro, role)) {
			kz_http_fail(r);
			goto done;
		}
		if (kz_user_set_role(
			r->st, name, ro, got_org ? org : cur->org)) {
			kz_http_fail(r);
			goto done;
		}
	}
	if (got_lang && kz_user_set_lang(r->st, name, lang)) {
		kz_http_fail(r);
		goto done;
	}
	if (disabled >= 0 && kz_user_set_disabled(r->st, name, disabled)) {
		kz_http_fail(r);
		goto done;
	}
	if (reset) {
		kz_password_generate(gen);
		if (kz_user_set_password(r->st, name, gen, 1, NULL)) {
			kz_http_fail(r);
			goto done;
		}
	}
	answer_user(r, 200, name, reset ? gen : NULL);
done:
	sodium_memzero(gen, sizeof(gen));
	kz_user_free(cur);
	json_decref(body);
	return 0;
}

int
api_user_token_create(struct kz_req *r)
{
	const char *name;
	struct kz_user *u;

	if (user_param(r, &name))
		return 0;
	if (kz_user_get(&u, r->st, name))
		return kz_http_fail(r);
	kz_user_free(u);
	return create_token(r, name);
}
