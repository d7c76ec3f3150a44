/* SPDX-License-Identifier: MIT */
/*
 * Intake of reports: parse, extract, classify, then open or join an
 * incident and link what is related, in one transaction.
 */
#include "intake.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/json.h"
#include "core/strutil.h"
#include "core/timeutil.h"
#include "extract/extract.h"
#include "format/mail.h"
#include "model/event.h"
#include "model/indicator.h"
#include "model/report.h"
#include "notify/replies.h"

#define TITLE_MAX           200
#define DESCRIPTION_MAX     (64u << 10)
#define LINK_MAX            10000 /* indicators linked from one report */
#define RELATED_MAX         20    /* related incidents linked from one report */
#define TEXT_ATTACHMENT_MAX (4u << 20) /* text read from one attachment */
#define DEFAULT_WINDOW      (7 * 86400)

const char *const kz_intake_format_names[] = { "auto", "eml", "text", "json",
	NULL };

/* What a report says once parsed, whatever its format. */
struct parsed {
	enum kz_intake_format format;
	struct kz_mail *mail;
	json_t *doc;
	struct kz_buf title;
	struct kz_buf text;    /* everything extraction reads */
	struct kz_buf headers; /* "Name: value" lines, for classification */
	const char *subject;
	const char *reporter;
	const char *message_id;
	const char *category; /* from a JSON report */
	const char *ticket;   /* from a JSON report */
	char ticket_ref[KZ_TICKET_MAX];
};

void
kz_intake_result_init(struct kz_intake_result *r)
{
	memset(r, 0, sizeof(*r));
}

void
kz_intake_result_release(struct kz_intake_result *r)
{
	kz_free(r->related);
	json_decref(r->warnings);
	memset(r, 0, sizeof(*r));
}

static void
parsed_release(struct parsed *p)
{
	kz_mail_free(p->mail);
	json_decref(p->doc);
	kz_buf_release(&p->title);
	kz_buf_release(&p->text);
	kz_buf_release(&p->headers);
}

static int
looks_like_mail(const char *raw, size_t len)
{
	size_t i = 0;

	/* A first line "Name: value" with a field name of printable ASCII,
	 * or an mbox "From " line. */
	if (len > 5 && memcmp(raw, "From ", 5) == 0)
		return 1;
	while (
	    i < len && i < 80 && raw[i] > 32 && raw[i] < 127 && raw[i] != ':')
		i++;
	return i > 0 && i < len && raw[i] == ':';
}

static int
looks_binary(const char *raw, size_t len)
{
	size_t n = len < 4096 ? len : 4096, ctl = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)raw[i];

		if (c == 0)
			return 1;
		if (c < 32 && c != '\n' && c != '\r' && c != '\t' &&
		    c != '\f' && c != 0x1b)
			ctl++;
	}
	return ctl * 10 > n;
}

/* Adds a title from the first non-blank line of s, cut at TITLE_MAX. */
static void
title_from_text(struct kz_buf *title, const char *s, size_t len)
{
	size_t i = 0, end;

	while (i < len && isspace((unsigned char)s[i]))
		i++;
	end = i;
	while (end < len && s[end] != '\n' && s[end] != '\r')
		end++;
	while (end > i && isspace((unsigned char)s[end - 1]))
		end--;
	kz_buf_add(title, s + i, kz_utf8_cut(s + i, end - i, TITLE_MAX));
}

static void
add_mail_text(struct parsed *p, const struct kz_mail *m)
{
	kz_buf_adds(&p->text, m->subject);
	kz_buf_addc(&p->text, '\n');
	if (m->text)
		kz_buf_add(&p->text, m->text, m->text_len);
	if (m->html_text) {
		kz_buf_addc(&p->text, '\n');
		kz_buf_adds(&p->text, m->html_text);
	}
	for (size_t i = 0; i < m->n_attachments; i++) {
		const struct kz_mail_attachment *a = &m->attachments[i];

		if (a->filename) {
			kz_buf_addc(&p->text, '\n');
			kz_buf_adds(&p->text, a->filename);
		}
		/* Text attachments (an X-ARF report, a log excerpt) hold
		 * indicators too. */
		if (a->data && a->detected &&
		    strcmp(a->detected, "text") == 0) {
			kz_buf_addc(&p->text, '\n');
			kz_utf8_sanitize(&p->text, (const char *)a->data,
			    kz_utf8_cut((const char *)a->data, a->size,
				TEXT_ATTACHMENT_MAX));
		}
	}
	for (size_t i = 0; i < m->n_messages; i++) {
		kz_buf_addc(&p->text, '\n');
		add_mail_text(p, m->messages[i]);
	}
}

static int
parse_mail(struct parsed *p, const char *raw, size_t len, json_t *warnings)
{
	struct kz_mail_limits lim = { .flags = KZ_MAIL_KEEP_DATA };
	const struct kz_mail *m;
	int rc;

	if ((rc = kz_mail_parse(&p->mail, raw, len, &lim)))
		return rc;
	m = p->mail;
	p->subject = m->subject;
	p->reporter = m->from ? m->from->addr : NULL;
	p->message_id = m->message_id;
	if (*m->subject)
		kz_buf_add(&p->title, m->subject,
		    kz_utf8_cut(m->subject, strlen(m->subject), TITLE_MAX));
	else if (m->n_messages && *m->messages[0]->subject)
		kz_buf_adds(&p->title, m->messages[0]->subject);
	else
		title_from_text(&p->title, m->text ? m->text : "", m->text_len);
	add_mail_text(p, m);
	for (size_t i = 0; i < m->n_headers; i++)
		kz_buf_addf(&p->headers, "%s: %s\n", m->headers[i].name,
		    m->headers[i].value);
	for (size_t i = 0; i < m->n_warnings; i++)
		json_array_append_new(warnings, json_string(m->warnings[i]));
	if (kz_mail_ticket_ref(
		p->ticket_ref, m->subject, kz_incident_prefix()) == 0)
		p->ticket = p->ticket_ref;
	kz_error_clear();
	return 0;
}

static int
json_field(const char **out, json_t *doc, const char *key)
{
	json_t *v = json_object_get(doc, key);

	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return kz_error_set(
		    KZ_EINVAL, "report field '%s' must be a string", key);
	*out = json_string_value(v);
	return 0;
}

static int
parse_json(struct parsed *p, const char *raw, size_t len)
{
	json_error_t jerr;
	const char *title, *text, *desc;
	json_t *iocs;
	size_t i;
	int rc;

	p->doc = json_loadb(raw, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!p->doc)
		return kz_error_set(
		    KZ_EINVAL, "malformed JSON report: %s", jerr.text);
	if (!json_is_object(p->doc))
		return kz_error_set(
		    KZ_EINVAL, "a JSON report must be an object");
	if ((rc = json_field(&title, p->doc, "title")) ||
	    (rc = json_field(&desc, p->doc, "description")) ||
	    (rc = json_field(&text, p->doc, "text")) ||
	    (rc = json_field(&p->reporter, p->doc, "reporter")) ||
	    (rc = json_field(&p->category, p->doc, "category")) ||
	    (rc = json_field(&p->ticket, p->doc, "ticket")))
		return rc;
	if (!title && !desc && !text)
		return kz_error_set(KZ_EINVAL,
		    "a JSON report needs a title, "
		    "a description or a text");
	if (title)
		kz_buf_adds(&p->title, title);
	else
		title_from_text(
		    &p->title, desc ? desc : text, strlen(desc ? desc : text));
	p->subject = title;
	kz_buf_addf(&p->text, "%s\n%s\n%s", title ? title : "",
	    desc ? desc : "", text ? text : "");
	iocs = json_object_get(p->doc, "indicators");
	if (iocs && !json_is_array(iocs))
		return kz_error_set(KZ_EINVAL,
		    "report field 'indicators' must be an array of strings");
	for (i = 0; i < json_array_size(iocs); i++) {
		json_t *v = json_array_get(iocs, i);

		if (!json_is_string(v))
			return kz_error_set(KZ_EINVAL,
			    "report field "
			    "'indicators' must be an array of strings");
		kz_buf_addf(&p->text, "\n%s", json_string_value(v));
	}
	return 0;
}

static int
parse_report(struct parsed *p, const char *raw, size_t len,
    enum kz_intake_format format, json_t *warnings)
{
	size_t i = 0;

	while (i < len && isspace((unsigned char)raw[i]))
		i++;
	if (i == len)
		return kz_error_set(KZ_EINVAL, "the report is empty");
	if (format == KZ_INTAKE_AUTO) {
		if (raw[i] == '{')
			format = KZ_INTAKE_JSON;
		else if (looks_like_mail(raw, len))
			format = KZ_INTAKE_EML;
		else
			format = KZ_INTAKE_TEXT;
	}
	p->format = format;
	if (format == KZ_INTAKE_EML)
		return parse_mail(p, raw, len, warnings);
	if (format == KZ_INTAKE_JSON)
		return parse_json(p, raw, len);
	if (looks_binary(raw, len))
		return kz_error_set(KZ_EINVAL,
		    "the report is binary data, not "
		    "text (give a mail with --format eml)");
	if (kz_utf8_sanitize(&p->text, raw, len))
		json_array_append_new(warnings,
		    json_string("invalid UTF-8 replaced with U+FFFD"));
	title_from_text(&p->title, p->text.ptr, p->text.len);
	return 0;
}

/* Stable over order: sha256 of the reporter and the sorted indicators. */
static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The fingerprint of a group key: reports with the same join one. */
static void
key_fingerprint(char out[65], const char *key)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	struct kz_buf b = KZ_BUF_INIT(1 << 20);

	kz_buf_addf(&b, "group\n%s", key);
	crypto_hash_sha256(h, (const unsigned char *)b.ptr, b.len);
	sodium_bin2hex(out, 65, h, sizeof(h));
	kz_buf_release(&b);
}

static int
fingerprint(
    char out[65], const char *reporter, const struct kz_extract_result *iocs)
{
	struct kz_buf b = KZ_BUF_INIT(64 << 20);
	char **lines;
	unsigned char h[crypto_hash_sha256_BYTES];
	size_t i;

	out[0] = '\0';
	if (!iocs->n)
		return 0;
	lines = kz_calloc(iocs->n, sizeof(*lines));
	if (!lines)
		return kz_error_set(KZ_ENOMEM, "out of memory");
	for (i = 0; i < iocs->n; i++) {
		struct kz_buf l = KZ_BUF_INIT(1 << 20);

		kz_buf_addf(&l, "%s\t%s", kz_ioc_type_name(iocs->items[i].type),
		    iocs->items[i].value);
		lines[i] = kz_buf_detach(&l, NULL);
	}
	qsort(lines, iocs->n, sizeof(*lines), cmp_str);
	if (reporter) {
		char *low = kz_strdup(reporter);

		if (low)
			kz_buf_adds(&b, kz_ascii_lower(low));
		kz_free(low);
	}
	for (i = 0; i < iocs->n; i++) {
		kz_buf_addc(&b, '\n');
		kz_buf_adds(&b, lines[i] ? lines[i] : "");
		kz_free(lines[i]);
	}
	kz_free(lines);
	if (b.err) {
		kz_buf_release(&b);
		return kz_error_set(KZ_ENOMEM, "out of memory");
	}
	crypto_hash_sha256(h, (const unsigned char *)b.ptr, b.len);
	sodium_bin2hex(out, 65, h, sizeof(h));
	kz_buf_release(&b);
	return 0;
}

/* The open incident an identical report came in for, within window. */
static int
find_repeat(
    int64_t *incident_id, struct kz_store *st, const char *fp, int64_t since)
{
	struct kz_stmt *s;
	int rc;

	*incident_id = 0;
	if (!*fp)
		return 0;
	if ((rc = kz_store_prepare(&s, st,
		 "SELECT r.incident_id FROM reports r JOIN incidents c "
		 "ON c.id = r.incident_id WHERE r.fingerprint = ? AND "
		 "r.received_at >= ? AND c.status NOT IN ('closed', 'rejected') "
		 "ORDER BY r.id DESC LIMIT 1")))
		return rc;
	kz_stmt_bind_text(s, 1, fp);
	kz_stmt_bind_int(s, 2, since);
	rc = kz_stmt_step(s);
	if (rc == KZ_ROW) {
		*incident_id = kz_stmt_int(s, 0);
		kz_stmt_step(s);
		return 0;
	}
	return rc;
}

static int
set_fingerprint(struct kz_store *st, int64_t report_id, const char *fp)
{
	struct kz_stmt *s;
	int rc;

	if (!*fp)
		return 0;
	if ((rc = kz_store_prepare(
		 &s, st, "UPDATE reports SET fingerprint = ? WHERE id = ?")))
		return rc;
	kz_stmt_bind_text(s, 1, fp);
	kz_stmt_bind_int(s, 2, report_id);
	return kz_stmt_exec(s);
}

static int
link_indicators(struct kz_intake_result *out, struct kz_store *st,
    const struct kz_extract_result *iocs, enum kz_tlp tlp, const char *source)
{
	int64_t *ids, *rel = NULL;
	size_t n = iocs->n < LINK_MAX ? iocs->n : LINK_MAX, nrel = 0, i;
	int rc = 0;

	if (!n)
		return 0;
	ids = kz_calloc(n, sizeof(*ids));
	if (!ids)
		return kz_error_set(KZ_ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		struct kz_indicator ioc;

		kz_indicator_init(&ioc);
		ioc.type = iocs->items[i].type;
		ioc.value = (char *)iocs->items[i].value;
		ioc.tlp = tlp;
		ioc.source = (char *)source;
		ioc.confidence = KZ_CONFIDENCE_OBSERVED;
		if ((rc = kz_indicator_upsert(&ids[i], st, &ioc)) ||
		    (rc = kz_indicator_link(st, out->incident_id, ids[i])))
			goto done;
	}
	out->n_indicators = n;
	if ((rc = kz_indicator_open_incidents(
		 &rel, &nrel, st, ids, n, out->incident_id, RELATED_MAX)))
		goto done;
	for (i = 0; i < nrel; i++) {
		struct kz_incident *other;
		json_t *data;

		if ((rc = kz_incident_relate(
			 st, out->incident_id, rel[i], "shared indicator")) ||
		    (rc = kz_incident_get_id(&other, st, rel[i])))
			goto done;
		data = json_pack("{s:s}", "ticket", other->ticket);
		rc = kz_event_add(st, out->incident_id, "link", NULL,
		    "shared indicator", data);
		json_decref(data);
		kz_incident_free(other);
		if (rc)
			goto done;
	}
	if (out->related) {
		kz_free(out->related);
		out->related = NULL;
		out->n_related = 0;
	}
	rc = kz_incident_related(
	    &out->related, &out->n_related, st, out->incident_id);
done:
	kz_free(ids);
	kz_free(rel);
	return rc;
}

int
kz_intake(struct kz_intake_result *out, struct kz_store *st, const char *raw,
    size_t len, const struct kz_intake_opts *opts)
{
	struct kz_intake_opts o = *opts;
	struct kz_extract_result iocs;
	struct parsed p = { 0 };
	struct kz_classify_input ci = { 0 };
	struct kz_incident inc, *found = NULL;
	struct kz_report rep = { 0 };
	struct kz_buf desc = KZ_BUF_INIT(DESCRIPTION_MAX + 16);
	char fp[65];
	json_t *data = NULL;
	int rc;

	kz_intake_result_init(out);
	kz_extract_result_init(&iocs);
	kz_buf_init(&p.title, 4096);
	kz_buf_init(&p.text, 64u << 20);
	kz_buf_init(&p.headers, 1u << 20);
	if (!o.source)
		o.source = "cli";
	if (!o.repeat_window)
		o.repeat_window = DEFAULT_WINDOW;
	if (len > KZ_REPORT_MAX)
		return kz_error_set(KZ_EINVAL,
		    "the report is too large (%zu bytes, at most %u)", len,
		    KZ_REPORT_MAX);
	if (!(out->warnings = json_array()))
		return kz_error_set(KZ_ENOMEM, "out of memory");
	if ((rc = parse_report(&p, raw, len, o.format, out->warnings)))
		goto done;
	out->format = p.format;
	if (p.text.err || p.title.err || p.headers.err) {
		rc = kz_error_set(KZ_ENOMEM, "out of memory");
		goto done;
	}
	if ((rc = kz_extract(&iocs, p.text.ptr, p.text.len, 0)))
		goto done;
	ci.subject = p.subject;
	ci.headers = p.headers.len ? p.headers.ptr : NULL;
	ci.headers_len = p.headers.len;
	ci.text = p.text.ptr;
	ci.text_len = p.text.len;
	ci.iocs = &iocs;
	if ((rc = kz_classify(&out->cls, o.rules, &ci)))
		goto done;
	if (p.category &&
	    (rc = kz_classify_override(&out->cls, p.category, NULL)))
		goto done;
	if (o.category &&
	    (rc = kz_classify_override(&out->cls, o.category, NULL)))
		goto done;
	if (!p.reporter)
		p.reporter = o.reporter;
	if (o.group_key)
		key_fingerprint(fp, o.group_key);
	else if ((rc = fingerprint(fp, p.reporter, &iocs)))
		goto done;

	if ((rc = kz_store_begin(st)))
		goto done;
	/* Join the incident the subject names, if it exists. */
	if (p.ticket) {
		rc = kz_incident_get(&found, st, p.ticket);
		if (rc == 0) {
			out->action = KZ_INTAKE_BY_TICKET;
		} else if (rc == KZ_ENOTFOUND || rc == KZ_EINVAL) {
			json_array_append_new(out->warnings,
			    json_sprintf(
				"ticket %s named in the report does not exist",
				p.ticket));
			rc = 0;
		} else {
			goto fail;
		}
	}
	/*
	 * A reply to one of our contacts, or a bounce of one, marks that
	 * contact (replied, failed) with a timeline event, and joins its
	 * incident when the subject named none (notify/replies.h).
	 */
	if (p.mail) {
		int64_t cinc = 0;

		if ((rc = kz_contact_match_mail(
			 &cinc, st, p.mail, found ? found->id : 0)))
			goto fail;
		if (!found && cinc) {
			if ((rc = kz_incident_get_id(&found, st, cinc)))
				goto fail;
			out->action = KZ_INTAKE_BY_TICKET;
		}
	}
	if (!found && (o.repeat_window > 0 || o.group_key)) {
		int64_t id;

		if ((rc = find_repeat(&id, st, fp,
			 o.group_key ? 0 : kz_time_now() - o.repeat_window)))
			goto fail;
		if (id && (rc = kz_incident_get_id(&found, st, id)))
			goto fail;
		if (found)
			out->action =
			    o.group_key ? KZ_INTAKE_GROUP : KZ_INTAKE_REPEAT;
	}
	if (found) {
		out->incident_id = found->id;
		snprintf(out->ticket, sizeof(out->ticket), "%s", found->ticket);
	} else {
		kz_incident_init(&inc);
		inc.title = o.title ? (char *)o.title :
		    p.title.len     ? p.title.ptr :
				      "(no subject)";
		kz_utf8_sanitize(&desc, p.text.ptr,
		    kz_utf8_cut(p.text.ptr, p.text.len, DESCRIPTION_MAX));
		inc.description = desc.ptr;
		inc.category = out->cls.category;
		inc.stage = out->cls.stage;
		inc.tlp = o.tlp;
		inc.reporter = (char *)p.reporter;
		if (desc.err) {
			rc = desc.err;
			goto fail;
		}
		if ((rc = kz_incident_create(st, &inc, o.actor)))
			goto fail;
		out->action = KZ_INTAKE_OPENED;
		out->incident_id = inc.id;
		snprintf(out->ticket, sizeof(out->ticket), "%s", inc.ticket);
		data = json_pack("{s:s, s:f, s:s, s:s?}", "category",
		    kz_category_name(out->cls.category), "confidence",
		    out->cls.confidence, "rule", out->cls.rule, "stage",
		    kz_stage_name(out->cls.stage));
		rc = kz_event_add(
		    st, inc.id, "classified", NULL, out->cls.rule, data);
		if (rc)
			goto fail;
	}
	rep.incident_id = out->incident_id;
	rep.source = (char *)o.source;
	rep.format = (char *)kz_intake_format_names[p.format];
	rep.reporter = (char *)p.reporter;
	rep.subject = (char *)p.subject;
	rep.message_id = (char *)p.message_id;
	rep.raw = (unsigned char *)raw;
	rep.size = len;
	if ((rc = kz_report_add(st, &rep, o.actor)))
		goto fail;
	out->report_id = rep.id;
	if ((rc = set_fingerprint(st, rep.id, fp)))
		goto fail;
	if ((rc = link_indicators(out, st, &iocs, o.tlp, "report")))
		goto fail;
	rc = kz_store_commit(st);
	goto done;
fail:
	kz_store_rollback(st);
done:
	json_decref(data);
	kz_incident_free(found);
	kz_extract_result_release(&iocs);
	kz_buf_release(&desc);
	parsed_release(&p);
	if (rc) {
		/* Keep the error: releasing does not touch it. */
		kz_free(out->related);
		out->related = NULL;
		out->n_related = 0;
	}
	return rc;
}

json_t *
kz_intake_result_to_json(const struct kz_intake_result *r)
{
	static const char *const actions[] = { "opened", "by_ticket", "repeat",
		"group" };
	json_t *o = json_object(), *rel = json_array();

	for (size_t i = 0; i < r->n_related; i++)
		json_array_append_new(rel, json_string(r->related[i]));
	kz_json_set(o, "ticket", json_string(r->ticket));
	kz_json_set(o, "action", json_string(actions[r->action]));
	kz_json_set(o, "report", json_integer(r->report_id));
	kz_json_set(
	    o, "format", json_string(kz_intake_format_names[r->format]));
	kz_json_set(
	    o, "category", json_string(kz_category_name(r->cls.category)));
	kz_json_set(o, "confidence", json_real(r->cls.confidence));
	kz_json_set(o, "rule", json_string(r->cls.rule));
	kz_json_set(o, "stage", kz_json_str(kz_stage_name(r->cls.stage)));
	kz_json_set(o, "indicators", json_integer((json_int_t)r->n_indicators));
	kz_json_set(o, "related", rel);
	kz_json_set(o, "warnings",
	    r->warnings ? json_incref(r->warnings) : json_array());
	return o;
}
