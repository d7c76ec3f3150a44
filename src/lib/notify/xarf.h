/* SPDX-License-Identifier: MIT */
/*
 * X-ARF version 4: the JSON abuse report (xarf.org, "xarf_version"
 * 4.0.0). One report names one source, so a notice yields one report per
 * network indicator (address, block, domain, URL, e-mail address); the
 * mail carries each as an application/json attachment. The mapping from
 * our categories: phishing → content/phishing, malware_site →
 * content/malware, defacement → content/remote_compromise (compromise_type
 * defacement), scan → connection/port_scan, dos → connection/ddos, the
 * rest → infrastructure/compromised_server.
 */
#ifndef KZ_XARF_H
#define KZ_XARF_H

#include <stddef.h>

#include "notify/notice.h"

struct kz_buf;

/* Whether the indicator type can be the source of an X-ARF report. */
int kz_xarf_can_report(enum kz_ioc_type t);

/*
 * Appends to out the X-ARF JSON report (pretty, ASCII) for d->iocs[i].
 * KZ_EINVAL when that indicator cannot be a source; KZ_ENOMEM.
 */
int kz_xarf_build(struct kz_buf *out, const struct kz_notice_data *d, size_t i);

#endif
