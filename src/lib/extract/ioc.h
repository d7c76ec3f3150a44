/* SPDX-License-Identifier: MIT */
/*
 * Indicator types and their one canonical form: refanged, host names
 * lower-cased and IDN as A-label, hashes lower-case, e-mail domain part
 * lower-cased, URL scheme and host lower-cased with path and query kept.
 * Shared by extraction, the indicator store and the sweep.
 */
#ifndef KZ_IOC_H
#define KZ_IOC_H

#include <stddef.h>

#include "core/buf.h"

enum kz_ioc_type {
	KZ_IOC_IPV4 = 0,
	KZ_IOC_IPV6,
	KZ_IOC_CIDR,
	KZ_IOC_DOMAIN,
	KZ_IOC_URL,
	KZ_IOC_EMAIL,
	KZ_IOC_EMAIL_SUBJECT,
	KZ_IOC_MD5,
	KZ_IOC_SHA1,
	KZ_IOC_SHA256,
	KZ_IOC_ASN,
	KZ_IOC_CVE,
	KZ_IOC_FILENAME,
	KZ_IOC_NTYPES
};

/* "ipv4", "domain" ... as in DESIGN.md; NULL for an out-of-range value. */
const char *kz_ioc_type_name(enum kz_ioc_type t);

/* NULL-terminated list of all type names, for messages and help. */
extern const char *const kz_ioc_type_names[];

/* 0, or KZ_EINVAL naming the type and the allowed ones. */
int kz_ioc_type_parse(enum kz_ioc_type *out, const char *name);

/*
 * Writes the canonical form of value (which may be defanged) of type t
 * into out (reset first). KZ_EINVAL with a message naming the value when
 * it is not a valid indicator of that type.
 */
int kz_ioc_canonicalize(
    struct kz_buf *out, enum kz_ioc_type t, const char *value, size_t len);

/*
 * Guesses the type of one stand-alone value (an import list line) and
 * writes its canonical form; KZ_EINVAL when it is none of the types.
 */
int kz_ioc_detect(
    enum kz_ioc_type *type, struct kz_buf *out, const char *value, size_t len);

#endif
