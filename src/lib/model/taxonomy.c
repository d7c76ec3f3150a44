/* SPDX-License-Identifier: MIT */
/*
 * The vocabularies and the state machine of the handling flow of seed 004:
 * accept and assess (new, triaged), contact the party who can act
 * (coordinating), wait for them (waiting), result (resolved), report back
 * and end (closed). Rejected ends a report that is not an incident.
 */
#include "taxonomy.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/error.h"
#include "core/strutil.h"

/* clang-format off */
const char *const kz_category_names[] = {
	"scan", "defacement", "phishing", "malware_site", "dos", "targeted",
	"control_system", "other", NULL
};
const char *const kz_status_names[] = {
	"new", "triaged", "coordinating", "waiting", "resolved", "closed",
	"rejected", NULL
};
const char *const kz_tlp_names[] = {
	"clear", "green", "amber", "amber+strict", "red", NULL
};
static const char *const tlp_labels[] = {
	"TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:AMBER+STRICT", "TLP:RED"
};
const char *const kz_stage_names[] = {
	"recon", "intrusion", "lateral", "objective", NULL
};
const char *const kz_org_kind_names[] = {
	"member", "isp", "hosting", "vendor", "csirt", "police", "registrar",
	"other", NULL
};
static const char *const rsit[] = {
	"information-gathering/scanner",
	"intrusions/system-compromise",
	"fraud/phishing",
	"malicious-code/malware-distribution",
	"availability/ddos",
	"intrusions/application-compromise",
	"intrusions/system-compromise",
	"other/other",
};

/* transitions[from] is a bit set of allowed to-statuses. */
#define B(s) (1u << (s))
static const unsigned transitions[KZ_ST_COUNT] = {
	[KZ_ST_NEW]          = B(KZ_ST_TRIAGED) | B(KZ_ST_COORDINATING) |
	                       B(KZ_ST_RESOLVED) | B(KZ_ST_CLOSED) |
	                       B(KZ_ST_REJECTED),
	[KZ_ST_TRIAGED]      = B(KZ_ST_COORDINATING) | B(KZ_ST_WAITING) |
	                       B(KZ_ST_RESOLVED) | B(KZ_ST_CLOSED) |
	                       B(KZ_ST_REJECTED),
	[KZ_ST_COORDINATING] = B(KZ_ST_WAITING) | B(KZ_ST_RESOLVED) |
	                       B(KZ_ST_CLOSED),
	[KZ_ST_WAITING]      = B(KZ_ST_COORDINATING) | B(KZ_ST_RESOLVED) |
	                       B(KZ_ST_CLOSED),
	[KZ_ST_RESOLVED]     = B(KZ_ST_COORDINATING) | B(KZ_ST_CLOSED),
	[KZ_ST_CLOSED]       = B(KZ_ST_TRIAGED),
	[KZ_ST_REJECTED]     = B(KZ_ST_TRIAGED),
};
#undef B
/* clang-format on */

static int
parse_name(const char *const *names, const char *what, const char *s)
{
	char list[256];
	int i = kz_name_index(names, s);

	if (i >= 0)
		return i;
	kz_name_list(list, sizeof(list), names);
	s = s ? s : "";
	/* One literal per vocabulary, so each translates whole. */
	if (strcmp(what, "category") == 0)
		kz_error_set(
		    KZ_EINVAL, "unknown category '%s' (one of: %s)", s, list);
	else if (strcmp(what, "status") == 0)
		kz_error_set(
		    KZ_EINVAL, "unknown status '%s' (one of: %s)", s, list);
	else if (strcmp(what, "stage") == 0)
		kz_error_set(
		    KZ_EINVAL, "unknown stage '%s' (one of: %s)", s, list);
	else
		kz_error_set(
		    KZ_EINVAL, "unknown org kind '%s' (one of: %s)", s, list);
	return -1;
}

int
kz_category_parse(enum kz_category *out, const char *s)
{
	int i = parse_name(kz_category_names, "category", s);

	if (i < 0)
		return KZ_EINVAL;
	*out = (enum kz_category)i;
	return 0;
}

int
kz_status_parse(enum kz_status *out, const char *s)
{
	int i = parse_name(kz_status_names, "status", s);

	if (i < 0)
		return KZ_EINVAL;
	*out = (enum kz_status)i;
	return 0;
}

int
kz_tlp_parse(enum kz_tlp *out, const char *s)
{
	char low[32];
	const char *p = s ? s : "";
	size_t i;
	int k;

	if (strncasecmp(p, "tlp:", 4) == 0)
		p += 4;
	for (i = 0; p[i] && i < sizeof(low) - 1; i++)
		low[i] = (char)tolower((unsigned char)p[i]);
	low[i] = '\0';
	if (strcmp(low, "white") == 0) {
		*out = KZ_TLP_CLEAR;
		return 0;
	}
	k = kz_name_index(kz_tlp_names, low);
	if (k < 0) {
		char list[128];

		return kz_error_set(KZ_EINVAL, "unknown TLP '%s' (one of: %s)",
		    s ? s : "", kz_name_list(list, sizeof(list), kz_tlp_names));
	}
	*out = (enum kz_tlp)k;
	return 0;
}

int
kz_stage_parse(enum kz_stage *out, const char *s)
{
	int i;

	if (s && (strcmp(s, "") == 0 || strcmp(s, "none") == 0)) {
		*out = KZ_STAGE_NONE;
		return 0;
	}
	i = parse_name(kz_stage_names, "stage", s);
	if (i < 0)
		return KZ_EINVAL;
	*out = (enum kz_stage)i;
	return 0;
}

int
kz_org_kind_parse(const char *s)
{
	int i = parse_name(kz_org_kind_names, "org kind", s);

	return i < 0 ? KZ_EINVAL : i;
}

const char *
kz_category_name(enum kz_category c)
{
	return (unsigned)c < KZ_CAT_COUNT ? kz_category_names[c] : "other";
}

const char *
kz_status_name(enum kz_status s)
{
	return (unsigned)s < KZ_ST_COUNT ? kz_status_names[s] : "new";
}

const char *
kz_tlp_name(enum kz_tlp t)
{
	return (unsigned)t < KZ_TLP_COUNT ? kz_tlp_names[t] : "red";
}

const char *
kz_tlp_label(enum kz_tlp t)
{
	return (unsigned)t < KZ_TLP_COUNT ? tlp_labels[t] : "TLP:RED";
}

const char *
kz_stage_name(enum kz_stage s)
{
	return (s >= 0 && s < KZ_STAGE_COUNT) ? kz_stage_names[s] : NULL;
}

const char *
kz_category_rsit(enum kz_category c)
{
	return (unsigned)c < KZ_CAT_COUNT ? rsit[c] : "other/other";
}

int
kz_status_is_open(enum kz_status s)
{
	return s != KZ_ST_CLOSED && s != KZ_ST_REJECTED;
}

int
kz_status_can_move(enum kz_status from, enum kz_status to)
{
	if ((unsigned)from >= KZ_ST_COUNT || (unsigned)to >= KZ_ST_COUNT)
		return 0;
	return (transitions[from] >> to) & 1;
}

const char *
kz_status_next_list(char *out, size_t outsz, enum kz_status s)
{
	size_t o = 0;
	int i;

	out[0] = '\0';
	for (i = 0; i < KZ_ST_COUNT && o < outsz; i++)
		if (kz_status_can_move(s, (enum kz_status)i))
			o += (size_t)snprintf(out + o, outsz - o, "%s%s",
			    o ? ", " : "", kz_status_names[i]);
	return out;
}

int
kz_status_check(enum kz_status from, enum kz_status to)
{
	char list[128];

	if (kz_status_can_move(from, to))
		return 0;
	return kz_error_set(KZ_ECONFLICT,
	    "cannot move from '%s' to '%s' (allowed from '%s': %s)",
	    kz_status_name(from), kz_status_name(to), kz_status_name(from),
	    kz_status_next_list(list, sizeof(list), from));
}
