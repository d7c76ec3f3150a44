/* SPDX-License-Identifier: MIT */
/*
 * The route table: every URL the server answers, with the roles allowed
 * on it, in one place (routes.c), so that no route can forget its role
 * check. Handlers are thin: parse input, call the library, render.
 */
#ifndef KZ_ROUTES_H
#define KZ_ROUTES_H

#include "http.h"

enum kz_route_flags {
	KZ_RT_PUBLIC = 1 << 0,   /* no login needed (roles ignored) */
	KZ_RT_PWCHANGE = 1 << 1, /* allowed while a password must change */
	KZ_RT_NOCSRF = 1 << 2,   /* no CSRF header even with a cookie */
	KZ_RT_NOLOG = 1 << 3,    /* not in the access log (health checks) */
	/* A web page: errors answer as HTML (401 redirects to /login), and
	 * a POST's CSRF token comes in the form field "csrf". */
	KZ_RT_PAGE = 1 << 4,
	/* Takes file uploads: the body may be up to KZ_UPLOAD_MAX. */
	KZ_RT_UPLOAD = 1 << 5,
	/* GET answers may be kept in the per-thread cache (cache.h): only
	 * routes whose answer depends on nothing but the database, the user,
	 * the language and the URL. */
	KZ_RT_CACHE = 1 << 6,
};

/* The body limit of KZ_RT_UPLOAD routes (files and the other fields). */
#define KZ_UPLOAD_MAX (11u << 20)

typedef int (*kz_handler)(struct kz_req *r);

struct kz_route {
	const char *method;
	const char *pattern; /* "/api/v1/incidents/{ticket}" */
	kz_handler fn;
	unsigned roles; /* enum kz_role bits */
	unsigned flags;
	const char *name; /* for metrics and the access log */
};

extern const struct kz_route kz_routes[];

/*
 * Finds the route of method and path, filling r->params. Returns the
 * route, or NULL with *path_known set when another method would match
 * (405) and clear when nothing does (404).
 */
const struct kz_route *kz_route_match(
    struct kz_req *r, const char *method, const char *path, int *path_known);

/* "GET, POST" — the methods path answers, for Allow. Into out. */
void kz_route_allow(char *out, size_t outsz, const char *path);

/* Handlers, one file per area. */
int api_incident_list(struct kz_req *r);
int api_incident_create(struct kz_req *r);
int api_incident_get(struct kz_req *r);
int api_incident_patch(struct kz_req *r);
int api_incident_status(struct kz_req *r);
int api_incident_note(struct kz_req *r);
int api_incident_assign(struct kz_req *r);
int api_incident_timeline(struct kz_req *r);
int api_incident_reports(struct kz_req *r);
int api_incident_orgs(struct kz_req *r);
int api_incident_link_org(struct kz_req *r);
int api_incident_unlink_org(struct kz_req *r);
int api_report_create(struct kz_req *r);
int api_report_get(struct kz_req *r);
int api_org_list(struct kz_req *r);
int api_org_create(struct kz_req *r);
int api_org_get(struct kz_req *r);
int api_org_patch(struct kz_req *r);
int api_stats(struct kz_req *r);
int api_login(struct kz_req *r);
int api_logout(struct kz_req *r);
int api_me(struct kz_req *r);
int api_me_patch(struct kz_req *r);
int api_incident_notify(struct kz_req *r);
int api_incident_indicators(struct kz_req *r);
int api_me_password(struct kz_req *r);
int api_me_tokens(struct kz_req *r);
int api_me_token_create(struct kz_req *r);
int api_me_token_revoke(struct kz_req *r);
int api_user_list(struct kz_req *r);
int api_user_create(struct kz_req *r);
int api_user_get(struct kz_req *r);
int api_user_patch(struct kz_req *r);
int api_user_token_create(struct kz_req *r);
int api_healthz(struct kz_req *r);
int api_metrics(struct kz_req *r);
int api_openapi(struct kz_req *r);
int api_root(struct kz_req *r);

#endif
