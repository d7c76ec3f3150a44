/* SPDX-License-Identifier: MIT */
/*
 * What one notification says about its incident(s), independent of the
 * template and the format: the input of the machine-readable parts
 * (xarf.h, iodef.h) and of the human text. Every pointer is borrowed.
 */
#ifndef KZ_NOTICE_H
#define KZ_NOTICE_H

#include <stddef.h>
#include <stdint.h>

#include "extract/ioc.h"
#include "model/taxonomy.h"

struct kz_notice_ioc {
	enum kz_ioc_type type;
	const char *value;  /* canonical */
	const char *ticket; /* the incident it belongs to */
	int64_t first_seen; /* 0 when unknown */
	int64_t last_seen;
};

struct kz_notice_data {
	const char *ticket; /* the first incident's */
	const char *title;
	const char *description; /* may be NULL */
	enum kz_category category;
	enum kz_tlp tlp;
	int priority;
	int64_t created_at;
	int64_t first_seen; /* over the indicators; 0 when unknown */
	int64_t last_seen;
	int64_t now;
	const char *team;        /* "Example CSIRT" */
	const char *team_email;  /* its address */
	const char *team_domain; /* its domain: IncidentID name, Message-IDs */
	const char *excerpt;     /* of the report, may be NULL */
	const char *lang;        /* "ja", "en" or "ja+en" */
	const struct kz_notice_ioc *iocs;
	size_t n_iocs;
};

#endif
