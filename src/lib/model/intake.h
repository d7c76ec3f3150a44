/* SPDX-License-Identifier: MIT */
/*
 * Intake: steps ② and ③ of the handling flow. A report (a mail, plain
 * text or a JSON document) is kept verbatim, its indicators extracted and
 * its category suggested; then it opens an incident, or joins one: the
 * incident its subject names by ticket id, or the open incident an exact
 * repeat (same reporter, same indicators, within a window) came in for.
 * Open incidents sharing an indicator with it are linked as related.
 * Everything happens in one transaction.
 */
#ifndef KZ_INTAKE_H
#define KZ_INTAKE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "extract/classify.h"
#include "model/incident.h"
#include "store/store.h"

enum kz_intake_format {
	KZ_INTAKE_AUTO, /* a mail if it has header lines, JSON if it is an
			   object, else text */
	KZ_INTAKE_EML,
	KZ_INTAKE_TEXT,
	KZ_INTAKE_JSON,
};

extern const char *const kz_intake_format_names[]; /* "auto", "eml" ... */

struct kz_intake_opts {
	enum kz_intake_format format;
	const char *source;   /* email, web, api, cli, feed (default cli) */
	const char *actor;    /* who takes it in, for the timeline */
	const char *reporter; /* when the report does not say (text) */
	const struct kz_classify_rules *rules; /* NULL: built-in */
	const char *category;  /* a handler's category, over the rules */
	int64_t repeat_window; /* seconds; 0: 7 days; < 0: never attach */
	enum kz_tlp tlp;       /* of a new incident (default amber) */
	const char *title;     /* of a new incident, over the report's */
	/*
	 * Reports sharing a group key join the same open incident whenever
	 * they come (a sweep's hits for one client); no repeat window.
	 */
	const char *group_key;
};

enum kz_intake_action {
	KZ_INTAKE_OPENED,    /* a new incident */
	KZ_INTAKE_BY_TICKET, /* joined the incident its subject names */
	KZ_INTAKE_REPEAT,    /* joined the incident of an exact repeat */
	KZ_INTAKE_GROUP,     /* joined the open incident of its group key */
};

struct kz_intake_result {
	enum kz_intake_action action;
	char ticket[KZ_TICKET_MAX];
	int64_t incident_id;
	int64_t report_id;
	enum kz_intake_format format;
	struct kz_classification cls;
	size_t n_indicators;
	char (*related)[32]; /* tickets of open incidents linked as related */
	size_t n_related;
	json_t *warnings; /* array of strings: what could not be read */
};

void kz_intake_result_init(struct kz_intake_result *r);
void kz_intake_result_release(struct kz_intake_result *r);

/*
 * Takes in raw[0..len). KZ_EINVAL naming the problem for input that is no
 * report at all (empty; not a mail, nor JSON, nor text: binary data; a
 * JSON document without a title or text), and nothing is written. Damage
 * inside a mail is kept as warnings, not an error.
 */
int kz_intake(struct kz_intake_result *out, struct kz_store *st,
    const char *raw, size_t len, const struct kz_intake_opts *opts);

json_t *kz_intake_result_to_json(const struct kz_intake_result *r);

#endif
