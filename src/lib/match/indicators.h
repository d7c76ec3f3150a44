/* SPDX-License-Identifier: MIT */
/*
 * The in-memory indicator table the sweep matches against: each indicator
 * has an id (its index), a type, a canonical value and its source, tags
 * and TLP. Loaded from lists (plain, CSV, Zeek intel) or added one by one
 * (from the database), then built once; after kz_ioc_table_build() it is
 * read-only and safe to share between threads.
 */
#ifndef KZ_INDICATORS_H
#define KZ_INDICATORS_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "extract/ioc.h"

#define KZ_IOC_NONE UINT32_MAX

struct kz_ioc_table;
struct kz_ipset;
struct kz_domainset;
struct kz_urlset;
struct kz_strset;

/* Where an indicator came from; any field may be NULL or "". */
struct kz_ioc_meta {
	const char *source;
	const char *tags; /* comma-separated */
	const char *tlp;  /* clear, green, amber, amber+strict, red */
};

/* One indicator as seen by callers. All strings borrowed from the table. */
struct kz_ioc {
	uint32_t id;
	enum kz_ioc_type type;
	const char *value; /* canonical */
	const char *source;
	const char *tags;
	const char *tlp;
};

/* Caller owns *out; free with kz_ioc_table_free(). 0 or KZ_ENOMEM. */
int kz_ioc_table_new(struct kz_ioc_table **out);
void kz_ioc_table_free(struct kz_ioc_table *t);

/*
 * Adds an indicator of type t. value may be defanged (hxxp, [.]) and is
 * canonicalized; a domain may be an IDN. The same value added twice keeps
 * both entries: lookups answer the first, kz_ioc_table_next_dup() leads
 * to the others. *id (if not NULL) gets the new id. KZ_EINVAL naming the
 * value when it is not valid for the type, a domain that is a public
 * suffix, or a TLP that is not one of the five; KZ_ENOMEM.
 */
int kz_ioc_table_add(struct kz_ioc_table *t, uint32_t *id,
    enum kz_ioc_type type, const char *value, size_t len,
    const struct kz_ioc_meta *meta);

/* The same, guessing the type from the value. */
int kz_ioc_table_add_auto(struct kz_ioc_table *t, uint32_t *id,
    const char *value, size_t len, const struct kz_ioc_meta *meta);

/*
 * Writes the canonical form of value for type t into out; with
 * KZ_IOC_NTYPES as t the type is guessed and stored in *type. The same
 * rules kz_ioc_table_add applies. 0 or KZ_EINVAL naming the value.
 */
int kz_ioc_table_canonical(struct kz_buf *out, enum kz_ioc_type *type,
    enum kz_ioc_type t, const char *value, size_t len);

/* Finishes the IP set; call after the last add, before lookups. */
int kz_ioc_table_build(struct kz_ioc_table *t);

size_t kz_ioc_table_count(const struct kz_ioc_table *t);

/* Fills *out for id (< count). Strings borrowed until the table is freed. */
void kz_ioc_table_get(
    const struct kz_ioc_table *t, uint32_t id, struct kz_ioc *out);

/*
 * The next indicator with the same type and value as id (another source),
 * or KZ_IOC_NONE. Valid after kz_ioc_table_build().
 */
uint32_t kz_ioc_table_next_dup(const struct kz_ioc_table *t, uint32_t id);

/* The matching sets, borrowed; valid after kz_ioc_table_build(). */
const struct kz_ipset *kz_ioc_table_ipset(const struct kz_ioc_table *t);
const struct kz_domainset *kz_ioc_table_domains(const struct kz_ioc_table *t);
const struct kz_urlset *kz_ioc_table_urls(const struct kz_ioc_table *t);
/* E-mail addresses, keyed by the whole address lower-cased. */
const struct kz_strset *kz_ioc_table_emails(const struct kz_ioc_table *t);

/* Bytes held by the table and its sets. */
size_t kz_ioc_table_memory(const struct kz_ioc_table *t);

/* The type's name ("ipv4", "domain" ...), "unknown" when out of range. */
const char *kz_ioc_table_type_name(enum kz_ioc_type type);

enum kz_ioc_list_format {
	KZ_IOC_LIST_AUTO = 0,
	KZ_IOC_LIST_PLAIN, /* one value a line, type guessed, # comments */
	KZ_IOC_LIST_CSV,   /* header with type,value,source,tags,tlp */
	KZ_IOC_LIST_ZEEK, /* Zeek intel: #fields indicator indicator_type ... */
};

/* "auto", "plain", "csv", "zeek"; 0 or KZ_EINVAL naming the text. */
int kz_ioc_list_format_parse(enum kz_ioc_list_format *out, const char *s);

enum kz_ioc_load_flags {
	KZ_IOC_LOAD_STRICT = 1 << 0, /* the first bad line fails the load */
};

/*
 * What a load did. errors holds up to 64 KiB of "origin:line: message"
 * lines, one for each line refused; release with kz_ioc_load_stats_release.
 */
struct kz_ioc_load_stats {
	size_t lines;
	size_t added;
	size_t duplicates; /* added, but the value was already there */
	size_t rejected;
	struct kz_buf errors;
};

void kz_ioc_load_stats_init(struct kz_ioc_load_stats *st);
void kz_ioc_load_stats_release(struct kz_ioc_load_stats *st);

/*
 * Loads a list from data. origin names it in messages; defaults fill the
 * metadata a line does not give (the source defaults to origin). Lines that
 * cannot be read are counted in st and skipped, unless flags has
 * KZ_IOC_LOAD_STRICT: then KZ_EINVAL names the first. KZ_EINVAL also for a
 * CSV without type and value columns; KZ_ENOMEM.
 */
int kz_ioc_table_load(struct kz_ioc_table *t, const char *data, size_t len,
    enum kz_ioc_list_format fmt, const char *origin,
    const struct kz_ioc_meta *defaults, unsigned flags,
    struct kz_ioc_load_stats *st);

/* The same from a file (at most 4 GiB). KZ_EIO naming it when unreadable. */
int kz_ioc_table_load_file(struct kz_ioc_table *t, const char *path,
    enum kz_ioc_list_format fmt, const struct kz_ioc_meta *defaults,
    unsigned flags, struct kz_ioc_load_stats *st);

#endif
