/* SPDX-License-Identifier: MIT */
/* Sightings of indicators, recorded by sweeps and sensors. */
#include "sighting.h"

#include "core/error.h"
#include "core/timeutil.h"
#include "model/indicator.h"

int
kz_sighting_add(struct kz_store *st, const struct kz_sighting *s)
{
	struct kz_indicator ioc;
	struct kz_stmt *stmt;
	int64_t id, at = s->at ? s->at : kz_time_now();
	int rc;

	kz_indicator_init(&ioc);
	ioc.type = s->type;
	ioc.value = (char *)s->value;
	ioc.source = (char *)s->ioc_source;
	ioc.tags = (char *)s->ioc_tags;
	ioc.tlp = s->ioc_tlp;
	ioc.first_seen = at;
	ioc.last_seen = at;
	if ((rc = kz_indicator_upsert(&id, st, &ioc)))
		return rc;
	if ((rc = kz_store_prepare(&stmt, st,
		 "INSERT INTO sightings (indicator_id, at, source, client, "
		 "field, value, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)")))
		return rc;
	kz_stmt_bind_int(stmt, 1, id);
	kz_stmt_bind_int(stmt, 2, at);
	kz_stmt_bind_text(stmt, 3, s->source ? s->source : "");
	kz_stmt_bind_text(stmt, 4, s->client && *s->client ? s->client : NULL);
	kz_stmt_bind_text(stmt, 5, s->field);
	kz_stmt_bind_text(stmt, 6, s->text);
	kz_stmt_bind_int(stmt, 7, kz_time_now());
	return kz_stmt_exec(stmt);
}

int
kz_sighting_count(
    int64_t *count, int64_t *last, struct kz_store *st, int64_t indicator_id)
{
	struct kz_stmt *s;
	int rc;

	*count = 0;
	*last = 0;
	if ((rc = kz_store_prepare(&s, st,
		 "SELECT count(*), max(at) FROM sightings WHERE "
		 "indicator_id = ?")))
		return rc;
	kz_stmt_bind_int(s, 1, indicator_id);
	if ((rc = kz_stmt_step(s)) != KZ_ROW)
		return rc;
	*count = kz_stmt_int(s, 0);
	*last = kz_stmt_int(s, 1);
	kz_stmt_step(s);
	return 0;
}
