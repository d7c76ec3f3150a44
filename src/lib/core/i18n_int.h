/* SPDX-License-Identifier: MIT */
/* The shape of the generated translation tables. */
#ifndef KZ_I18N_INT_H
#define KZ_I18N_INT_H

struct kz_i18n_entry {
	const char *msgid;
	const char *msgstr;
};

extern const struct kz_i18n_entry kz_i18n_ja[];
extern const unsigned long kz_i18n_ja_len;

#endif
