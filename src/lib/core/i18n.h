/* SPDX-License-Identifier: MIT */
/*
 * Languages and message catalogues. The library itself produces English;
 * front ends translate with kz_tr() for the language of the user, the
 * request or the locale they were given. Nothing here reads the process
 * locale or the environment.
 */
#ifndef KZ_I18N_H
#define KZ_I18N_H

enum kz_lang {
	KZ_LANG_EN = 0,
	KZ_LANG_JA = 1,
};

/* Marks a string for extraction without translating it here. */
#define N_(s) (s)

/*
 * Parses "ja", "en", "ja_JP.UTF-8", "en-US" and the like. Returns 0, or
 * KZ_EINVAL for a language we have no catalogue for.
 */
int kz_lang_parse(enum kz_lang *out, const char *s);

/* "ja" or "en". */
const char *kz_lang_code(enum kz_lang lang);

/*
 * Picks a language from an HTTP Accept-Language value by its q weights;
 * dflt when none of ours is named.
 */
enum kz_lang kz_lang_from_accept(const char *accept, enum kz_lang dflt);

/* The translation of msgid, or msgid itself. Never NULL for non-NULL msgid. */
const char *kz_tr(enum kz_lang lang, const char *msgid);

/* Whether lang's catalogue has msgid (for the catalogue coverage test). */
int kz_tr_has(enum kz_lang lang, const char *msgid);

#endif
