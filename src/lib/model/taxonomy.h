/* SPDX-License-Identifier: MIT */
/*
 * The fixed vocabularies: categories (JPCERT/CC's report categories, with
 * their RSIT equivalents), statuses and the state machine of the handling
 * flow, TLP levels, attack stages and org kinds. Values are the lower-case
 * names used in the database, the API and the command line.
 */
#ifndef KZ_TAXONOMY_H
#define KZ_TAXONOMY_H

#include <stddef.h>

enum kz_category {
	KZ_CAT_SCAN,
	KZ_CAT_DEFACEMENT,
	KZ_CAT_PHISHING,
	KZ_CAT_MALWARE_SITE,
	KZ_CAT_DOS,
	KZ_CAT_TARGETED,
	KZ_CAT_CONTROL_SYSTEM,
	KZ_CAT_OTHER,
	KZ_CAT_COUNT
};

enum kz_status {
	KZ_ST_NEW,
	KZ_ST_TRIAGED,
	KZ_ST_COORDINATING,
	KZ_ST_WAITING,
	KZ_ST_RESOLVED,
	KZ_ST_CLOSED,
	KZ_ST_REJECTED,
	KZ_ST_COUNT
};

enum kz_tlp {
	KZ_TLP_CLEAR,
	KZ_TLP_GREEN,
	KZ_TLP_AMBER,
	KZ_TLP_AMBER_STRICT,
	KZ_TLP_RED,
	KZ_TLP_COUNT
};

enum kz_stage {
	KZ_STAGE_NONE = -1,
	KZ_STAGE_RECON,
	KZ_STAGE_INTRUSION,
	KZ_STAGE_LATERAL,
	KZ_STAGE_OBJECTIVE,
	KZ_STAGE_COUNT
};

extern const char *const kz_category_names[]; /* NULL-terminated */
extern const char *const kz_status_names[];
extern const char *const kz_tlp_names[];
extern const char *const kz_stage_names[];
extern const char *const kz_org_kind_names[];

/*
 * Parsers: 0, or KZ_EINVAL with a message naming the value and the
 * allowed ones. TLP accepts upper or lower case and the TLP: prefix
 * ("TLP:AMBER+STRICT"); "white" is read as clear (TLP 1.0).
 */
int kz_category_parse(enum kz_category *out, const char *s);
int kz_status_parse(enum kz_status *out, const char *s);
int kz_tlp_parse(enum kz_tlp *out, const char *s);
int kz_stage_parse(enum kz_stage *out, const char *s);
int kz_org_kind_parse(const char *s);

const char *kz_category_name(enum kz_category c);
const char *kz_status_name(enum kz_status s);
const char *kz_tlp_name(enum kz_tlp t);     /* "amber+strict" */
const char *kz_tlp_label(enum kz_tlp t);    /* "TLP:AMBER+STRICT" */
const char *kz_stage_name(enum kz_stage s); /* NULL for none */

/* The RSIT class/type pair for exchange, e.g. "fraud/phishing". */
const char *kz_category_rsit(enum kz_category c);

/* Open means the handling flow is not over (not closed nor rejected). */
int kz_status_is_open(enum kz_status s);

/*
 * Whether the handling flow allows from -> to. kz_status_check() returns
 * 0 or KZ_ECONFLICT with a message naming the allowed next statuses.
 */
int kz_status_can_move(enum kz_status from, enum kz_status to);
int kz_status_check(enum kz_status from, enum kz_status to);

/* "triaged, rejected" — the statuses reachable from s, into out. */
const char *kz_status_next_list(char *out, size_t outsz, enum kz_status s);

#endif
