/* SPDX-License-Identifier: MIT */
/*
 * HTML output: every text a page shows goes through kz_html_escape, so
 * that script in any field comes back as text.
 */
#ifndef KZ_HTML_H
#define KZ_HTML_H

#include <stddef.h>

#include "core/buf.h"

/*
 * Appends s escaped for HTML text and attribute values (& < > " ' and `);
 * invalid UTF-8 becomes U+FFFD. NULL appends nothing.
 */
void kz_html_escape(struct kz_buf *b, const char *s);

/* The same for s[0..len). */
void kz_html_escape_n(struct kz_buf *b, const char *s, size_t len);

#endif
