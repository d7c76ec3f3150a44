/* SPDX-License-Identifier: MIT */
/* Language selection and catalogue look-up by binary search. */
#include "i18n.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "error.h"
#include "i18n_int.h"

int
kz_lang_parse(enum kz_lang *out, const char *s)
{
	if (s && (strncasecmp(s, "ja", 2) == 0) &&
	    (s[2] == '\0' || s[2] == '_' || s[2] == '-' || s[2] == '.')) {
		*out = KZ_LANG_JA;
		return 0;
	}
	if (s && (strncasecmp(s, "en", 2) == 0) &&
	    (s[2] == '\0' || s[2] == '_' || s[2] == '-' || s[2] == '.')) {
		*out = KZ_LANG_EN;
		return 0;
	}
	if (s &&
	    (strcmp(s, "C") == 0 || strcmp(s, "POSIX") == 0 ||
		strncmp(s, "C.", 2) == 0)) {
		*out = KZ_LANG_EN;
		return 0;
	}
	return kz_error_set(
	    KZ_EINVAL, "unknown language '%s' (one of: ja, en)", s ? s : "");
}

const char *
kz_lang_code(enum kz_lang lang)
{
	return lang == KZ_LANG_JA ? "ja" : "en";
}

enum kz_lang
kz_lang_from_accept(const char *accept, enum kz_lang dflt)
{
	const char *p = accept;
	double best = -1;
	enum kz_lang pick = dflt;

	while (p && *p) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		char tag[64];
		double q = 1.0;
		const char *qs;
		enum kz_lang l;

		while (n && (*p == ' ' || *p == '\t')) {
			p++;
			n--;
		}
		if (n >= sizeof(tag))
			n = sizeof(tag) - 1;
		memcpy(tag, p, n);
		tag[n] = '\0';
		qs = strstr(tag, ";q=");
		if (qs) {
			q = strtod(qs + 3, NULL);
			tag[qs - tag] = '\0';
		}
		if (kz_lang_parse(&l, tag) == 0 && q > best) {
			best = q;
			pick = l;
		}
		p = end ? end + 1 : NULL;
	}
	kz_error_clear();
	return pick;
}

static const char *
lookup(const struct kz_i18n_entry *tab, unsigned long n, const char *msgid)
{
	unsigned long lo = 0, hi = n;

	while (lo < hi) {
		unsigned long mid = lo + (hi - lo) / 2;
		int c = strcmp(msgid, tab[mid].msgid);

		if (c == 0)
			return tab[mid].msgstr;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

const char *
kz_tr(enum kz_lang lang, const char *msgid)
{
	const char *s;

	if (!msgid || lang != KZ_LANG_JA)
		return msgid;
	s = lookup(kz_i18n_ja, kz_i18n_ja_len, msgid);
	return s ? s : msgid;
}

int
kz_tr_has(enum kz_lang lang, const char *msgid)
{
	if (lang != KZ_LANG_JA)
		return 1;
	return lookup(kz_i18n_ja, kz_i18n_ja_len, msgid) != NULL;
}
