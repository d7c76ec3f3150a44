/* SPDX-License-Identifier: MIT */
/*
 * Suggests a report's category (scan, phishing ...) and attack stage from
 * its subject, mail headers, text and indicators, with rules that
 * handlers edit in a text file (data/classify.rules documents the format
 * at its top). The result names the rule that decided; a handler's
 * choice always wins over it (kz_classify_override).
 */
#ifndef KZ_CLASSIFY_H
#define KZ_CLASSIFY_H

#include <stddef.h>

#include "extract/extract.h"
#include "model/taxonomy.h"

struct kz_classify_rules;

/*
 * Loads rules from the file at path, or the built-in rules (the
 * data/classify.rules the program was built with) when path is NULL.
 * Caller owns *out; free with kz_classify_rules_free(). KZ_EIO when the
 * file cannot be read, KZ_EINVAL naming the file, line and what is wrong.
 */
int kz_classify_rules_load(struct kz_classify_rules **out, const char *path);

/* As kz_classify_rules_load, from text; origin names it in messages. */
int kz_classify_rules_parse(struct kz_classify_rules **out, const char *text,
    size_t len, const char *origin);

void kz_classify_rules_free(struct kz_classify_rules *rules);

/* How many rules were read. */
size_t kz_classify_rules_count(const struct kz_classify_rules *rules);

/* The text of the built-in rules file. */
extern const char kz_classify_default_rules[];
extern const size_t kz_classify_default_rules_len;

struct kz_classify_input {
	const char *subject; /* may be NULL */
	const char
	    *headers; /* raw header block, "Name: value" lines; or NULL */
	size_t headers_len;
	const char *text; /* the body; may be NULL */
	size_t text_len;
	const struct kz_extract_result *iocs; /* may be NULL */
};

#define KZ_CLASSIFY_RULE_MAX 64

struct kz_classification {
	enum kz_category category;
	double confidence; /* 0..1 */
	/* the strongest rule that fired for the category; "default" when
	 * none did, "handler" after an override */
	char rule[KZ_CLASSIFY_RULE_MAX];
	enum kz_stage stage; /* KZ_STAGE_NONE when the text supports none */
	double stage_confidence;
	char stage_rule[KZ_CLASSIFY_RULE_MAX];
	int overridden;
	double scores[KZ_CAT_COUNT]; /* each category's combined score */
};

/*
 * Classifies in with rules (NULL: the built-in ones, loaded once). Each
 * rule fires at most once; a category's score combines the weights w of
 * its rules as 1 - (1 - w1)(1 - w2)...; the best score wins, ties going
 * to the category listed first. No rule firing gives "other" with
 * confidence 0. Stages are scored the same way and suggested from a
 * score of 0.3. Returns 0, KZ_ENOMEM, or an error loading the built-in
 * rules.
 */
int kz_classify(struct kz_classification *out,
    const struct kz_classify_rules *rules, const struct kz_classify_input *in);

/*
 * A handler's decision: sets the category (and the stage, when stage is
 * not NULL; "" or "none" clears it) with confidence 1 and rule "handler".
 * KZ_EINVAL naming an unknown category or stage; out is then unchanged.
 */
int kz_classify_override(
    struct kz_classification *out, const char *category, const char *stage);

#endif
