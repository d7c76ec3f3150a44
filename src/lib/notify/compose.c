/* SPDX-License-Identifier: MIT */
/* Gathering an incident's facts and turning them into one mail. */
#include "compose.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/strutil.h"
#include "core/timeutil.h"
#include "model/access.h"
#include "model/indicator.h"
#include "model/org.h"
#include "notify/iodef.h"
#include "notify/mailout.h"
#include "notify/xarf.h"

#define EXCERPT_LINES 20
#define EXCERPT_BYTES 2000
#define XARF_MAX      1000 /* X-ARF attachments in one mail */

static const char *const category_ja[] = { "スキャン", "Web サイト改ざん",
	"フィッシングサイト", "マルウェアサイト", "DoS/DDoS", "標的型攻撃",
	"制御システム関連", "その他" };

void
kz_composed_release(struct kz_composed *c)
{
	kz_free(c->template);
	kz_free(c->subject);
	kz_free(c->message_id);
	kz_free(c->in_reply_to);
	kz_free(c->body);
	kz_free(c->raw);
	memset(c, 0, sizeof(*c));
}

int
kz_notify_target(struct kz_compose_opts *o, struct kz_org **org,
    struct kz_store *st, const char *to, const char *lang, const char *format)
{
	struct kz_contact_prefs prefs = { 1, KZ_MACHINE_BOTH };
	int rc;

	*org = NULL;
	if (!strchr(to, '@')) {
		if ((rc = kz_org_get(org, st, to)))
			return rc;
		if (!(*org)->contacts.n)
			return kz_error_set(KZ_EINVAL,
			    "org '%s' has no contact address (kizuki org "
			    "update %s --add-contact ADDRESS)",
			    (*org)->name, (*org)->name);
		if ((rc = kz_contact_prefs_get(&prefs, st, (*org)->id)))
			return rc;
	}
	if (format && *format &&
	    (rc = kz_machine_parse(&prefs.machine, format)))
		return rc;
	o->recipient = *org ? (*org)->contacts.v[0] : to;
	o->org_id = *org ? (*org)->id : 0;
	o->org_name = *org ? (*org)->name : NULL;
	o->lang = lang && *lang  ? lang :
	    *org && (*org)->lang ? (*org)->lang :
				   "en";
	o->machine = prefs.machine;
	return 0;
}

const char *
kz_notify_domain(const struct kz_notify_config *cfg)
{
	const char *at;

	if (cfg->team_domain && *cfg->team_domain)
		return cfg->team_domain;
	if (cfg->team_email && (at = strrchr(cfg->team_email, '@')) && at[1])
		return at + 1;
	return "localhost";
}

/* "> " quoted lines of the start of text. */
static void
excerpt(struct kz_buf *b, const char *text)
{
	size_t n = kz_utf8_cut(text, strlen(text), EXCERPT_BYTES), i = 0;
	int lines = 0;

	while (i < n && lines < EXCERPT_LINES) {
		size_t e = i;

		while (e < n && text[e] != '\n')
			e++;
		kz_buf_adds(b, "> ");
		kz_buf_add(b, text + i, e - i);
		kz_buf_addc(b, '\n');
		lines++;
		i = e < n ? e + 1 : e;
	}
	while (b->len &&
	    (b->ptr[b->len - 1] == '\n' || b->ptr[b->len - 1] == ' ' ||
		b->ptr[b->len - 1] == '>'))
		kz_buf_truncate(b, b->len - 1);
}

static void
defang(struct kz_buf *b, const char *v)
{
	if (strncmp(v, "http", 4) == 0) {
		kz_buf_adds(b, "hxxp");
		v += 4;
	}
	for (; *v; v++)
		if (*v == '.')
			kz_buf_adds(b, "[.]");
		else
			kz_buf_addc(b, *v);
}

struct gathered {
	struct kz_incident **incs;
	size_t n_incs;
	struct kz_indicator *iocs;
	size_t n_iocs;
	struct kz_notice_ioc *nio;
	const char **ioc_ticket;
	struct kz_contact parent;
};

static void
gathered_release(struct gathered *g)
{
	for (size_t i = 0; i < g->n_incs; i++)
		kz_incident_free(g->incs[i]);
	kz_free(g->incs);
	kz_indicator_list_free(g->iocs, g->n_iocs);
	kz_free(g->nio);
	kz_free(g->ioc_ticket);
	kz_contact_release(&g->parent);
}

static int
wanted(const struct kz_compose_opts *o, int64_t id)
{
	if (!o->indicator_ids)
		return 1;
	for (size_t i = 0; i < o->n_indicator_ids; i++)
		if (o->indicator_ids[i] == id)
			return 1;
	return 0;
}

static int
gather(struct gathered *g, struct kz_store *st, const struct kz_compose_opts *o)
{
	size_t alloc = 0;
	int rc;

	g->incs = kz_calloc(o->n_incidents, sizeof(*g->incs));
	if (!g->incs)
		return kz_error_set(KZ_ENOMEM, "out of memory");
	for (size_t i = 0; i < o->n_incidents; i++) {
		struct kz_indicator *v = NULL;
		size_t n = 0;

		if ((rc = kz_incident_get_id(
			 &g->incs[i], st, o->incident_ids[i])))
			return rc;
		g->n_incs++;
		if ((rc = kz_indicator_list_incident(
			 &v, &n, st, o->incident_ids[i])))
			return rc;
		for (size_t j = 0; j < n; j++) {
			int dup = 0;

			for (size_t k = 0; k < g->n_iocs; k++)
				if (g->iocs[k].id == v[j].id)
					dup = 1;
			if (dup || !wanted(o, v[j].id)) {
				kz_indicator_release(&v[j]);
				continue;
			}
			if (g->n_iocs == alloc) {
				size_t na = alloc ? alloc * 2 : 16;
				struct kz_indicator *p =
				    kz_realloc(g->iocs, na * sizeof(*p));
				const char **q =
				    kz_realloc(g->ioc_ticket, na * sizeof(*q));

				if (q)
					g->ioc_ticket = q;
				if (!p || !q) {
					if (p)
						g->iocs = p;
					for (; j < n; j++)
						kz_indicator_release(&v[j]);
					kz_free(v);
					return kz_error_set(
					    KZ_ENOMEM, "out of memory");
				}
				g->iocs = p;
				alloc = na;
			}
			g->ioc_ticket[g->n_iocs] = g->incs[i]->ticket;
			g->iocs[g->n_iocs++] = v[j];
		}
		kz_free(v);
	}
	g->nio = kz_calloc(g->n_iocs ? g->n_iocs : 1, sizeof(*g->nio));
	if (!g->nio)
		return kz_error_set(KZ_ENOMEM, "out of memory");
	for (size_t i = 0; i < g->n_iocs; i++) {
		g->nio[i].type = g->iocs[i].type;
		g->nio[i].value = g->iocs[i].value;
		g->nio[i].ticket = g->ioc_ticket[i];
		g->nio[i].first_seen = g->iocs[i].first_seen;
		g->nio[i].last_seen = g->iocs[i].last_seen;
	}
	return 0;
}

static int
fill_vars(struct kz_tvars *v, const struct kz_notice_data *d,
    const struct gathered *g, const struct kz_compose_opts *o,
    const struct kz_notify_config *cfg, const char *machine_parts)
{
	char t[KZ_TIME_STRLEN], n[32];
	struct kz_buf b = KZ_BUF_INIT(1 << 20);
	const struct kz_incident *inc = g->incs[0];
	int rc = 0;

#define SET(k, val)                                                            \
	do {                                                                   \
		if (!rc)                                                       \
			rc = kz_tvars_set(v, (k), (val));                      \
	} while (0)
	SET("ticket", inc->ticket);
	for (size_t i = 0; i < g->n_incs; i++)
		kz_buf_addf(&b, "%s%s", i ? ", " : "", g->incs[i]->ticket);
	SET("tickets", b.ptr);
	kz_buf_reset(&b);
	SET("title", inc->title);
	SET("description", inc->description);
	SET("category", kz_category_name(inc->category));
	SET("category_ja", category_ja[inc->category]);
	SET("tlp", kz_tlp_label(inc->tlp));
	snprintf(n, sizeof(n), "%d", inc->priority);
	SET("priority", n);
	SET("first_seen_utc", kz_time_format(t, d->first_seen));
	SET("first_seen_jst", kz_time_format_jst(t, d->first_seen));
	SET("last_seen_utc", kz_time_format(t, d->last_seen));
	SET("last_seen_jst", kz_time_format_jst(t, d->last_seen));
	SET("now_utc", kz_time_format(t, d->now));
	SET("now_jst", kz_time_format_jst(t, d->now));
	SET("excerpt", d->excerpt);
	SET("reporter", inc->reporter);
	SET("recipient", o->recipient);
	SET("org", o->org_name);
	SET("team", cfg->team);
	SET("team_email", cfg->team_email);
	snprintf(n, sizeof(n), "%zu", g->n_iocs);
	SET("indicator_count", n);
	SET("result", o->result);
	SET("machine_parts", machine_parts);
	if (g->parent.id) {
		SET("sent_utc", kz_time_format(t, g->parent.sent_at));
		SET("sent_jst", kz_time_format_jst(t, g->parent.sent_at));
		snprintf(n, sizeof(n), "%lld",
		    (long long)((d->now - g->parent.sent_at) / 86400));
		SET("days", n);
		SET("original_subject", g->parent.subject);
	}
	for (size_t i = 0; i < g->n_iocs && !rc; i++) {
		const struct kz_indicator *x = &g->iocs[i];

		rc = kz_tvars_add_item(v);
		if (!rc)
			rc = kz_tvars_item_set(
			    v, "type", kz_ioc_type_name(x->type));
		if (!rc)
			rc = kz_tvars_item_set(v, "value", x->value);
		kz_buf_reset(&b);
		defang(&b, x->value);
		if (!rc)
			rc = kz_tvars_item_set(v, "defanged", b.ptr);
		if (!rc)
			rc = kz_tvars_item_set(v, "ticket", g->nio[i].ticket);
		if (!rc && x->first_seen) {
			rc = kz_tvars_item_set(v, "first_seen_utc",
			    kz_time_format(t, x->first_seen));
			if (!rc)
				rc = kz_tvars_item_set(v, "first_seen_jst",
				    kz_time_format_jst(t, x->first_seen));
		}
		if (!rc && x->last_seen) {
			rc = kz_tvars_item_set(v, "last_seen_utc",
			    kz_time_format(t, x->last_seen));
			if (!rc)
				rc = kz_tvars_item_set(v, "last_seen_jst",
				    kz_time_format_jst(t, x->last_seen));
		}
	}
#undef SET
	if (!rc && b.err)
		rc = kz_error_set(KZ_ENOMEM, "out of memory");
	kz_buf_release(&b);
	return rc;
}

/* Renders one language; *name receives the template's base name. */
static int
render_lang(struct kz_buf *subj, struct kz_buf *body, char **name,
    const struct kz_notify_config *cfg, const struct kz_compose_opts *o,
    const struct kz_incident *inc, const char *lang, const struct kz_tvars *v)
{
	const struct kz_template *t;
	const char *kind =
	    o->template ? o->template : kz_contact_kind_names[o->kind];
	int rc;

	if ((rc = kz_templates_find(&t, cfg->templates, kind,
		 o->template ? NULL : kz_category_name(inc->category), lang)))
		return rc;
	if (!*name) {
		const char *tn = kz_template_name(t);
		const char *dot = strchr(tn, '.');

		*name = kz_strndup(tn, dot ? (size_t)(dot - tn) : strlen(tn));
		if (!*name)
			return kz_error_set(KZ_ENOMEM, "out of memory");
	}
	return kz_template_render(subj, body, t, v);
}

static char *
detach(struct kz_buf *b)
{
	return kz_buf_detach(b, NULL);
}

int
kz_compose(struct kz_composed *out, struct kz_store *st,
    const struct kz_notify_config *cfg, const struct kz_compose_opts *o)
{
	struct gathered g;
	struct kz_notice_data d;
	struct kz_tvars *v = NULL;
	struct kz_buf subj = KZ_BUF_INIT(8192), body = KZ_BUF_INIT(16u << 20),
		      ex = KZ_BUF_INIT(8192), s2 = KZ_BUF_INIT(8192),
		      b2 = KZ_BUF_INIT(16u << 20), raw = KZ_BUF_INIT(64u << 20),
		      xml = KZ_BUF_INIT(32u << 20), mp = KZ_BUF_INIT(256);
	struct kz_buf *xarf = NULL;
	struct kz_mailout_part *parts = NULL;
	char(*names)[32] = NULL;
	struct kz_mailout m = { 0 };
	size_t n_xarf = 0, n_parts = 0;
	unsigned char rnd[8];
	char hex[17];
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&g, 0, sizeof(g));
	memset(&d, 0, sizeof(d));
	if ((rc = kz_contact_lang_check(o->lang)))
		return rc;
	if (!o->recipient || !strchr(o->recipient, '@'))
		return kz_error_set(KZ_EINVAL,
		    "invalid recipient '%s' (an e-mail address)",
		    o->recipient ? o->recipient : "");
	if (!cfg->team_email || !strchr(cfg->team_email, '@'))
		return kz_error_set(KZ_EINVAL,
		    "the team's address is not set (give --from ADDRESS or "
		    "[team] email in the config)");
	if (!o->n_incidents)
		return kz_error_set(KZ_EINVAL, "a contact needs an incident");
	if ((rc = gather(&g, st, o)))
		goto done;
	/* TLP decides who may be told: the one check in model/access.c. */
	for (size_t i = 0; i < g.n_incs; i++)
		if ((rc = kz_access_notify(st, g.incs[i], o->org_id,
			 o->kind == KZ_CONTACT_RESULT)))
			goto done;
	if (o->kind == KZ_CONTACT_REMINDER &&
	    (rc = kz_contact_get(&g.parent, st, o->parent_id)))
		goto done;

	d.ticket = g.incs[0]->ticket;
	d.title = g.incs[0]->title;
	d.description = g.incs[0]->description;
	d.category = g.incs[0]->category;
	d.tlp = g.incs[0]->tlp;
	d.priority = g.incs[0]->priority;
	d.created_at = g.incs[0]->created_at;
	d.now = kz_time_now();
	d.team = cfg->team;
	d.team_email = cfg->team_email;
	d.team_domain = kz_notify_domain(cfg);
	d.lang = o->lang;
	d.iocs = g.nio;
	d.n_iocs = g.n_iocs;
	for (size_t i = 0; i < g.n_iocs; i++) {
		if (g.nio[i].first_seen &&
		    (!d.first_seen || g.nio[i].first_seen < d.first_seen))
			d.first_seen = g.nio[i].first_seen;
		if (g.nio[i].last_seen > d.last_seen)
			d.last_seen = g.nio[i].last_seen;
	}
	if (!d.first_seen)
		d.first_seen = d.created_at;
	if (!d.last_seen)
		d.last_seen = d.first_seen;
	if (o->kind == KZ_CONTACT_NOTIFY && d.description)
		excerpt(&ex, d.description);
	d.excerpt = ex.ptr;

	/* machine-readable parts, only on notices */
	if (o->kind == KZ_CONTACT_NOTIFY && (o->machine & KZ_MACHINE_XARF)) {
		for (size_t i = 0; i < g.n_iocs; i++)
			if (kz_xarf_can_report(g.nio[i].type))
				n_xarf++;
		if (n_xarf > XARF_MAX)
			n_xarf = XARF_MAX;
		if (n_xarf && !(xarf = kz_calloc(n_xarf, sizeof(*xarf)))) {
			rc = kz_error_set(KZ_ENOMEM, "out of memory");
			goto done;
		}
		for (size_t i = 0, k = 0; i < g.n_iocs && k < n_xarf; i++) {
			if (!kz_xarf_can_report(g.nio[i].type))
				continue;
			kz_buf_init(&xarf[k], 1 << 20);
			if ((rc = kz_xarf_build(&xarf[k], &d, i)))
				goto done;
			k++;
		}
		if (n_xarf)
			kz_buf_adds(&mp, "X-ARF (JSON)");
	}
	if (o->kind == KZ_CONTACT_NOTIFY && (o->machine & KZ_MACHINE_IODEF)) {
		if ((rc = kz_iodef_build(&xml, &d)))
			goto done;
		kz_buf_addf(&mp, "%sIODEF (XML)", mp.len ? ", " : "");
	}

	if (!(v = kz_tvars_new())) {
		rc = kz_error_set(KZ_ENOMEM, "out of memory");
		goto done;
	}
	if ((rc = fill_vars(v, &d, &g, o, cfg, mp.ptr)))
		goto done;
	if (strcmp(o->lang, "ja+en") == 0) {
		const char *ps;
		char pre[KZ_TICKET_MAX + 4];

		kz_buf_adds(&body, "(English follows Japanese)\n\n");
		if ((rc = render_lang(&subj, &body, &out->template, cfg, o,
			 g.incs[0], "ja", v)) ||
		    (rc = render_lang(
			 &s2, &b2, &out->template, cfg, o, g.incs[0], "en", v)))
			goto done;
		/* one ticket in the subject is enough */
		snprintf(pre, sizeof(pre), "[%s] ", d.ticket);
		ps = s2.ptr;
		if (strncmp(ps, pre, strlen(pre)) == 0)
			ps += strlen(pre);
		kz_buf_addf(&subj, " / %s", ps);
		kz_buf_adds(&body,
		    "\n==================================="
		    "===================================\n\n");
		kz_buf_add(&body, b2.ptr, b2.len);
	} else if ((rc = render_lang(&subj, &body, &out->template, cfg, o,
			g.incs[0], o->lang, v))) {
		goto done;
	}
	if (!strstr(subj.ptr, d.ticket)) {
		/* the ticket in the subject is what routes replies */
		char tmp[KZ_TICKET_MAX + 4];

		snprintf(tmp, sizeof(tmp), "[%s] ", d.ticket);
		kz_buf_reset(&s2);
		kz_buf_adds(&s2, tmp);
		kz_buf_add(&s2, subj.ptr, subj.len);
		kz_buf_reset(&subj);
		kz_buf_add(&subj, s2.ptr, s2.len);
	}

	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(hex, sizeof(hex), rnd, sizeof(rnd));
	kz_buf_reset(&s2);
	kz_buf_addf(&s2, "%s.%s@%s", d.ticket, hex, d.team_domain);
	out->message_id = detach(&s2);

	n_parts = n_xarf + (xml.len ? 1 : 0);
	if (n_xarf && !(names = kz_calloc(n_xarf, sizeof(*names)))) {
		rc = kz_error_set(KZ_ENOMEM, "out of memory");
		goto done;
	}
	if (n_parts && !(parts = kz_calloc(n_parts, sizeof(*parts)))) {
		rc = kz_error_set(KZ_ENOMEM, "out of memory");
		goto done;
	}
	{
		size_t k = 0;

		for (size_t i = 0; i < n_xarf; i++) {
			if (n_xarf == 1)
				snprintf(
				    names[i], sizeof(names[i]), "xarf.json");
			else
				snprintf(names[i], sizeof(names[i]),
				    "xarf-%zu.json", i + 1);
			parts[k].content_type = "application/json";
			parts[k].filename = names[i];
			parts[k].data = xarf[i].ptr;
			parts[k].len = xarf[i].len;
			k++;
		}
		if (xml.len) {
			parts[k].content_type = "application/xml";
			parts[k].filename = "iodef.xml";
			parts[k].data = xml.ptr;
			parts[k].len = xml.len;
		}
	}
	m.from = cfg->team_email;
	m.from_name = cfg->team;
	m.to = o->recipient;
	m.subject = subj.ptr;
	m.message_id = out->message_id;
	if (g.parent.id)
		m.in_reply_to = g.parent.message_id;
	m.ticket = d.ticket;
	m.date = d.now;
	m.body = body.ptr;
	m.parts = parts;
	m.n_parts = n_parts;
	if ((rc = kz_mailout_build(&raw, &m)))
		goto done;
	if (subj.err || body.err || ex.err || mp.err) {
		rc = kz_error_set(KZ_ENOMEM, "out of memory");
		goto done;
	}
	snprintf(out->ticket, sizeof(out->ticket), "%s", d.ticket);
	out->incident_id = g.incs[0]->id;
	out->n_indicators = g.n_iocs;
	if (g.parent.id &&
	    !(out->in_reply_to = kz_strdup(g.parent.message_id))) {
		rc = kz_error_set(KZ_ENOMEM, "out of memory");
		goto done;
	}
	out->subject = detach(&subj);
	out->body = detach(&body);
	out->raw = kz_buf_detach(&raw, &out->raw_len);
	if (!out->subject || !out->body || !out->raw)
		rc = kz_error_set(KZ_ENOMEM, "out of memory");
done:
	for (size_t i = 0; xarf && i < n_xarf; i++)
		kz_buf_release(&xarf[i]);
	kz_free(xarf);
	kz_free(parts);
	kz_free(names);
	kz_tvars_free(v);
	kz_buf_release(&subj);
	kz_buf_release(&body);
	kz_buf_release(&ex);
	kz_buf_release(&s2);
	kz_buf_release(&b2);
	kz_buf_release(&raw);
	kz_buf_release(&xml);
	kz_buf_release(&mp);
	gathered_release(&g);
	return rc;
}
