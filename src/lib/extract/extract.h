/* SPDX-License-Identifier: MIT */
/*
 * Indicator extraction: one pass over text (a report, a mail body, a log)
 * that finds IP addresses, prefixes, domains, URLs, e-mail addresses,
 * hashes, CVE ids and AS numbers, defanged or not, and returns each once
 * in its canonical form with the byte offsets where it first appeared.
 *
 * What counts as an indicator:
 *  - Refanging: hxxp, hXXps, h**p, fxp; [.] (.) {.} [dot] (dot) {dot};
 *    [@] [at] (at); [:] [://] [/]; fullwidth ASCII (U+FF01..U+FF5E);
 *    U+3002, U+FF0E and U+FF61 as a dot when they stand between two
 *    ASCII letters or digits (elsewhere they end a Japanese sentence).
 *  - A host name is a run of labels joined by dots, each label either
 *    all ASCII letters, digits and hyphens, or all non-ASCII letters (an
 *    IDN label). Where Japanese prose touches an ASCII label with no
 *    space ("詳細はexample.comを参照"), the change of script is a
 *    boundary. A run of non-ASCII letters followed by a dot starts an
 *    IDN label, so "例え.みんな" is one host; prose written directly
 *    before an IDN host becomes part of its first label, so such hosts
 *    need a space or a bracket before them.
 *  - The top-level label must exist in the public suffix list (libpsl,
 *    without the "*" rule): "invoice.exe" and "readme.txt" are not
 *    domains. TLDs that are also file extensions (zip, py, sh, md ...) are
 *    taken for a bare name of two labels only when written defanged;
 *    inside a URL or an e-mail address they always count.
 *  - A dotted run of digits is an IPv4 address only with exactly four
 *    parts of 0..255: "1.2.3.4.5" and "999.1.1.1" are nothing. An address
 *    followed by /N is a cidr when no host bits are set, else the address.
 *  - URLs (http, https, ftp) run to white space, a quote, <, >, a
 *    non-ASCII character or the end; trailing . , ; : ! ? and closing
 *    brackets without an opener inside the URL are dropped. A URL's host
 *    is not reported again as a domain, nor an address's domain.
 *  - md5, sha1, sha256: 32, 40, 64 hex digits standing alone. CVE ids as
 *    CVE-YYYY-NNNN; AS numbers as AS64496 or ASN64496.
 */
#ifndef KZ_EXTRACT_H
#define KZ_EXTRACT_H

#include <stddef.h>

#include "extract/ioc.h"

struct kz_extract_item {
	enum kz_ioc_type type;
	const char *value; /* canonical, NUL-terminated; owned by the result */
	size_t len;        /* strlen(value) */
	size_t start;      /* first occurrence: byte offsets into the text, */
	size_t end;        /* end exclusive, as written (defanged, fullwidth) */
	size_t count;      /* how many times it occurred */
};

struct kz_extract_slot;

struct kz_extract_result {
	struct kz_extract_item *items; /* in order of first appearance */
	size_t n;
	int truncated; /* KZ_EXTRACT_MAX_ITEMS was reached; the rest dropped */
	/* private */
	unsigned flags; /* of the last kz_extract() */
	size_t alloc;
	struct kz_extract_slot *slots; /* de-duplication table */
	size_t nslots;
	char *arena; /* the values, one after the other */
	size_t arena_len, arena_alloc;
};

/* Most distinct indicators one result holds. */
#define KZ_EXTRACT_MAX_ITEMS (1u << 20)

enum kz_extract_flags {
	/* One item per occurrence instead of one per distinct value. */
	KZ_EXTRACT_ALL = 1u << 0,
};

/* Restricts extraction to some types: flags | KZ_EXTRACT_ONLY(KZ_IOC_URL) */
#define KZ_EXTRACT_ONLY(t) (1u << (8 + (t)))

void kz_extract_result_init(struct kz_extract_result *r);
void kz_extract_result_release(struct kz_extract_result *r);

/*
 * Extracts the indicators of text[0..len) into out, which is emptied
 * first (initialize it once with kz_extract_result_init; free its
 * contents with kz_extract_result_release). The text need not be
 * NUL-terminated nor valid UTF-8. Returns 0, or KZ_ENOMEM; out then
 * holds what was found before the failure.
 */
int kz_extract(struct kz_extract_result *out, const char *text, size_t len,
    unsigned flags);

/*
 * Looks up a value in a result: the item, or NULL. Borrowed; valid until
 * the result is changed.
 */
const struct kz_extract_item *kz_extract_find(const struct kz_extract_result *r,
    enum kz_ioc_type type, const char *value);

/* How many items of type t the result holds. */
size_t kz_extract_count(const struct kz_extract_result *r, enum kz_ioc_type t);

#endif
