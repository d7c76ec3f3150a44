/* SPDX-License-Identifier: MIT */
/*
 * The administrative pages: organisations (list for staff, one org for
 * staff or its own members) and users (admins). Read-only views; changes
 * go through the API and the command line.
 */
#include <string.h>

#include "api.h"
#include "core/error.h"
#include "model/access.h"
#include "model/org.h"
#include "model/user.h"
#include "ui.h"

static const char *
join(struct kz_req *r, const struct kz_strlist *l)
{
	struct kz_buf b = KZ_BUF_INIT(1 << 20);
	const char *out;

	for (size_t i = 0; i < l->n; i++)
		kz_buf_addf(&b, "%s%s", i ? ", " : "", l->v[i]);
	out = b.err ? "" : ui_e(r, b.ptr);
	kz_buf_release(&b);
	return out;
}

int
ui_org_list(struct kz_req *r)
{
	struct kz_buf b = KZ_BUF_INIT(UI_PAGE_MAX);
	struct kz_org *orgs = NULL;
	size_t n = 0;

	ui_lang(r);
	if (kz_org_list(&orgs, &n, r->st, -1))
		return ui_fail(r, 0);
	ui_begin(&b, r, kz_tr(r->lang, N_("Organisations")));
	kz_buf_addf(&b,
	    "<table><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
	    "</tr></thead><tbody>",
	    ui_t(r, N_("Name")), ui_t(r, N_("Kind")), ui_t(r, N_("Country")),
	    ui_t(r, N_("Contacts")));
	for (size_t i = 0; i < n; i++)
		kz_buf_addf(&b,
		    "<tr><td><a href=\"/orgs/%s\">%s</a></td><td>%s</td>"
		    "<td>%s</td><td>%s</td></tr>",
		    ui_url(r, orgs[i].name), ui_e(r, orgs[i].name),
		    ui_e(r, kz_org_kind_names[orgs[i].kind]),
		    ui_e(r, orgs[i].country), join(r, &orgs[i].contacts));
	if (!n)
		kz_buf_addf(&b,
		    "<tr><td colspan=\"4\" class=\"muted\">%s</td></tr>",
		    ui_t(r, N_("Nothing here.")));
	kz_buf_adds(&b, "</tbody></table>");
	kz_org_list_free(orgs, n);
	return ui_finish(&b, r, 200);
}

int
ui_org_page(struct kz_req *r)
{
	struct kz_buf b = KZ_BUF_INIT(UI_PAGE_MAX);
	struct kz_org *org = NULL;
	const char *name = r->params[0];

	ui_lang(r);
	if (!api_name_ok(name)) {
		kz_error_set(KZ_EINVAL, "'%s' is not an org name", name);
		return ui_fail_page(r, 400, "invalid");
	}
	if (kz_org_get(&org, r->st, name))
		return ui_fail(r, 0);
	if (!kz_access_org(&r->who, org->id, 0)) {
		/* Not one's own org: as if it did not exist. */
		kz_error_set(KZ_ENOTFOUND, "no org '%s'", name);
		kz_org_free(org);
		return ui_fail(r, 0);
	}
	ui_begin(&b, r, org->name);
	kz_buf_addf(&b,
	    "<table class=\"box\"><tr><th>%s</th><td>%s</td></tr>"
	    "<tr><th>%s</th><td>%s</td></tr><tr><th>%s</th><td>%s</td></tr>"
	    "<tr><th>%s</th><td>%s</td></tr><tr><th>%s</th><td>%s</td></tr>"
	    "<tr><th>%s</th><td>%s</td></tr>",
	    ui_t(r, N_("Kind")), ui_e(r, kz_org_kind_names[org->kind]),
	    ui_t(r, N_("Country")), ui_e(r, org->country),
	    ui_t(r, N_("Language")), ui_e(r, org->lang),
	    ui_t(r, N_("Contacts")), join(r, &org->contacts),
	    ui_t(r, N_("Networks")), join(r, &org->netblocks),
	    ui_t(r, N_("Domains")), join(r, &org->domains));
	kz_buf_addf(&b, "<tr><th>ASN</th><td>");
	for (size_t i = 0; i < org->nasns; i++)
		kz_buf_addf(
		    &b, "%sAS%lld", i ? ", " : "", (long long)org->asns[i]);
	kz_buf_adds(&b, "</td></tr>");
	if (org->note && *org->note)
		kz_buf_addf(&b, "<tr><th>%s</th><td>%s</td></tr>",
		    ui_t(r, N_("Note")), ui_e(r, org->note));
	kz_buf_adds(&b, "</table>");
	kz_org_free(org);
	return ui_finish(&b, r, 200);
}

int
ui_user_list(struct kz_req *r)
{
	struct kz_buf b = KZ_BUF_INIT(UI_PAGE_MAX);
	struct kz_user *u = NULL;
	size_t n = 0;

	ui_lang(r);
	if (kz_user_list(&u, &n, r->st))
		return ui_fail(r, 0);
	ui_begin(&b, r, kz_tr(r->lang, N_("Users")));
	kz_buf_addf(&b,
	    "<table><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
	    "<th>%s</th></tr></thead><tbody>",
	    ui_t(r, N_("Name")), ui_t(r, N_("Role")),
	    ui_t(r, N_("Organisation")), ui_t(r, N_("State")),
	    ui_t(r, N_("Created")));
	for (size_t i = 0; i < n; i++)
		kz_buf_addf(&b,
		    "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td>"
		    "<td>%s</td></tr>",
		    ui_e(r, u[i].name), ui_t(r, kz_role_name(u[i].role)),
		    u[i].org ? ui_e(r, u[i].org) : "-",
		    u[i].disabled ? ui_t(r, N_("disabled")) :
			u[i].must_change_password ?
				    ui_t(r, N_("must change password")) :
				    ui_t(r, N_("active")),
		    ui_time(r, u[i].created_at));
	kz_buf_adds(&b, "</tbody></table>");
	kz_user_list_free(u, n);
	return ui_finish(&b, r, 200);
}
