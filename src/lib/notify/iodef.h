/* SPDX-License-Identifier: MIT */
/*
 * IODEF version 2 (RFC 7970): one IODEF-Document with one Incident
 * (purpose "reporting") describing a notice: IncidentID named after the
 * team's domain, the times, a Description, an Assessment with the
 * category, the team as creator Contact, and an EventData whose Flow has
 * one System per network indicator (Node/Address for addresses, blocks,
 * URLs (site-uri), e-mail addresses and ASNs; Node/DomainData for domains)
 * and AdditionalData for hashes, CVEs and file names. Written by libxml2,
 * which escapes every text; text is made valid XML characters first.
 */
#ifndef KZ_IODEF_H
#define KZ_IODEF_H

#include "notify/notice.h"

struct kz_buf;

/* Appends the XML document (UTF-8) to out. 0, KZ_ENOMEM, KZ_EIO. */
int kz_iodef_build(struct kz_buf *out, const struct kz_notice_data *d);

#endif
