/* SPDX-License-Identifier: MIT */
/*
 * Who is asking: a session cookie (HttpOnly, SameSite=Strict, Secure
 * under TLS) with its CSRF token, or an API token in Authorization:
 * Bearer. Runs before every handler and enforces the route's roles, the
 * must-change-password state and the CSRF check.
 */
#ifndef KZ_AUTH_H
#define KZ_AUTH_H

#include "http.h"

#define KZ_SESSION_COOKIE "kz_session"
#define KZ_CSRF_HEADER    "X-CSRF-Token"

/*
 * Authenticates r and checks r->route's roles and flags. Returns 0 to run
 * the handler, or -1 after answering (401, 403).
 */
int kz_auth_request(struct kz_req *r);

/*
 * Whether token is the session's CSRF token (constant time). For forms,
 * whose token comes in a field rather than the X-CSRF-Token header.
 */
int kz_auth_csrf_ok(const struct kz_req *r, const char *token);

/* Sets or clears the session cookie on the coming response. */
void kz_auth_set_cookie(struct kz_req *r, const char *session_id);
void kz_auth_clear_cookie(struct kz_req *r);

#endif
