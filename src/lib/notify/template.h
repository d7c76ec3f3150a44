/* SPDX-License-Identifier: MIT */
/*
 * Notification templates: a small text language checked when it is
 * loaded, and the set of templates per kind, category and language
 * (built in from data/templates/, overridable from a directory).
 *
 * A template file is a "Subject: ..." line, an empty line, then the body.
 * In both, {{name}} is replaced by a value (the names are listed in
 * kz_template_names; a name the list lacks is an error at load time),
 * {{#each indicators}} ... {{/each}} repeats its text for each indicator,
 * where {{type}}, {{value}}, {{defanged}}, {{ticket}}, {{first_seen_utc}},
 * {{first_seen_jst}}, {{last_seen_utc}} and {{last_seen_jst}} name the
 * indicator's fields, and {{#if name}} ... {{/if}} keeps its text only when
 * the value is not empty. A line that is only a block tag leaves no empty
 * line behind. Lines starting with "##" are comments. No other syntax:
 * "{{" cannot be escaped and is never needed in a mail.
 */
#ifndef KZ_TEMPLATE_H
#define KZ_TEMPLATE_H

#include <stddef.h>

struct kz_buf;
struct kz_template;
struct kz_templates;

/* The placeholders a template may use outside and inside each-blocks. */
extern const char *const kz_template_names[];
extern const char *const kz_template_item_names[];

/*
 * Values for rendering: named scalars and a list of indicator items. Names
 * must be in kz_template_names (or kz_template_item_names for items); a
 * value not set renders empty.
 */
struct kz_tvars;
struct kz_tvars *kz_tvars_new(void);
void kz_tvars_free(struct kz_tvars *v);
/* Copies value; 0 or KZ_ENOMEM (KZ_EINVAL for an unknown name). */
int kz_tvars_set(struct kz_tvars *v, const char *name, const char *value);
/* Starts a new item; later kz_tvars_item_set() calls fill it. */
int kz_tvars_add_item(struct kz_tvars *v);
int kz_tvars_item_set(struct kz_tvars *v, const char *name, const char *value);
/* The value of name, or "" when unset. Borrowed. */
const char *kz_tvars_get(const struct kz_tvars *v, const char *name);

/*
 * Parses a template named name (for messages: "file.txt") from text.
 * KZ_EINVAL naming the name, the line and the problem: no Subject line,
 * unknown placeholder, unclosed or unmatched block, invalid UTF-8. Caller
 * owns *out (kz_template_free).
 */
int kz_template_parse(
    struct kz_template **out, const char *name, const char *text, size_t len);
void kz_template_free(struct kz_template *t);
const char *kz_template_name(const struct kz_template *t);

/* Renders subject and body (appended). 0, or KZ_ENOMEM. */
int kz_template_render(struct kz_buf *subject, struct kz_buf *body,
    const struct kz_template *t, const struct kz_tvars *v);

/*
 * The template set: the built-in files, then every "*.txt" of dir (may
 * be NULL) over them by file name. Every file is parsed now, so a bad
 * template is an error here and not when a mail goes out. KZ_EIO when dir
 * cannot be read. Caller owns *out.
 */
int kz_templates_load(struct kz_templates **out, const char *dir);
void kz_templates_free(struct kz_templates *set);

/*
 * The template for kind ("notify", "reminder", "result", or a name given
 * by the handler), category (may be NULL) and lang ("ja" or "en"): the
 * file "<kind>-<category>.<lang>.txt" if there is one, else
 * "<kind>.<lang>.txt". Borrowed from set. KZ_ENOTFOUND naming the file.
 */
int kz_templates_find(const struct kz_template **out,
    const struct kz_templates *set, const char *kind, const char *category,
    const char *lang);

/* Names of the templates in the set, sorted; borrowed. */
size_t kz_templates_count(const struct kz_templates *set);
const char *kz_templates_name(const struct kz_templates *set, size_t i);

#endif
