/* SPDX-License-Identifier: MIT */
/* Indicators in the store, their links to incidents, related incidents. */
#include "indicator.h"

#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/json.h"
#include "core/strutil.h"
#include "core/timeutil.h"
#include "match/indicators.h"

void
kz_indicator_init(struct kz_indicator *ioc)
{
	memset(ioc, 0, sizeof(*ioc));
	ioc->tlp = KZ_TLP_AMBER;
	ioc->confidence = 50;
}

void
kz_indicator_release(struct kz_indicator *ioc)
{
	kz_free(ioc->value);
	kz_free(ioc->tags);
	kz_free(ioc->source);
	kz_indicator_init(ioc);
}

void
kz_indicator_list_free(struct kz_indicator *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		kz_indicator_release(&v[i]);
	kz_free(v);
}

/*
 * Adds an indicator or merges it into the stored one. The scalar min and
 * max and the substring search are spelt differently by each dialect.
 */
#define UPSERT(MIN, MAX, INSTR)                                                \
	"INSERT INTO indicators (type, value, tlp, confidence, tags, "         \
	"source, first_seen, last_seen, valid_until, created_at) "             \
	"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "                               \
	"ON CONFLICT (type, value) DO UPDATE SET "                             \
	"first_seen = " MIN "(indicators.first_seen, excluded.first_seen), "   \
	"last_seen = " MAX "(indicators.last_seen, excluded.last_seen), "      \
	"confidence = " MAX "(indicators.confidence, excluded.confidence), "   \
	"tags = CASE WHEN excluded.tags = '' THEN indicators.tags "            \
	"WHEN indicators.tags = '' THEN excluded.tags "                        \
	"WHEN " INSTR "(',' || indicators.tags || ',', "                       \
	"',' || excluded.tags || ',') > 0 THEN indicators.tags "               \
	"ELSE indicators.tags || ',' || excluded.tags END, "                   \
	"source = coalesce(indicators.source, excluded.source) "               \
	"RETURNING id"

int
kz_indicator_upsert(
    int64_t *id, struct kz_store *st, const struct kz_indicator *ioc)
{
	struct kz_buf canon = KZ_BUF_INIT(8192);
	struct kz_stmt *s;
	int64_t now = kz_time_now();
	int64_t first = ioc->first_seen ? ioc->first_seen : now;
	int64_t last = ioc->last_seen ? ioc->last_seen : now;
	int rc;

	if (!ioc->value)
		return kz_error_set(KZ_EINVAL, "indicator has no value");
	if (ioc->confidence < 0 || ioc->confidence > 100)
		return kz_error_set(KZ_EINVAL,
		    "confidence %d is out of range (0 to 100)",
		    ioc->confidence);
	if ((rc = kz_ioc_canonicalize(
		 &canon, ioc->type, ioc->value, strlen(ioc->value))))
		goto done;
	if ((rc = kz_store_prepare(&s, st,
		 kz_store_dialect(st) == KZ_DIALECT_SQLITE ?
		     UPSERT("min", "max", "instr") :
		     UPSERT("least", "greatest", "strpos"))))
		goto done;
	kz_stmt_bind_text(s, 1, kz_ioc_type_name(ioc->type));
	kz_stmt_bind_text(s, 2, canon.ptr);
	kz_stmt_bind_text(s, 3, kz_tlp_name(ioc->tlp));
	kz_stmt_bind_int(s, 4, ioc->confidence);
	kz_stmt_bind_text(s, 5, ioc->tags ? ioc->tags : "");
	kz_stmt_bind_text(s, 6, ioc->source);
	kz_stmt_bind_int(s, 7, first);
	kz_stmt_bind_int(s, 8, last);
	if (ioc->valid_until)
		kz_stmt_bind_int(s, 9, ioc->valid_until);
	else
		kz_stmt_bind_null(s, 9);
	kz_stmt_bind_int(s, 10, now);
	if ((rc = kz_stmt_step(s)) != KZ_ROW) {
		rc = rc < 0 ? rc : kz_error_set(KZ_EIO, "indicator not stored");
		goto done;
	}
	if (id)
		*id = kz_stmt_int(s, 0);
	kz_stmt_step(s);
	rc = 0;
done:
	kz_buf_release(&canon);
	return rc;
}

int
kz_indicator_link(
    struct kz_store *st, int64_t incident_id, int64_t indicator_id)
{
	struct kz_stmt *s;
	int rc;

	if ((rc = kz_store_prepare(&s, st,
		 "INSERT INTO incident_indicators (incident_id, indicator_id, "
		 "added_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")))
		return rc;
	kz_stmt_bind_int(s, 1, incident_id);
	kz_stmt_bind_int(s, 2, indicator_id);
	kz_stmt_bind_int(s, 3, kz_time_now());
	return kz_stmt_exec(s);
}

static void
read_row(struct kz_indicator *ioc, struct kz_stmt *s)
{
	kz_indicator_init(ioc);
	ioc->id = kz_stmt_int(s, 0);
	kz_ioc_type_parse(&ioc->type, kz_stmt_text(s, 1));
	ioc->value = kz_strdup(kz_stmt_text(s, 2));
	kz_tlp_parse(&ioc->tlp, kz_stmt_text(s, 3));
	ioc->confidence = (int)kz_stmt_int(s, 4);
	ioc->tags = kz_strdup(kz_stmt_text(s, 5));
	ioc->source =
	    kz_stmt_isnull(s, 6) ? NULL : kz_strdup(kz_stmt_text(s, 6));
	ioc->first_seen = kz_stmt_int(s, 7);
	ioc->last_seen = kz_stmt_int(s, 8);
	ioc->valid_until = kz_stmt_int(s, 9);
	ioc->created_at = kz_stmt_int(s, 10);
}

int
kz_indicator_list_incident(struct kz_indicator **out, size_t *n,
    struct kz_store *st, int64_t incident_id)
{
	struct kz_indicator *v = NULL;
	struct kz_stmt *s;
	size_t cnt = 0, cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = kz_store_prepare(&s, st,
		 "SELECT i.id, i.type, i.value, i.tlp, i.confidence, i.tags, "
		 "i.source, i.first_seen, i.last_seen, i.valid_until, "
		 "i.created_at FROM incident_indicators l "
		 "JOIN indicators i ON i.id = l.indicator_id "
		 "WHERE l.incident_id = ? ORDER BY i.type, i.value")))
		return rc;
	kz_stmt_bind_int(s, 1, incident_id);
	while ((rc = kz_stmt_step(s)) == KZ_ROW) {
		if (cnt == cap) {
			size_t nc = cap ? cap * 2 : 16;
			struct kz_indicator *p = kz_realloc(v, nc * sizeof(*p));

			if (!p) {
				while (kz_stmt_step(s) == KZ_ROW)
					;
				kz_indicator_list_free(v, cnt);
				return kz_error_set(KZ_ENOMEM, "out of memory");
			}
			v = p;
			cap = nc;
		}
		read_row(&v[cnt++], s);
		if (!v[cnt - 1].value || !v[cnt - 1].tags) {
			while (kz_stmt_step(s) == KZ_ROW)
				;
			kz_indicator_list_free(v, cnt);
			return kz_error_set(KZ_ENOMEM, "out of memory");
		}
	}
	if (rc < 0) {
		kz_indicator_list_free(v, cnt);
		return rc;
	}
	*out = v;
	*n = cnt;
	return 0;
}

int
kz_indicator_open_incidents(int64_t **ids, size_t *n, struct kz_store *st,
    const int64_t *ioc_ids, size_t n_iocs, int64_t except_id, size_t max)
{
	int64_t *v = NULL;
	size_t cnt = 0;
	int rc = 0;

	*ids = NULL;
	*n = 0;
	if (!max)
		return 0;
	v = kz_malloc(max * sizeof(*v));
	if (!v)
		return kz_error_set(KZ_ENOMEM, "out of memory");
	for (size_t i = 0; i < n_iocs && cnt < max; i++) {
		struct kz_stmt *s;

		if ((rc = kz_store_prepare(&s, st,
			 "SELECT l.incident_id FROM incident_indicators l "
			 "JOIN incidents c ON c.id = l.incident_id "
			 "WHERE l.indicator_id = ? AND l.incident_id <> ? AND "
			 "c.status NOT IN ('closed', 'rejected') "
			 "ORDER BY l.incident_id DESC LIMIT ?")))
			break;
		kz_stmt_bind_int(s, 1, ioc_ids[i]);
		kz_stmt_bind_int(s, 2, except_id);
		kz_stmt_bind_int(s, 3, (int64_t)max);
		while ((rc = kz_stmt_step(s)) == KZ_ROW) {
			int64_t id = kz_stmt_int(s, 0);
			size_t k;

			for (k = 0; k < cnt && v[k] != id; k++)
				;
			if (k == cnt && cnt < max)
				v[cnt++] = id;
		}
		if (rc < 0)
			break;
	}
	if (rc < 0) {
		kz_free(v);
		return rc;
	}
	*ids = v;
	*n = cnt;
	return 0;
}

int
kz_incident_relate(
    struct kz_store *st, int64_t a, int64_t b, const char *reason)
{
	struct kz_stmt *s;
	int rc;

	if (a == b)
		return 0;
	if ((rc = kz_store_prepare(&s, st,
		 "INSERT INTO incident_links (a, b, reason, at) VALUES (?, ?, ?, ?) "
		 "ON CONFLICT DO NOTHING")))
		return rc;
	kz_stmt_bind_int(s, 1, a < b ? a : b);
	kz_stmt_bind_int(s, 2, a < b ? b : a);
	kz_stmt_bind_text(s, 3, reason);
	kz_stmt_bind_int(s, 4, kz_time_now());
	return kz_stmt_exec(s);
}

/* Reads the ticket ids a statement returns in its first column. */
static int
read_tickets(char (**tickets)[32], size_t *n, struct kz_stmt *s)
{
	char(*v)[32] = NULL;
	size_t cnt = 0;
	int rc;

	while ((rc = kz_stmt_step(s)) == KZ_ROW) {
		char(*p)[32] = kz_realloc(v, (cnt + 1) * sizeof(*p));

		if (!p) {
			while (kz_stmt_step(s) == KZ_ROW)
				;
			kz_free(v);
			return kz_error_set(KZ_ENOMEM, "out of memory");
		}
		v = p;
		snprintf(v[cnt++], 32, "%s", kz_stmt_text(s, 0));
	}
	if (rc < 0) {
		kz_free(v);
		return rc;
	}
	*tickets = v;
	*n = cnt;
	return 0;
}

int
kz_incident_related(
    char (**tickets)[32], size_t *n, struct kz_store *st, int64_t id)
{
	struct kz_stmt *s;
	int rc;

	*tickets = NULL;
	*n = 0;
	if ((rc = kz_store_prepare(&s, st,
		 "SELECT c.ticket FROM incident_links l JOIN incidents c "
		 "ON c.id = CASE WHEN l.a = ? THEN l.b ELSE l.a END "
		 "WHERE l.a = ? OR l.b = ? ORDER BY c.id")))
		return rc;
	kz_stmt_bind_int(s, 1, id);
	kz_stmt_bind_int(s, 2, id);
	kz_stmt_bind_int(s, 3, id);
	return read_tickets(tickets, n, s);
}

#define ICOLS                                                                  \
	"id, type, value, tlp, confidence, tags, source, first_seen, "         \
	"last_seen, valid_until, created_at"

int
kz_indicator_get(struct kz_indicator *out, struct kz_store *st,
    enum kz_ioc_type type, const char *value)
{
	struct kz_buf canon = KZ_BUF_INIT(8192);
	struct kz_stmt *s;
	int rc;

	kz_indicator_init(out);
	if (!value)
		return kz_error_set(KZ_EINVAL, "indicator has no value");
	if (type == KZ_IOC_NTYPES)
		rc = kz_ioc_detect(&type, &canon, value, strlen(value));
	else
		rc = kz_ioc_canonicalize(&canon, type, value, strlen(value));
	if (rc)
		goto done;
	if ((rc = kz_store_prepare(&s, st,
		 "SELECT " ICOLS " FROM indicators "
		 "WHERE type = ? AND value = ?")))
		goto done;
	kz_stmt_bind_text(s, 1, kz_ioc_type_name(type));
	kz_stmt_bind_text(s, 2, canon.ptr);
	if ((rc = kz_stmt_step(s)) != KZ_ROW) {
		if (rc == KZ_DONE)
			rc = kz_error_set(
			    KZ_ENOTFOUND, "no indicator '%s'", canon.ptr);
		goto done;
	}
	read_row(out, s);
	kz_stmt_step(s);
	rc = out->value && out->tags ? 0 :
				       kz_error_set(KZ_ENOMEM, "out of memory");
done:
	kz_buf_release(&canon);
	return rc;
}

int
kz_indicator_list(struct kz_indicator **out, size_t *n, int64_t *total,
    struct kz_store *st, const struct kz_indicator_filter *f)
{
	struct kz_buf w = KZ_BUF_INIT(4096), sql = KZ_BUF_INIT(8192);
	struct kz_buf like = KZ_BUF_INIT(4096), tag = KZ_BUF_INIT(4096);
	struct kz_indicator *v = NULL;
	struct kz_stmt *s;
	size_t cnt = 0, cap = 0;
	int64_t now = kz_time_now();
	int rc = 0, pass;

	*out = NULL;
	*n = 0;
	*total = 0;
	kz_buf_adds(&w, "1 = 1");
	if (f->type >= 0)
		kz_buf_adds(&w, " AND type = ?");
	if (f->tag) {
		kz_buf_adds(&w,
		    kz_store_dialect(st) == KZ_DIALECT_SQLITE ?
			" AND instr(',' || tags || ',', ?) > 0" :
			" AND strpos(',' || tags || ',', ?) > 0");
		kz_buf_addf(&tag, ",%s,", f->tag);
	}
	if (f->source)
		kz_buf_adds(&w, " AND source = ?");
	if (f->text) {
		/* SQLite's LIKE ignores ASCII case; PostgreSQL's does not. */
		kz_buf_adds(&w,
		    kz_store_dialect(st) == KZ_DIALECT_SQLITE ?
			" AND value LIKE ? ESCAPE '\\'" :
			" AND value ILIKE ? ESCAPE '\\'");
		kz_buf_addc(&like, '%');
		for (const char *p = f->text; *p; p++) {
			if (*p == '%' || *p == '_' || *p == '\\')
				kz_buf_addc(&like, '\\');
			kz_buf_addc(&like, *p);
		}
		kz_buf_addc(&like, '%');
	}
	if (f->active_only)
		kz_buf_adds(
		    &w, " AND (valid_until IS NULL OR valid_until > ?)");
	if (w.err || like.err || tag.err) {
		rc = kz_error_set(KZ_ENOMEM, "out of memory");
		goto done;
	}
	for (pass = 0; pass < 2; pass++) {
		int b = 1;

		kz_buf_reset(&sql);
		if (pass == 0)
			kz_buf_addf(&sql,
			    "SELECT count(*) FROM indicators "
			    "WHERE %s",
			    w.ptr);
		else
			kz_buf_addf(&sql,
			    "SELECT " ICOLS " FROM indicators "
			    "WHERE %s ORDER BY last_seen DESC, id DESC "
			    "LIMIT ? OFFSET ?",
			    w.ptr);
		if ((rc = kz_store_prepare(&s, st, sql.ptr)))
			goto done;
		if (f->type >= 0)
			kz_stmt_bind_text(s, b++, kz_ioc_type_name(f->type));
		if (f->tag)
			kz_stmt_bind_text(s, b++, tag.ptr);
		if (f->source)
			kz_stmt_bind_text(s, b++, f->source);
		if (f->text)
			kz_stmt_bind_text(s, b++, like.ptr);
		if (f->active_only)
			kz_stmt_bind_int(s, b++, now);
		if (pass == 0) {
			if ((rc = kz_stmt_step(s)) != KZ_ROW)
				goto done;
			*total = kz_stmt_int(s, 0);
			kz_stmt_step(s);
			continue;
		}
		kz_stmt_bind_int(s, b++, f->limit > 0 ? f->limit : 100);
		kz_stmt_bind_int(s, b++, f->offset);
		while ((rc = kz_stmt_step(s)) == KZ_ROW) {
			if (cnt == cap) {
				size_t nc = cap ? cap * 2 : 32;
				struct kz_indicator *p =
				    kz_realloc(v, nc * sizeof(*p));

				if (!p) {
					while (kz_stmt_step(s) == KZ_ROW)
						;
					rc = kz_error_set(
					    KZ_ENOMEM, "out of memory");
					goto done;
				}
				v = p;
				cap = nc;
			}
			read_row(&v[cnt++], s);
		}
	}
done:
	if (rc < 0) {
		kz_indicator_list_free(v, cnt);
	} else {
		rc = 0;
		*out = v;
		*n = cnt;
	}
	kz_buf_release(&w);
	kz_buf_release(&sql);
	kz_buf_release(&like);
	kz_buf_release(&tag);
	return rc;
}

int
kz_indicator_expire(
    int64_t *count, struct kz_store *st, int64_t id, int64_t before)
{
	struct kz_stmt *s;
	int64_t now = kz_time_now();
	int rc;

	*count = 0;
	if ((rc = kz_store_prepare(&s, st,
		 id ?
		     "UPDATE indicators SET valid_until = ? WHERE id = ? AND "
		     "(valid_until IS NULL OR valid_until > ?)" :
		     "UPDATE indicators SET valid_until = ? WHERE last_seen < ? AND "
		     "(valid_until IS NULL OR valid_until > ?)")))
		return rc;
	kz_stmt_bind_int(s, 1, now);
	kz_stmt_bind_int(s, 2, id ? id : before);
	kz_stmt_bind_int(s, 3, now);
	if ((rc = kz_stmt_exec(s)))
		return rc;
	*count = kz_store_changes(st);
	return 0;
}

int
kz_indicator_incidents(
    char (**tickets)[32], size_t *n, struct kz_store *st, int64_t indicator_id)
{
	struct kz_stmt *s;
	int rc;

	*tickets = NULL;
	*n = 0;
	if ((rc = kz_store_prepare(&s, st,
		 "SELECT c.ticket FROM incident_indicators l JOIN incidents c "
		 "ON c.id = l.incident_id WHERE l.indicator_id = ? "
		 "ORDER BY c.id DESC LIMIT 1000")))
		return rc;
	kz_stmt_bind_int(s, 1, indicator_id);
	return read_tickets(tickets, n, s);
}

int
kz_indicator_load_table(struct kz_ioc_table *table, size_t *count,
    struct kz_store *st, int min_confidence)
{
	struct kz_stmt *s;
	size_t cnt = 0;
	int rc;

	if ((rc = kz_store_prepare(&s, st,
		 "SELECT type, value, source, tags, tlp FROM indicators "
		 "WHERE (valid_until IS NULL OR valid_until > ?) AND "
		 "confidence >= ?")))
		return rc;
	kz_stmt_bind_int(s, 1, kz_time_now());
	kz_stmt_bind_int(s, 2, min_confidence);
	while ((rc = kz_stmt_step(s)) == KZ_ROW) {
		struct kz_ioc_meta meta;
		enum kz_ioc_type type;
		const char *value = kz_stmt_text(s, 1);

		if (kz_ioc_type_parse(&type, kz_stmt_text(s, 0)))
			continue; /* a type this build does not sweep */
		meta.source = kz_stmt_text(s, 2);
		meta.tags = kz_stmt_text(s, 3);
		meta.tlp = kz_stmt_text(s, 4);
		rc = kz_ioc_table_add(
		    table, NULL, type, value, strlen(value), &meta);
		if (rc == KZ_ENOMEM) {
			while (kz_stmt_step(s) == KZ_ROW)
				;
			return rc;
		}
		if (rc == 0)
			cnt++;
	}
	kz_error_clear();
	if (count)
		*count = cnt;
	return rc < 0 ? rc : 0;
}

json_t *
kz_indicator_to_json(const struct kz_indicator *ioc)
{
	json_t *o = json_object(), *tags = json_array();
	const char *p = ioc->tags ? ioc->tags : "";

	while (*p) {
		const char *c = strchr(p, ',');
		size_t len = c ? (size_t)(c - p) : strlen(p);

		if (len)
			json_array_append_new(tags, json_stringn(p, len));
		p += len + (c ? 1 : 0);
	}
	kz_json_set(o, "id", json_integer(ioc->id));
	kz_json_set(o, "type", json_string(kz_ioc_type_name(ioc->type)));
	kz_json_set(o, "value", json_string(ioc->value));
	kz_json_set(o, "tlp", json_string(kz_tlp_label(ioc->tlp)));
	kz_json_set(o, "confidence", json_integer(ioc->confidence));
	kz_json_set(o, "tags", tags);
	kz_json_set(o, "source", kz_json_str(ioc->source));
	kz_json_set(o, "first_seen", kz_json_time(ioc->first_seen));
	kz_json_set(o, "last_seen", kz_json_time(ioc->last_seen));
	kz_json_set(o, "valid_until", kz_json_time(ioc->valid_until));
	return o;
}
