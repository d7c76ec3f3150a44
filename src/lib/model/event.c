/* SPDX-License-Identifier: MIT */
/* The append-only timeline of an incident. */
#include "event.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/json.h"
#include "core/timeutil.h"
#include "model/incident.h"

int
kz_event_add(struct kz_store *st, int64_t incident_id, const char *kind,
    const char *actor, const char *text, const json_t *data)
{
	return kz_event_add_at(st, incident_id, 0, kind, actor, text, data);
}

int
kz_event_add_at(struct kz_store *st, int64_t incident_id, int64_t at,
    const char *kind, const char *actor, const char *text, const json_t *data)
{
	struct kz_stmt *s;
	char *dump = NULL;
	int64_t now = at ? at : kz_time_now();
	int rc;

	if (data && !(dump = kz_json_dump(data, 0)))
		return kz_error_set(KZ_ENOMEM, "out of memory");
	rc = kz_store_prepare(&s, st,
	    "INSERT INTO events (incident_id, at, kind, actor, text, data) "
	    "VALUES (?, ?, ?, ?, ?, ?)");
	if (rc)
		goto done;
	kz_stmt_bind_int(s, 1, incident_id);
	kz_stmt_bind_int(s, 2, now);
	kz_stmt_bind_text(s, 3, kind);
	kz_stmt_bind_text(s, 4, actor);
	kz_stmt_bind_text(s, 5, text ? text : "");
	kz_stmt_bind_text(s, 6, dump);
	if ((rc = kz_stmt_exec(s)))
		goto done;
	if (!at)
		rc = kz_incident_touch(st, incident_id, now);
done:
	free(dump);
	return rc;
}

int
kz_event_list(
    struct kz_event **out, size_t *n, struct kz_store *st, int64_t incident_id)
{
	struct kz_event *ev = NULL;
	struct kz_stmt *s;
	size_t cnt = 0, cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = kz_store_prepare(&s, st,
		 "SELECT id, incident_id, at, kind, actor, text, data FROM events "
		 "WHERE incident_id = ? ORDER BY id")))
		return rc;
	kz_stmt_bind_int(s, 1, incident_id);
	while ((rc = kz_stmt_step(s)) == KZ_ROW) {
		struct kz_event *e;
		const char *d;

		if (cnt == cap) {
			size_t nc = cap ? cap * 2 : 16;
			struct kz_event *p = kz_realloc(ev, nc * sizeof(*p));

			if (!p) {
				rc = kz_error_set(KZ_ENOMEM, "out of memory");
				break;
			}
			ev = p;
			cap = nc;
		}
		e = &ev[cnt++];
		memset(e, 0, sizeof(*e));
		e->id = kz_stmt_int(s, 0);
		e->incident_id = kz_stmt_int(s, 1);
		e->at = kz_stmt_int(s, 2);
		e->kind = kz_strdup(kz_stmt_text(s, 3));
		e->actor =
		    kz_stmt_isnull(s, 4) ? NULL : kz_strdup(kz_stmt_text(s, 4));
		e->text = kz_strdup(kz_stmt_text(s, 5));
		d = kz_stmt_text(s, 6);
		e->data = d ? json_loads(d, 0, NULL) : NULL;
		if (!e->kind || !e->text ||
		    (!kz_stmt_isnull(s, 4) && !e->actor)) {
			rc = kz_error_set(KZ_ENOMEM, "out of memory");
			break;
		}
	}
	if (rc == KZ_ENOMEM) {
		/* Stopped inside the rows: finish the statement. */
		while (kz_stmt_step(s) == KZ_ROW)
			;
	}
	if (rc < 0) {
		kz_event_list_free(ev, cnt);
		return rc;
	}
	*out = ev;
	*n = cnt;
	return 0;
}

void
kz_event_list_free(struct kz_event *ev, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		kz_free(ev[i].kind);
		kz_free(ev[i].actor);
		kz_free(ev[i].text);
		json_decref(ev[i].data);
	}
	kz_free(ev);
}

json_t *
kz_event_to_json(const struct kz_event *ev)
{
	json_t *o = json_object();

	kz_json_set(o, "id", json_integer(ev->id));
	kz_json_set(o, "at", kz_json_time(ev->at));
	kz_json_set(o, "kind", json_string(ev->kind));
	kz_json_set(o, "actor", kz_json_str(ev->actor));
	kz_json_set(o, "text", json_string(ev->text));
	kz_json_set(o, "data", ev->data ? json_incref(ev->data) : json_null());
	return o;
}
